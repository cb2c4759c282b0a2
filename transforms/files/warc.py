"""Crawl archives (WARC 1.0/1.1, plain or gzipped): plain functions that turn one archive
into documents, one per HTML response record.

warcio rather than FastWARC: warcio is pure Python (no compiled wheel to match on every
worker image), is the reference reader of the Webrecorder/IIPC tools, and its
``WARCWriter`` lets the tests build their archives instead of shipping binary fixtures.
FastWARC parses faster, but here parsing is a small cost beside HTML extraction and
spaCy, so speed does not pay for the native dependency.

Streams. A ``.warc.gz`` is a multi-member gzip, one member per record. warcio wants the
*raw* file and decompresses it member by member, but refuses an archive gzipped as a
whole ("non-chunked gzip", what ``gzip x.warc`` makes); so ``iter_warc`` takes the raw
stream and gunzips any gzip layers itself, member by member (``GzipMembers``), giving
warcio the plain WARC. The read stage must call it with the raw stream, not with
``formats.open_content``'s: that one's per-file decompressed-size cap is sized for one
document, while a crawl archive is routinely several GB of records, and gzip.GzipFile
drops the records decompressed by the read that meets a truncated member. Here the
limits are per record (``max_record_bytes``) and, optionally, per archive.
"""
from __future__ import annotations

import codecs
import io
import re
import zlib
from collections import Counter
from typing import IO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from transforms.files.formats import GZIP_MAGIC, Decoded, InputError, LimitedReader, Record, decode, sniff

WARC_VERSIONS = (b"WARC/1.0", b"WARC/1.1")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types servers send for HTML they did not label: such a payload is HTML if it sniffs as HTML.
UNLABELLED_TYPES = ("", "text/plain", "application/octet-stream", "binary/octet-stream",
                    "application/unknown", "unknown/unknown")
# Records that carry a fetched payload. request/warcinfo/metadata/revisit/conversion
# records describe a capture or repeat one: they are not documents.
PAYLOAD_RECORDS = ("response", "resource")
# HTML's own rule: a meta charset counts only in the first 1024 bytes, but real pages put
# it after long inline scripts, so look further.
_META_CHARSET_WINDOW = 8192
_SNIFF_BYTES = 8192
_BLOCK_BYTES = 1 << 16
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.I)
# What browsers decode these labels as (WHATWG Encoding Standard): pages labelled
# latin-1 are written in cp1252 far more often than not (curly quotes in 0x80-0x9F).
_WHATWG_LABELS = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                  "us-ascii": "cp1252", "ascii": "cp1252", "l1": "cp1252"}


def is_warc(head: bytes) -> bool:
    """True when ``head`` (the first few KB of a file, raw or already gunzipped) starts a
    WARC 1.0/1.1 record, looking through gzip layers: a ``.warc.gz``'s first gzip member
    is its first record, so the version line is in the first decompressed bytes."""
    while head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return False
    return head.startswith(WARC_VERSIONS)


def iter_warc(stream: IO[bytes], max_record_bytes: int, skipped: Counter | None = None,
              max_decompressed_bytes: int | None = None) -> Iterator[tuple[int, Record | InputError]]:
    """(source_record, Record or InputError) for each payload record of an archive.

    ``source_record`` is the record's 0-based position among *all* records of the file,
    so it points at the same record whatever is skipped. An HTML 2xx response is a
    Record (content_type "html"; meta: ``url`` = WARC-Target-URI, ``crawl_date`` =
    WARC-Date, when the page was fetched, which is only a last-resort date candidate).
    Other payload records are InputErrors so they are counted, not lost: "not-html",
    "http-error" (4xx/5xx), "http-redirect" (3xx), "empty", "too-large" (payload past
    ``max_record_bytes``), "truncated-warc" (a record cut short), or a decoding reason.
    Records that are no documents (request, warcinfo, metadata, revisit, dns lookups...)
    are counted in ``skipped`` by WARC-Type. A broken archive yields the records before
    the damage, then one InputError ("corrupt-warc", "truncated-warc",
    "decompressed-size-limit") at the position of the first record it could not read.
    I/O errors of the underlying stream propagate."""
    skipped = Counter() if skipped is None else skipped
    position = 0
    try:
        plain, gzip_layers = _plain_warc(stream, max_decompressed_bytes)
        records = ArchiveIterator(plain)
        for record in records:
            if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                # warcio reads a record without one to the end of the file, or as empty if
                # it is garbled: either way, where the next record starts is unknown.
                yield position, InputError("corrupt-warc", "record without a valid Content-Length")
                return
            kind = _not_a_document(record)
            outcome = None if kind else _payload_outcome(record, max_record_bytes)
            missing = _bytes_missing(record)
            if missing:
                yield position, InputError("truncated-warc",
                                           f"record ends {missing:,} bytes before its Content-Length")
                return
            if kind:
                skipped[kind] += 1
            else:
                yield position, outcome
            position += 1
        # warcio takes an archive that ends inside a record's headers, or before a cut gzip
        # member gave any output, for a clean end.
        unread = records.fh.tell() - records.offset
        if unread:
            yield position, InputError("truncated-warc", f"archive ends {unread:,} bytes into a record's headers")
        elif any(layer.cut_short for layer in gzip_layers):
            yield position, InputError("truncated-warc", "archive ends inside a gzip member")
    except InputError as e:    # the archive-wide decompressed-size limit
        yield position, e
    except OSError:
        raise    # the file system's errors: the read stage reports the file as unreadable
    except Exception as e:  # noqa: BLE001 - on malformed input warcio raises ValueError, AttributeError...
        message = " ".join(str(e).split())[:300]
        yield position, InputError("corrupt-warc", f"{type(e).__name__}: {message}")


