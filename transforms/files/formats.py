"""Recognising and decoding raw input: plain functions over bytes and file objects.

A *document* is a whole file (plain text, HTML) or one record of a container (a JSONL
line). Formats are recognised from content, never from the extension alone, because
crawler dumps and landing folders are full of misnamed files.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import IO, Iterator

import charset_normalizer

GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 8192
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)\b",
                         re.I | re.S)
# In cp1252-decoded text: letters no Western European language but Icelandic uses, or a
# symbol inside a word: the marks of a Central European or Baltic text read as cp1252.
_NOT_WESTERN = re.compile(r"[ðþÐÞ]|(?<=[^\W\d_])[¹³¿¥ªº°µ¾¼](?=[^\W\d_])")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

# JSONL field names seen in crawler output (news-please, trafilatura, scrapy feeds...).
JSONL_FIELDS = {
    "url": ("url", "link", "canonical_url", "source_url"),
    "title": ("title", "headline"),
    "text": ("text", "body", "maintext", "content", "article", "body_text"),
    "html": ("html", "raw_html", "content_html", "body_html"),
    "published": ("published", "published_at", "date", "date_publish", "datePublished", "pubDate",
                  "publish_date", "date_published"),
    "language": ("language", "lang"),
    "author": ("author", "authors", "byline"),
}


class InputError(Exception):
    """Raised for input that cannot become a document. ``reason`` is a short stable
    slug for the dead-letter table and the manifest ("empty", "binary", ...)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Decoded:
    text: str
    encoding: str
    replaced: int = 0       # invalid bytes replaced by U+FFFD


@dataclass
class Record:
    """One document's raw content before extraction."""
    content: str
    content_type: str                     # "text" or "html": which extractor applies
    encoding: str
    meta: dict = field(default_factory=dict)   # url/title/published/language from a container


def is_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in the first block: not text in any
    encoding we accept (UTF-16/32 are recognised by their BOM before this check)."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > max(2, len(head) // 100)


def decode(data: bytes) -> Decoded:
    """Bytes to text: a BOM wins, then strict UTF-8, then UTF-8 with a few bad bytes
    replaced (a UTF-8 file damaged in the middle), then charset-normalizer's guess
    (cp1252, latin-1 and the like). Raises InputError when nothing fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as e:
                raise InputError("undecodable", f"{encoding} BOM but invalid data: {e}") from e
    if is_binary(data[:_SNIFF_BYTES]):
        raise InputError("binary", "binary content (NUL or control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    valid_multibyte_bytes = sum(len(ch.encode()) for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    # In a UTF-8 file damaged here and there, most non-ASCII bytes still form valid
    # sequences; in a cp1252 or latin-1 file almost none do.
    if valid_multibyte_bytes >= replaced:
        return Decoded(text, "utf-8", replaced)
    encoding = detect_single_byte_encoding(data)
    return Decoded(data.decode(encoding), encoding)


def detect_single_byte_encoding(data: bytes) -> str:
    """charset-normalizer's choice, except that cp1252 wins whenever it decodes the bytes
    without mess and without the marks of mis-decoded Central European or Baltic text.

    cp1250, cp1252 and cp1257 all decode English or Spanish copy with a few accented names
    "cleanly", and the language-coherence score that ranks them picks almost at random
    between them on such text, though ñ/ń, í/ķ and š differ; wire copy is far more
    often cp1252. Polish or Lithuanian read as cp1252 shows letters like ð and þ, or ¿
    and ³ inside words ("mo¿e", "pareiðkë"): then charset-normalizer's pick stands."""
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None or best.encoding is None:
        raise InputError("undecodable", "no character encoding fits the bytes")
    plausible = [m for m in results if m.chaos <= best.chaos + 0.01]
    if any(m.encoding == "cp1252" or "cp1252" in m.could_be_from_charset for m in plausible):
        if not _NOT_WESTERN.search(data.decode("cp1252", errors="replace")):
            return "cp1252"
    return best.encoding


def sniff(head: bytes) -> str:
    """Format of a file from its first bytes: gzip | empty | binary | html | jsonl | json | text."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = decode_head(head)
            break
    if not head.strip():
        return "empty"
    if is_binary(head):
        return "binary"
    stripped = head.lstrip()
    if _HTML_START.match(stripped) or (stripped.startswith(b"<") and re.search(rb"<(?:html|body|p)\b", head, re.I)):
        return "html"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0].strip()
        try:
            return "jsonl" if isinstance(json.loads(first_line), dict) else "json"
        except ValueError:
            return "json"
    if stripped.startswith(b"["):
        return "json"
    return "text"


def decode_head(head: bytes) -> bytes:
    """A BOM-encoded head re-encoded as UTF-8 so sniffing sees characters, not code units."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head.decode(encoding, errors="ignore").encode("utf-8")
    return head


