"""The fault corpus: inputs that try to break the pipeline, generated on the fly (no bulky
checked-in folder), each with the outcome the reliability suite demands of it.

``README.md``'s "Reliability" table is rendered from ``FAULTS`` by ``render_table`` and
checked by tests/test_reliability.py, so the documentation cannot drift from the tests.
"""
from __future__ import annotations

import gzip
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

STORY = (
    "LIMA, Peru (AP) — Peru's Congress voted on Thursday to extend a state of emergency in the capital for "
    "another 60 days, after a wave of extortion attacks on bus drivers and small shop owners that has "
    "paralysed parts of the city. “We cannot let criminals decide who works and who does not,” said "
    "Interior Minister Rosa Muñoz, speaking to reporters outside the legislature in central Lima.\n\n"
    "Transport unions had called a strike for Monday, and several bus companies kept their fleets in the "
    "depots for a second day. \"Our drivers are afraid to go out,\" said union leader Carlos Quispe. "
    "Police said they had arrested 14 people in raids across three districts of the capital this week.\n"
)


def story(title: str) -> str:
    return f"{title}\n\n{STORY}"


@dataclass(frozen=True)
class Fault:
    case: str                      # what is tried, as the README table says it
    files: tuple[str, ...]         # names created in the corpus folder
    outcome: str                   # what must happen, as the README table says it
    expect: tuple                  # ((file, record, "row" | "stage/reason"), ...)


FAULTS = (
    Fault("zero-byte file", ("empty.txt",), "dead letter read/empty",
          (("empty.txt", 0, "read/empty"),)),
    Fault("random binary", ("random.bin",), "dead letter read/binary",
          (("random.bin", 0, "read/binary"),)),
    Fault("truncated gzip", ("truncated.txt.gz",), "dead letter read/truncated-gzip",
          (("truncated.txt.gz", 0, "read/truncated-gzip"),)),
    Fault("gzip bomb (64 MB of text in 64 KB; limit from config --max_decompressed_mb)", ("bomb.txt.gz",),
          "dead letter read/decompressed-size-limit, refused while streaming",
          (("bomb.txt.gz", 0, "read/decompressed-size-limit"),)),
    Fault("invalid UTF-8 bytes in the middle of a UTF-8 file", ("damaged-utf8.txt",),
          "row, source_encoding utf-8, the bad bytes replaced by U+FFFD",
          (("damaged-utf8.txt", 0, "row"),)),
    Fault("cp1252 file with CRLF line ends", ("cp1252.txt",), "row, source_encoding cp1252, text intact",
          (("cp1252.txt", 0, "row"),)),
    Fault("latin-1 file", ("latin1.txt",), "row, decoded by charset-normalizer (cp1252, its superset)",
          (("latin1.txt", 0, "row"),)),
    Fault("JSONL: a malformed line and a 10 MB line among good lines", ("feed.jsonl",),
          "good lines and the 10 MB line become rows; the malformed line is a dead letter read/malformed-json",
          (("feed.jsonl", 0, "row"), ("feed.jsonl", 1, "read/malformed-json"), ("feed.jsonl", 2, "row"),
           ("feed.jsonl", 3, "row"))),
    Fault("JSON document that is not JSON Lines", ("export.json",), "dead letter read/unsupported-format",
          (("export.json", 0, "read/unsupported-format"),)),
    Fault("HTML with no body", ("no-body.html",), "dead letter extract/not-an-article",
          (("no-body.html", 0, "extract/not-an-article"),)),
    Fault("HTML nested 100,000 levels deep", ("deep.html",), "dead letter extract/not-an-article, no crash or hang",
          (("deep.html", 0, "extract/not-an-article"),)),
    Fault("file without read permission", ("secret.txt",), "dead letter read/unreadable",
          (("secret.txt", 0, "read/unreadable"),)),
    Fault("named pipe (FIFO) among the files", ("pipe.txt",), "dead letter read/unreadable, never opened",
          (("pipe.txt", 0, "read/unreadable"),)),
    Fault("the same file matched by two globs", ("dup-story.txt",), "one row: paths are de-duplicated",
          (("dup-story.txt", 0, "row"),)),
    Fault("symlink loops: a link to itself and a link to a parent folder", ("loop.txt", "sub/up"),
          "the self-link is a dead letter read/unreadable; the folder loop is not followed",
          (("loop.txt", 0, "read/unreadable"),)),
)


def build(directory: Path) -> list[str]:
    """Writes every fault into ``directory``; returns the --input patterns to use."""
    rng = random.Random(20261125)
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    (d / "empty.txt").write_bytes(b"")
    (d / "random.bin").write_bytes(bytes(rng.getrandbits(8) for _ in range(8192)))
    (d / "truncated.txt.gz").write_bytes(gzip.compress(story("A truncated story").encode() * 20)[:-60])
    line = b"The same line of text repeated to make a small gzip expand into something huge.\n"
    (d / "bomb.txt.gz").write_bytes(gzip.compress(line * (64 * 1024 * 1024 // len(line)), compresslevel=9))
    head, tail = story("A story damaged in the middle").encode().split(b" Police said")
    (d / "damaged-utf8.txt").write_bytes(head + b" \xff\xfe\xfd Police said" + tail)
    (d / "cp1252.txt").write_bytes(story("Peru extends emergency").replace("\n", "\r\n").encode("cp1252"))
    latin = story("Une histoire en latin-1").replace("—", "-").replace("“", '"').replace("”", '"')
    (d / "latin1.txt").write_bytes(latin.encode("latin-1"))
    big_text = " ".join(STORY.split()) + " "
    records = [
        json.dumps({"url": "https://example.test/a", "title": "Good record", "text": STORY}),
        '{"url": "https://example.test/b", "title": "Broken record", "text": "unterminated',
        json.dumps({"url": "https://example.test/c", "title": "Ten megabytes",
                    "text": "\n\n".join([big_text] * (10 * 1024 * 1024 // len(big_text)))}),
        json.dumps({"url": "https://example.test/d", "title": "Last good record", "text": STORY}),
    ]
    (d / "feed.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (d / "export.json").write_text(json.dumps({"articles": [{"text": STORY}]}, indent=2), encoding="utf-8")
    (d / "no-body.html").write_text("<!DOCTYPE html><html><head><title>Loading...</title></head></html>")
    (d / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>")
    (d / "secret.txt").write_text(story("A secret story"))
    os.chmod(d / "secret.txt", 0)
    os.mkfifo(d / "pipe.txt")
    (d / "dup-story.txt").write_text(story("A story matched twice"))
    os.symlink("loop.txt", d / "loop.txt")
    (d / "sub").mkdir()
    os.symlink("..", d / "sub" / "up")
    return [str(d / "**"), str(d / "dup-*")]


def render_table() -> str:
    lines = ["| what is tried | what happens |", "|---|---|"]
    lines += [f"| {fault.case} | {fault.outcome} |" for fault in FAULTS]
    return "\n".join(lines)