class GzipMembers(io.RawIOBase):
    """The decompressed bytes of every gzip member of ``raw`` in turn (a chunk-gzipped
    WARC, or one gzipped as a whole). Unlike gzip.GzipFile, a stream cut inside a member
    simply ends where its data ends, instead of raising EOFError and dropping what that
    read had decompressed: every record before the cut still reads, and the cut record
    shows up as shorter than its Content-Length."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self._member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._output = b""
        self.cut_short = False      # the data ended inside a member

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._output:
            if self._member.eof:
                data = self._member.unused_data or self._raw.read(_BLOCK_BYTES)
                if not data:
                    return 0
                self._member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = self._member.unconsumed_tail or self._raw.read(_BLOCK_BYTES)
                if not data:
                    self.cut_short = True
                    return 0
            # Bounded output: a gzip bomb never sits in memory.
            self._output = self._member.decompress(data, len(buffer))
        size = min(len(buffer), len(self._output))
        buffer[:size], self._output = self._output[:size], self._output[size:]
        return size


def _plain_warc(stream: IO[bytes], max_decompressed_bytes: int | None) -> tuple[IO[bytes], list[GzipMembers]]:
    """The uncompressed archive, and the gzip layers peeled off to get it."""
    stream = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    layers = []
    while stream.peek(2)[:2] == GZIP_MAGIC:
        layers.append(GzipMembers(stream))
        stream = io.BufferedReader(layers[-1], buffer_size=_BLOCK_BYTES)
    if max_decompressed_bytes is not None:
        stream = LimitedReader(stream, max_decompressed_bytes, "decompressed-size-limit")
    return stream, layers


def _not_a_document(record) -> str | None:
    """The kind of a record that holds no fetched page (its WARC-Type, or "dns" for a
    crawler's DNS lookups), or None for a payload record."""
    if record.rec_type not in PAYLOAD_RECORDS:
        return record.rec_type or "untyped"
    if (record.rec_headers.get_header("WARC-Target-URI") or "").startswith("dns:"):
        return "dns"
    return None


def _payload_outcome(record, max_record_bytes: int) -> Record | InputError:
    """The document of one payload record, or the InputError saying why it is none."""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    if http is not None:
        status = http.get_statuscode()
        if not status.isdigit():
            return InputError("http-error", f"unreadable HTTP status line {http.statusline[:80]!r}")
        if 300 <= int(status) < 400:
            return InputError("http-redirect", f"status {status} to {http.get_header('Location') or '?'}")
        if not 200 <= int(status) < 300:
            return InputError("http-error", f"status {status}")
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in HTML_TYPES + UNLABELLED_TYPES:
        return InputError("not-html", f"{mime} payload at {url}")    # without reading a PDF or a video
    payload = record.content_stream().read(max_record_bytes + 1)
    if len(payload) > max_record_bytes:
        return InputError("too-large", f"record payload larger than {max_record_bytes:,} bytes")
    if not payload.strip():
        return InputError("empty", f"no payload at {url}")
    if mime not in HTML_TYPES and sniff(payload[:_SNIFF_BYTES]) != "html":
        return InputError("not-html", f"{mime or 'unlabelled'} payload at {url}")
    try:
        decoded = decode_html(payload, content_type)
    except InputError as e:
        return e
    return Record(decoded.text, "html", decoded.encoding,
                  {"url": url, "crawl_date": record.rec_headers.get_header("WARC-Date")})


def _bytes_missing(record) -> int:
    """How many bytes of the record's declared Content-Length the archive lacks (0 when
    complete). Drains the record to find out, which warcio would do anyway."""
    raw = record.raw_stream
    while raw.read(_BLOCK_BYTES):
        pass
    return raw.limit if isinstance(raw, LimitReader) else 0


def declared_charsets(payload: bytes, content_type: str) -> list[str]:
    """Charsets the page declares, most authoritative first: the HTTP Content-Type's,
    then a ``<meta charset>`` or ``<meta http-equiv=Content-Type>`` near the top."""
    found = []
    if header := _CHARSET_PARAM.search(content_type):
        found.append(header.group(1))
    if meta := _META_CHARSET.search(payload[:_META_CHARSET_WINDOW]):
        found.append(meta.group(1).decode("ascii"))
    return found


def decode_html(payload: bytes, content_type: str = "") -> Decoded:
    """An HTML payload to text. A byte-order mark wins; then the declared charsets in
    order (HTTP, then meta), each only if it decodes the bytes without error, except that
    a latin-1/cp1252 label on bytes that are valid, non-ASCII UTF-8 is the classic server
    default mislabel and means UTF-8, and a UTF-16/32 label without a BOM is ignored
    (WHATWG reads a meta utf-16 as utf-8); then ``formats.decode``'s detection."""
    if payload.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(payload)
    for label in declared_charsets(payload, content_type):
        encoding = _WHATWG_LABELS.get(label.lower(), label.lower())
        if encoding.startswith(("utf-16", "utf-32", "utf16", "utf32")):
            continue
        if encoding == "cp1252" and not payload.isascii() and _is_utf8(payload):
            return Decoded(payload.decode("utf-8"), "utf-8")
        try:
            return Decoded(payload.decode(encoding), _codec_name(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    return decode(payload)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _codec_name(label: str) -> str:
    return codecs.lookup(label).name