class LimitedReader(io.RawIOBase):
    """Reads from ``raw`` but raises InputError past ``limit`` bytes: the guard
    against gzip bombs and oversized documents, enforced while streaming."""

    def __init__(self, raw: IO[bytes], limit: int, reason: str):
        self._raw, self._limit, self._reason, self._seen = raw, limit, reason, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        self._seen += len(data)
        if self._seen > self._limit:
            raise InputError(self._reason, f"more than {self._limit:,} bytes")
        buffer[: len(data)] = data
        return len(data)


def open_content(raw: IO[bytes], max_decompressed_bytes: int) -> tuple[IO[bytes], str | None]:
    """Wraps a raw binary stream: transparently gunzips (repeatedly, for .gz.gz) with a
    decompressed-size limit. Returns (buffered stream, "gzip" or None)."""
    stream = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
    compression = None
    while stream.peek(2)[:2] == GZIP_MAGIC:
        compression = "gzip"
        unzipped = gzip.GzipFile(fileobj=stream, mode="rb")
        stream = io.BufferedReader(LimitedReader(unzipped, max_decompressed_bytes, "decompressed-size-limit"),
                                   buffer_size=1 << 16)
    return stream, compression


def read_all(stream: IO[bytes], limit: int) -> bytes:
    """The whole stream, or InputError("too-large") past ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError("too-large", f"document larger than {limit:,} bytes")
    return data


def explain(exc: BaseException) -> tuple[str, str]:
    """(reason, message) for an exception raised while reading a file."""
    if isinstance(exc, InputError):
        return exc.reason, str(exc)
    if isinstance(exc, EOFError):
        return "truncated-gzip", str(exc) or "compressed stream ended early"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return "corrupt-gzip", str(exc)
    if isinstance(exc, PermissionError):
        return "unreadable", str(exc)
    if isinstance(exc, (IsADirectoryError, FileNotFoundError, OSError)):
        return "unreadable", str(exc)
    return "read-error", f"{type(exc).__name__}: {exc}"


def pick(obj: dict, names: tuple[str, ...]):
    for name in names:
        value = obj.get(name)
        if value not in (None, ""):
            return value
    return None


def jsonl_record(line: bytes) -> Record:
    """One JSONL line to a Record, or InputError with the reason it is not one."""
    try:
        obj = json.loads(decode(line).text)
    except InputError:
        raise
    except ValueError as e:
        raise InputError("malformed-json", f"invalid JSON: {e}") from e
    if not isinstance(obj, dict):
        raise InputError("malformed-json", f"JSON line is a {type(obj).__name__}, not an object")
    meta = {key: pick(obj, names) for key, names in JSONL_FIELDS.items() if key not in ("text", "html")}
    meta = {key: value for key, value in meta.items() if isinstance(value, str)}
    html, text = pick(obj, JSONL_FIELDS["html"]), pick(obj, JSONL_FIELDS["text"])
    if isinstance(html, str) and html.strip():
        return Record(html, "html", "utf-8", meta)
    if isinstance(text, str) and text.strip():
        return Record(text, "text", "utf-8", meta)
    raise InputError("no-content", "JSON record has no text or html field")


def iter_jsonl(stream: IO[bytes], max_record_bytes: int) -> Iterator[tuple[int, Record | InputError]]:
    """(line number, Record or the InputError of a bad line), one line at a time so a
    large file is never held in memory. Blank lines are not records and are skipped."""
    for number, line in enumerate(_lines(stream, max_record_bytes)):
        if isinstance(line, InputError):
            yield number, line
        elif line.strip():
            try:
                yield number, jsonl_record(line)
            except InputError as e:
                yield number, e


def _lines(stream: IO[bytes], max_record_bytes: int) -> Iterator[bytes | InputError]:
    while True:
        line = stream.readline(max_record_bytes + 1)
        if not line:
            return
        if len(line) > max_record_bytes and not line.endswith(b"\n"):
            # Skip the rest of the oversized line without holding it.
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield InputError("too-large", f"JSONL line longer than {max_record_bytes:,} bytes")
            continue
        yield line


def preview(content, limit: int = 160) -> str:
    """A short printable excerpt for dead letters."""
    if isinstance(content, bytes):
        content = content[:limit * 4].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", str(content or "")).strip()
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text[:limit])
