"""Format sniffing, decoding and JSONL streaming (transforms/files/formats.py)."""
import codecs
import gzip
import io
import json

import pytest
from hypothesis import given, settings, strategies as st

from transforms.files.formats import (Decoded, InputError, LimitedReader, decode, explain, iter_jsonl, jsonl_record,
                                      open_content, preview, read_all, sniff)


@pytest.mark.parametrize("head, expected", [
    (b"", "empty"),
    (b"   \n\t\n", "empty"),
    (b"\x1f\x8b\x08\x00rest", "gzip"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    (b"  <html lang='en'><head>", "html"),
    (b"<!-- saved page --><html>", "html"),
    (b'{"url": "u", "text": "t"}\n{"url": "v"}', "jsonl"),
    (b'{\n "source": "x"\n}', "json"),
    (b"[1, 2, 3]", "json"),
    (b"Headline of the story\n\nWASHINGTON (Reuters) - Text.", "text"),
    (b"a < b and <p> tags later\n", "text"),
    (b"\x00\x01\x02binary", "binary"),
    (codecs.BOM_UTF16_LE + "<html><body>".encode("utf-16-le"), "html"),
])
def test_sniff_recognises_formats_from_content(head, expected):
    assert sniff(head) == expected


def test_decode_prefers_bom_then_utf8():
    assert decode(codecs.BOM_UTF8 + "café".encode()).text == "café"
    assert decode(codecs.BOM_UTF8 + b"x").encoding == "utf-8"
    utf16 = codecs.BOM_UTF16_LE + "Nairobi — Kenya".encode("utf-16-le")
    assert (decode(utf16).text, decode(utf16).encoding) == ("Nairobi — Kenya", "utf-16")
    assert decode("José “quoted”".encode()).encoding == "utf-8"


def test_decode_detects_cp1252_and_keeps_the_encoding_found():
    text = "“We cannot sit at a table,” said José Muñoz — the commissioner in Bogotá.\r\n" * 3
    decoded = decode(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_decode_latin1_text():
    text = "Le ministre a déclaré que la réforme était nécessaire, a précisé l'économiste à Genève. " * 4
    decoded = decode(text.encode("latin-1"))
    assert decoded.text == text


def test_decode_repairs_a_utf8_file_damaged_in_the_middle():
    good = "Señor Muñoz said “the talks” in Bogotá would resume — next week. " * 20
    data = good.encode() + b"\xff\xfe\xfa" + good.encode()
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 3
    assert decoded.text.startswith(good) and decoded.text.endswith(good)


def test_decode_refuses_binary():
    with pytest.raises(InputError) as err:
        decode(bytes(range(256)) * 4)
    assert err.value.reason == "binary"


def test_jsonl_record_maps_crawler_fields():
    line = json.dumps({"url": "https://x.test/a", "title": "T | Site", "text": "Body text",
                       "date_publish": "2025-01-08T03:10:00Z", "fetched_at": "2025-01-12T00:00:00Z"}).encode()
    record = jsonl_record(line)
    assert record.content_type == "text" and record.content == "Body text"
    assert record.meta == {"url": "https://x.test/a", "title": "T | Site", "published": "2025-01-08T03:10:00Z"}


def test_jsonl_record_prefers_html_over_text():
    record = jsonl_record(json.dumps({"html": "<p>x</p>", "text": "x"}).encode())
    assert (record.content_type, record.content) == ("html", "<p>x</p>")


@pytest.mark.parametrize("line, reason", [
    (b'{"url": "x", "text": ', "malformed-json"),
    (b'[1, 2]', "malformed-json"),
    (b'{"url": "x"}', "no-content"),
    (b'{"text": "   "}', "no-content"),
])
def test_jsonl_record_rejects_with_a_reason(line, reason):
    with pytest.raises(InputError) as err:
        jsonl_record(line)
    assert err.value.reason == reason


def test_iter_jsonl_streams_good_and_bad_lines_with_their_numbers():
    lines = [json.dumps({"text": "one"}), "{broken", "", json.dumps({"text": "x" * 100}), json.dumps({"text": "four"})]
    stream = io.BytesIO("\n".join(lines).encode())
    out = list(iter_jsonl(stream, max_record_bytes=50))
    assert [n for n, _ in out] == [0, 1, 3, 4]
    assert out[0][1].content == "one"
    assert out[1][1].reason == "malformed-json"
    assert out[2][1].reason == "too-large"
    assert out[3][1].content == "four"


def test_open_content_gunzips_and_limits_decompressed_size():
    payload = b"x" * 10_000
    stream, compression = open_content(io.BytesIO(gzip.compress(gzip.compress(payload))), 1 << 20)
    assert compression == "gzip" and stream.read() == payload
    bomb, _ = open_content(io.BytesIO(gzip.compress(b"\0" * 5_000_000)), 1_000_000)
    with pytest.raises(InputError) as err:
        bomb.read()
    assert err.value.reason == "decompressed-size-limit"


def test_truncated_gzip_is_explained():
    data = gzip.compress(b"some text " * 1000)[:-40]
    with pytest.raises(EOFError) as err:
        stream, _ = open_content(io.BytesIO(data), 1 << 20)
        stream.read()
    assert explain(err.value)[0] == "truncated-gzip"


def test_read_all_refuses_oversized_documents():
    assert read_all(io.BytesIO(b"abc"), 3) == b"abc"
    with pytest.raises(InputError) as err:
        read_all(io.BytesIO(b"abcd"), 3)
    assert err.value.reason == "too-large"


def test_limited_reader_counts_across_reads():
    reader = io.BufferedReader(LimitedReader(io.BytesIO(b"a" * 100), 60, "too-large"), buffer_size=16)
    with pytest.raises(InputError):
        reader.read()


def test_preview_is_short_and_printable():
    assert preview(b"\x00abc\n\n  def" + b"x" * 500, limit=10) == "\ufffdabc defxx"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_and_sniff_never_raise_anything_but_input_error(data):
    assert sniff(data[:4096]) in {"gzip", "empty", "binary", "html", "jsonl", "json", "text"}
    try:
        decoded = decode(data)
    except InputError as e:
        assert e.reason in {"binary", "undecodable"}
    else:
        assert isinstance(decoded.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_decode_round_trips_any_utf8_text(text):
    if "\x00" in text or any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return
    assert decode(text.encode("utf-8")).text == text


def test_spanish_cp1252_keeps_its_enye_and_polish_cp1250_its_letters():
    spanish = "El Consejo de Ministros aprobó este jueves un plan, añadió la ministra en Málaga. ¿Qué pasará? " * 3
    assert decode(spanish.encode("cp1252")) == Decoded(spanish, "cp1252")
    polish = "Zażółć gęślą jaźń, powiedział minister w Warszawie, może jutro. " * 4
    assert decode(polish.encode("cp1250")) == Decoded(polish, "cp1250")


def test_the_second_read_yields_the_documents_and_skips_what_cannot_be_read(tmp_path):
    from transforms.read import ReadLimits, readable_documents  # noqa: PLC0415

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"title": "A", "text": "one"}\nnot json\n{"title": "B", "text": "two"}\n', encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    documents = list(readable_documents(str(feed), ReadLimits()))
    assert [(d["source_record"], d["content"]) for d in documents] == [(0, "one"), (2, "two")]
    assert list(readable_documents(str(binary), ReadLimits())) == []
    assert list(readable_documents(str(tmp_path / "missing.txt"), ReadLimits())) == []
