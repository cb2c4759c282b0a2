"""Crawl archives (transforms/files/warc.py): archives are built here with warcio's writer."""
import gzip
import io
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from transforms.files.formats import InputError, Record
from transforms.files.warc import decode_html, declared_charsets, is_warc, iter_warc

MB = 1 << 20
ARTICLE = ("<!DOCTYPE html><html><head><title>Talks resume</title></head><body><article>"
           "<p>BOGOTÁ (Reuters) - José Muñoz said the “talks” would resume.</p></article></body></html>")
CP1252_PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
               "</head><body><p>Peru’s José Pérez said the lake – high in the Andes – was rising.</p>"
               "</body></html>")


def http(status: str, content_type: str | None, *extra) -> StatusAndHeaders:
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(status, headers + list(extra), protocol="HTTP/1.1")


def build_archive(compress: bool) -> bytes:
    return build_archive_with_offsets(compress)[0]


def build_archive_with_offsets(compress: bool) -> tuple[bytes, list[int]]:
    """warcinfo, dns, request, two HTML responses, an image, a 404, a redirect, a revisit;
    and where each record starts."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    starts = []
    write = writer.write_record

    def write_record(record):
        starts.append(out.tell())
        write(record)

    writer.write_record = write_record

    def date(n):
        return {"WARC-Date": f"2025-03-04T10:00:0{n}Z"}

    writer.write_record(writer.create_warc_record("", "warcinfo", payload=io.BytesIO(b"software: test\r\n"),
                                                  warc_content_type="application/warc-fields",
                                                  warc_headers_dict=date(0)))
    writer.write_record(writer.create_warc_record("dns:news.example", "response",
                                                  payload=io.BytesIO(b"news.example. 300 IN A 192.0.2.1\n"),
                                                  warc_content_type="text/dns", warc_headers_dict=date(0)))
    request = StatusAndHeaders("GET /talks HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/talks", "request",
                                                  http_headers=request, warc_headers_dict=date(1)))
    responses = [
        ("https://news.example/talks", ARTICLE.encode("utf-8"), http("200 OK", "text/html; charset=UTF-8")),
        ("https://diario.example/peru", CP1252_PAGE.encode("cp1252"), http("200 OK", "text/html")),
        ("https://news.example/photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200),
         http("200 OK", "image/jpeg")),
        ("https://news.example/gone", b"<html><body>Not found</body></html>", http("404 Not Found", "text/html")),
        ("http://news.example/talks", b"", http("301 Moved Permanently", None,
                                                ("Location", "https://news.example/talks"))),
    ]
    for second, (url, body, headers) in enumerate(responses, start=2):
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers, warc_headers_dict=date(second)))
    writer.write_record(writer.create_revisit_record(
        "https://news.example/talks", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "https://news.example/talks",
        "2025-03-04T10:00:02Z", warc_headers_dict=date(9)))
    return out.getvalue(), starts


def outcomes(stream, max_record_bytes=16 * MB, **kwargs):
    """iter_warc's output as comparable tuples, plus the skipped counter."""
    skipped = Counter()
    result = []
    for position, item in iter_warc(stream, max_record_bytes, skipped, **kwargs):
        if isinstance(item, Record):
            result.append((position, item.content_type, item.encoding, item.meta["url"], item.meta["crawl_date"],
                           item.content))
        else:
            result.append((position, item.reason, str(item)))
    return result, skipped


EXPECTED = [
    (3, "html", "utf-8", "https://news.example/talks", "2025-03-04T10:00:02Z", ARTICLE),
    (4, "html", "cp1252", "https://diario.example/peru", "2025-03-04T10:00:03Z", CP1252_PAGE),
    (5, "not-html", "image/jpeg payload at https://news.example/photo.jpg"),
    (6, "http-error", "status 404"),
    (7, "http-redirect", "status 301 to https://news.example/talks"),
]
EXPECTED_SKIPPED = Counter({"warcinfo": 1, "dns": 1, "request": 1, "revisit": 1})


@pytest.mark.parametrize("compress", [True, False])
def test_iter_warc_turns_html_responses_into_documents_and_counts_the_rest(compress):
    result, skipped = outcomes(io.BytesIO(build_archive(compress)))
    assert result == EXPECTED
    assert skipped == EXPECTED_SKIPPED
    assert "José Muñoz" in result[0][-1] and "Peru’s José Pérez" in result[1][-1]


def test_an_archive_gzipped_as_a_whole_reads_like_a_chunked_one():
    """warcio alone refuses this layout ("non-chunked gzip"); people make it with `gzip x.warc`."""
    whole = gzip.compress(gzip.decompress(build_archive(compress=True)))
    assert outcomes(io.BytesIO(whole)) == (EXPECTED, EXPECTED_SKIPPED)
    assert outcomes(io.BytesIO(gzip.compress(whole))) == (EXPECTED, EXPECTED_SKIPPED)


@pytest.mark.parametrize("compress", [True, False])
def test_is_warc_sniffs_through_gzip(compress):
    assert is_warc(build_archive(compress)[:4096])
    assert is_warc(gzip.compress(build_archive(compress=False))[:4096])


@pytest.mark.parametrize("head", [
    b"", b"<html><body>WARC/1.0</body></html>", b"WARC/0.17\r\nWARC-Type: response", b" WARC/1.0\r\n",
    gzip.compress(b"<html>WARC/1.0</html>"), b"\x1f\x8b\x08\x00garbage that is not deflate",
    b'{"url": "https://x", "text": "WARC/1.0"}\n',
])
def test_is_warc_is_false_for_other_content(head):
    assert not is_warc(head)


def test_is_warc_knows_warc_1_1():
    assert is_warc(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")


def test_a_payload_over_the_record_limit_is_too_large_and_the_next_record_still_reads():
    limit = len(ARTICLE.encode("utf-8"))     # the article fits, the cp1252 page (longer) does not
    assert len(CP1252_PAGE) > limit
    result, _ = outcomes(io.BytesIO(build_archive(compress=True)), max_record_bytes=limit)
    assert result == EXPECTED[:1] + [(4, "too-large", f"record payload larger than {limit:,} bytes")] + EXPECTED[2:]


def test_the_archive_wide_decompressed_limit_ends_the_archive_with_one_error():
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    page = ("<html><body>" + "<p>Wire copy.</p>" * 4000 + "</body></html>").encode()   # 68 KB
    for n in range(6):
        writer.write_record(writer.create_warc_record(f"https://a.example/{n}", "response", payload=io.BytesIO(page),
                                                      http_headers=http("200 OK", "text/html")))
    result, _ = outcomes(io.BytesIO(out.getvalue()), max_decompressed_bytes=200_000)
    *documents, error = result
    assert [(position, kind) for position, kind, *_ in documents] == [(n, "html") for n in range(len(documents))]
    assert 1 <= len(documents) <= 2
    assert error == (len(documents), "decompressed-size-limit", "more than 200,000 bytes")


def test_an_archive_cut_inside_a_payload_gives_the_records_before_then_truncated_warc():
    archive = build_archive(compress=False)
    cut = archive.index("Pérez".encode("cp1252"))
    result, skipped = outcomes(io.BytesIO(archive[:cut]))
    missing = len(CP1252_PAGE.encode("cp1252")) - CP1252_PAGE.index("Pérez")
    assert result == EXPECTED[:1] + [(4, "truncated-warc", f"record ends {missing:,} bytes before its Content-Length")]
    assert skipped == Counter({"warcinfo": 1, "dns": 1, "request": 1})


def test_a_gzipped_archive_cut_inside_a_member_keeps_every_earlier_record():
    archive, starts = build_archive_with_offsets(compress=True)
    result, _ = outcomes(io.BytesIO(archive[:(starts[4] + starts[5]) // 2]))
    assert [r[:2] for r in result] == [EXPECTED[0][:2], (4, "truncated-warc")]


@pytest.mark.parametrize("compress", [True, False])
def test_every_cut_gives_a_prefix_of_the_records_then_one_error_unless_it_falls_between_records(compress):
    archive, starts = build_archive_with_offsets(compress)
    # Between two records (at a gzip member's start, or in the blank lines ending a plain
    # record) a cut leaves a shorter but valid archive: nothing to report.
    between = {0} | {end - blank for end in starts[1:] + [len(archive)] for blank in ([0] if compress else range(5))}
    for cut in [*range(0, len(archive), 7), *between]:
        result, _ = outcomes(io.BytesIO(archive[:cut]))
        documents = [r for r in result if r[1] not in ("truncated-warc", "corrupt-warc")]
        errors = result[len(documents):]
        assert documents == EXPECTED[:len(documents)], cut
        assert [r[1] for r in errors] in ([], ["truncated-warc"], ["corrupt-warc"]), cut
        assert bool(errors) == (cut not in between), cut


def test_garbage_after_valid_records_is_one_corrupt_warc_error():
    archive = build_archive(compress=False) + b"this is not a record\r\n\r\n"
    result, skipped = outcomes(io.BytesIO(archive))
    assert result[:-1] == EXPECTED and skipped == EXPECTED_SKIPPED
    assert result[-1][:2] == (9, "corrupt-warc")


def test_html_with_a_generic_content_type_is_recognised_from_its_content():
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for url, content_type, body in [("https://a.example/1", "application/octet-stream", ARTICLE.encode()),
                                    ("https://a.example/robots.txt", "text/plain", b"User-agent: *\nDisallow:\n"),
                                    ("https://a.example/2", None, b"<html><body><p>x</p></body></html>")]:
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http("200 OK", content_type)))
    result, _ = outcomes(io.BytesIO(out.getvalue()))
    assert [r[:2] for r in result] == [(0, "html"), (1, "not-html"), (2, "html")]
    assert result[1][2] == "text/plain payload at https://a.example/robots.txt"


def test_a_resource_record_of_html_is_a_document():
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warc_record("file:///saved/page.html", "resource",
                                                  payload=io.BytesIO(ARTICLE.encode()),
                                                  warc_content_type="text/html; charset=utf-8",
                                                  warc_headers_dict={"WARC-Date": "2025-01-02T03:04:05Z"}))
    result, _ = outcomes(io.BytesIO(out.getvalue()))
    assert result == [(0, "html", "utf-8", "file:///saved/page.html", "2025-01-02T03:04:05Z", ARTICLE)]


@pytest.mark.parametrize("payload, content_type, expected", [
    # The HTTP header outranks the meta tag.
    ('<meta charset="utf-8"><p>Bogotá</p>'.encode("cp1252"), "text/html; charset=windows-1252",
     ('<meta charset="utf-8"><p>Bogotá</p>', "cp1252")),
    # A label that does not decode the bytes gives way to the next one.
    ('<meta charset="cp1252"><p>“Bogotá”</p>'.encode("cp1252"), "text/html; charset=utf-8",
     ('<meta charset="cp1252"><p>“Bogotá”</p>', "cp1252")),
    # latin-1 means cp1252 (curly quotes live in 0x80-0x9F)...
    ("<p>“Bogotá”</p>".encode("cp1252"), 'text/html; charset="ISO-8859-1"', ("<p>“Bogotá”</p>", "cp1252")),
    # ...unless the bytes are UTF-8: the server's default label, not the page's charset.
    ("<p>“Bogotá”</p>".encode("utf-8"), "text/html; charset=iso-8859-1", ("<p>“Bogotá”</p>", "utf-8")),
    # An unknown or non-text label is ignored; detection decides.
    ("<p>Bogotá</p>".encode("utf-8"), "text/html; charset=rot13", ("<p>Bogotá</p>", "utf-8")),
    ("<p>Bogotá</p>".encode("utf-8"), "text/html; charset=x-made-up", ("<p>Bogotá</p>", "utf-8")),
    # A UTF-16 label without a BOM is a mistake.
    (b'<meta charset="utf-16"><p>Lima</p>', "text/html", ('<meta charset="utf-16"><p>Lima</p>', "utf-8")),
    # A BOM beats every label.
    ("\ufeff<p>Bogotá</p>".encode("utf-8"), "text/html; charset=cp1252", ("<p>Bogotá</p>", "utf-8")),
])
def test_decode_html(payload, content_type, expected):
    decoded = decode_html(payload, content_type)
    assert (decoded.text, decoded.encoding) == expected


def test_declared_charsets_in_order_of_authority():
    page = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>'
    assert declared_charsets(page, "text/html; charset=EUC-JP") == ["EUC-JP", "Shift_JIS"]
    assert declared_charsets(b"<meta charset='koi8-r'>", "") == ["koi8-r"]
    assert declared_charsets(b"<p>no declaration</p>", "text/html") == []


def assert_only_outcomes(data: bytes):
    for position, item in iter_warc(io.BytesIO(data), 4096, Counter(), max_decompressed_bytes=1 << 16):
        assert isinstance(position, int) and position >= 0
        assert isinstance(item, (Record, InputError))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from([b"", b"WARC/1.0\r\n", b"WARC/1.1\r\nWARC-Type: response\r\n"]))
def test_iter_warc_yields_only_outcomes_on_arbitrary_bytes(data, prefix):
    assert_only_outcomes(prefix + data)
    assert_only_outcomes(gzip.compress(prefix + data))


ARCHIVES = {True: build_archive(True), False: build_archive(False)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.data())
def test_iter_warc_yields_only_outcomes_on_damaged_archives(compress, data):
    archive = bytearray(ARCHIVES[compress])
    cut = data.draw(st.integers(0, len(archive)))
    for offset in data.draw(st.lists(st.integers(0, len(archive) - 1), max_size=4)):
        archive[offset] = data.draw(st.integers(0, 255))
    assert_only_outcomes(bytes(archive[:cut]))
