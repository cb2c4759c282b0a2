"""Stage 1, read: file patterns to documents (one per file or per container record).

Files are matched through Beam's FileSystems, so local paths, gs:// and s3:// work
alike. Each path is read once even when several patterns match it, and a container
(JSONL) is streamed record by record so a large file is never one element.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import io
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes, FileSystem
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.dead_letters import SplitOutcomes, dead_letter, passed, rejected
from transforms.files import state
from transforms.files.feeds import FeedError, parse_feed, sniff_feed
from transforms.files.formats import (GZIP_MAGIC, InputError, Record, decode, explain, iter_jsonl,
                                      open_content, read_all, sniff)
from transforms.files.warc import is_warc, iter_warc

_SNIFF_BYTES = 4096
_GLOB_PREFIX = re.compile(r"^[^[*?]*")


@dataclass(frozen=True)
class ReadLimits:
    max_decompressed_bytes: int = 512 << 20   # gzip bomb guard, per file
    max_document_bytes: int = 16 << 20        # one whole-file document
    max_record_bytes: int = 16 << 20          # one JSONL line


def doc_id(source_uri: str, source_record: int) -> str:
    """Deterministic: the same file and record always get the same id."""
    return hashlib.sha256(f"{source_uri}\x00{source_record}".encode()).hexdigest()[:20]


def is_excluded(path: str, excludes: tuple[str, ...]) -> bool:
    name = posixpath.basename(path)
    return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path, pattern) for pattern in excludes)


def match_files(pattern: str, excludes: tuple[str, ...] = ()) -> list[tuple[str, int | None, float | None]]:
    """(path, size, mtime) of the files one glob matches, minus the excluded ones."""
    found = {m.path: (m.size_in_bytes, m.last_updated_in_seconds) for m in FileSystems.match([pattern])[0].metadata_list}
    if "://" not in pattern:
        for path in unlistable_local_entries(pattern):
            found.setdefault(path, (None, None))
    return sorted((path, size, mtime) for path, (size, mtime) in found.items() if not is_excluded(path, excludes))


def unlistable_local_entries(pattern: str):
    """Entries that Beam's local listing drops without a word because their size cannot
    be read (dangling symlinks, symlink loops). Returning them lets the reader turn each
    into a dead letter instead of losing it. Mirrors FileSystem.match's prefix logic."""
    prefix = _GLOB_PREFIX.match(pattern).group(0)
    if prefix == pattern:
        candidates = [pattern]
    else:
        regex = re.compile(FileSystem.translate_pattern(pattern))
        root = os.path.dirname(prefix)
        candidates = (os.path.join(d, name) for d, _, names in os.walk(root) for name in names)
        candidates = [path for path in candidates if regex.match(path)]
    for path in candidates:
        if os.path.lexists(path) and not os.path.exists(path):
            yield path


def read_records(path: str, limits: ReadLimits, skipped: Counter | None = None):
    """Yields (source_record, Record | InputError, source_format, compression) for one
    file. Raises (InputError or I/O errors) when the file as a whole cannot be read;
    the caller turns that into a dead letter for the next record. ``skipped`` counts the
    records of a crawl archive that are no documents (requests, warcinfo...)."""
    if "://" not in path and os.path.exists(path) and not os.path.isfile(path):
        # Opening a FIFO would block the worker forever; devices and sockets are no documents.
        raise InputError("unreadable", "not a regular file (FIFO, socket, device or folder)")
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
        raw = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
        if is_warc(raw.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]):
            # Crawl archives are read record by record from the raw (per-record gzip) stream:
            # they may be far larger than any single document, so no whole-file limit applies.
            compression = "gzip" if raw.peek(2)[:2] == GZIP_MAGIC else None
            for number, item in iter_warc(raw, limits.max_record_bytes, skipped):
                yield number, item, "warc", compression
            return
        stream, compression = open_content(raw, limits.max_decompressed_bytes)
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        feed_format = sniff_feed(head)
        if feed_format:
            for number, item in feed_records(read_all(stream, limits.max_document_bytes), feed_format):
                yield number, item, feed_format, compression
            return
        fmt = sniff(head)
        if fmt == "empty":
            raise InputError("empty", "no content" + (" after decompression" if compression else ""))
        if fmt == "binary":
            raise InputError("binary", "binary content (NUL or control bytes)")
        if fmt == "json":
            raise InputError("unsupported-format", "a JSON document that is not JSON Lines")
        if fmt == "jsonl":
            for number, item in iter_jsonl(stream, limits.max_record_bytes):
                yield number, item, fmt, compression
            return
        decoded = decode(read_all(stream, limits.max_document_bytes))
        yield 0, Record(decoded.text, fmt, decoded.encoding), fmt, compression


def feed_records(data: bytes, feed_format: str):
    """(item index, Record | InputError) for the items of an agency feed file. The
    feed's structured fields travel in meta["feed"] for extract and enrich to prefer."""
    try:
        for number, item in parse_feed(data, feed_format):
            if isinstance(item, FeedError):
                yield number, InputError(item.reason, str(item))
                continue
            meta = {"url": item.url, "title": item.headline, "published": item.published,
                    "language": item.language, "feed": dataclasses.asdict(item)}
            content = "\n\n".join(item.paragraphs)
            yield number, Record(content, "feed", "utf-8", {k: v for k, v in meta.items() if v is not None})
    except FeedError as e:
        raise InputError(e.reason, str(e)) from e


def make_document(path: str, number: int, record: Record, fmt: str, compression: str | None) -> dict:
    return {
        "doc_id": doc_id(path, number),
        "source_uri": path,
        "source_record": number,
        "source_format": fmt,
        "source_encoding": record.encoding,
        "source_compression": compression,
        "content": record.content,
        "content_type": record.content_type,
        "meta": record.meta,
    }


class ReadRecordsFn(beam.DoFn):
    def __init__(self, limits: ReadLimits):
        self._limits = limits
        self._records = Metrics.counter("wirebeam", "read.out")

    def process(self, path):
        next_record = 0
        skipped = Counter()
        try:
            for number, item, fmt, compression in read_records(path, self._limits, skipped):
                next_record = number + 1
                if isinstance(item, InputError):
                    yield self._dead(path, number, item.reason, str(item), "")
                else:
                    self._records.inc()
                    yield passed(make_document(path, number, item, fmt, compression))
        except Exception as e:  # noqa: BLE001 - a bad file costs a dead letter, never the run
            reason, message = explain(e)
            yield self._dead(path, next_record, reason, message, "")
        finally:
            for kind, n in skipped.items():
                Metrics.counter("wirebeam", f"read.warc_skipped.{kind}").inc(n)

    def _dead(self, path, number, reason, message, content):
        Metrics.counter("wirebeam", f"read.dead.{reason}").inc()
        return rejected(dead_letter(path, number, "read", reason, message, content))


def parse_state_file(readable_file) -> list[tuple[str, dict]]:
    entries = state.parse_log(readable_file.read_utf8(), readable_file.metadata.path)
    return [(entry["source_uri"], entry) for entry in entries]


def decide_source(element, now: float, settle_seconds: float) -> dict:
    """(path, {"matched": [(path, size, mtime)...], "previous": [state entries]}) -> decision."""
    path, grouped = element
    matched = sorted(grouped["matched"], key=lambda m: m[2] or 0)[-1]
    previous = state.latest(grouped["previous"]).get(path)
    return state.decide(path, matched[1], matched[2], previous, now, settle_seconds)


class FindSources(beam.PTransform):
    """Batch runs: the files to consider -> one decision per file (new, changed,
    unchanged, touched, unstable; see transforms.files.state).

    With ``state_pattern`` (incremental runs) matched files are joined with the state
    log of earlier runs; without it every matched file is new. Either way each file's
    fingerprint reaches the commit, which records it in this run's state log."""

    def __init__(self, patterns, excludes=(), state_pattern: str | None = None, now: float = 0.0,
                 settle_seconds: float = 0.0, listed: list | None = None):
        super().__init__()
        self._patterns, self._excludes = list(patterns), tuple(excludes)
        self._state_pattern, self._now, self._settle = state_pattern, now, settle_seconds
        self._listed = listed

    def expand(self, pbegin):
        if self._listed is not None:
            # The launcher already listed the files: one element per file gives every
            # runner something to split, the DaskRunner included (it cannot repartition
            # after a one-element Create, and Reshuffle is a no-op there).
            files = pbegin | "ListedFiles" >> beam.Create(self._listed)
        else:
            files = (
                pbegin
                | "Patterns" >> beam.Create(self._patterns)
                | "Match" >> beam.FlatMap(match_files, self._excludes)
            )
        matched = files | "ByPath" >> beam.Map(lambda m: (m[0], m))
        if self._state_pattern:
            previous = (
                pbegin
                | "StateLogs" >> fileio.MatchFiles(self._state_pattern, fileio.EmptyMatchTreatment.ALLOW)
                | "ReadStateLogs" >> fileio.ReadMatches()
                | "StateEntries" >> beam.FlatMap(parse_state_file)
            )
        else:
            previous = pbegin | "NoState" >> beam.Create([])
        return (
            {"matched": matched, "previous": previous}
            | "JoinState" >> beam.CoGroupByKey()
            | "OnlyMatched" >> beam.Filter(lambda kv: bool(kv[1]["matched"]))
            | "Decide" >> beam.Map(decide_source, self._now, self._settle)
        )


class ListNewFilesFn(beam.DoFn):
    """Streaming runs: at each tick, the decision for every file the globs match now,
    against the state committed so far. Files this worker already handed on are not
    handed on again while their window's commit is still pending."""

    def __init__(self, patterns, excludes, output: str, settle_seconds: float):
        self._patterns, self._excludes = list(patterns), tuple(excludes)
        self._output, self._settle = output, settle_seconds
        self._handed_on: dict = {}

    def process(self, tick, timestamp=beam.DoFn.TimestampParam):
        ingested = state.load_state(self._output)
        listed = {}
        for pattern in self._patterns:
            listed.update({path: (size, mtime) for path, size, mtime in match_files(pattern, self._excludes)})
        for path, (size, mtime) in sorted(listed.items()):
            if self._handed_on.get(path) == (size, mtime):
                previous = {"size": size, "mtime": mtime, "sha256": None}
            else:
                previous = ingested.get(path)
            decision = state.decide(path, size, mtime, previous, float(timestamp), self._settle)
            if decision["decision"] in state.INGESTED:
                self._handed_on[path] = (size, mtime)
            yield decision


class WatchSources(beam.PTransform):
    """Streaming runs: every ``interval`` seconds (a PeriodicImpulse tick, each in its own
    fixed window) -> the decisions for the files matched at that tick. Windows flow
    through every later stage and each is committed on its own."""

    def __init__(self, patterns, excludes, output: str, settle_seconds: float, interval: float,
                 start: float, stop: float | None):
        super().__init__()
        self._list_fn = ListNewFilesFn(patterns, excludes, output, settle_seconds)
        self._interval, self._start, self._stop = interval, start, stop

    def expand(self, pbegin):
        from apache_beam.transforms.periodicsequence import PeriodicImpulse  # noqa: PLC0415
        from apache_beam.utils.timestamp import MAX_TIMESTAMP  # noqa: PLC0415
        return (
            pbegin
            | "Ticks" >> PeriodicImpulse(start_timestamp=self._start,
                                         stop_timestamp=self._stop if self._stop else MAX_TIMESTAMP,
                                         fire_interval=self._interval, apply_windowing=True)
            | "ListNewFiles" >> beam.ParDo(self._list_fn)
        )


def paths_to_read(decision: dict) -> list[str]:
    return [decision["source_uri"]] if decision["decision"] in state.INGESTED else []


def readable_documents(path: str, limits: ReadLimits):
    """The documents of one file, skipping quietly what cannot be read (the main read
    reports it as dead letters)."""
    try:
        for number, item, fmt, compression in read_records(path, limits):
            if not isinstance(item, InputError):
                yield make_document(path, number, item, fmt, compression)
    except Exception:  # noqa: BLE001 - counted and reported by ReadSources
        return


class SpreadPathsToRead(beam.PTransform):
    """Decisions -> the paths of the files to read (new and changed), spread over the workers."""

    def expand(self, sources):
        return sources | "ToRead" >> beam.FlatMap(paths_to_read) | "SpreadFiles" >> beam.Reshuffle()


class ReadSources(beam.PTransform):
    """Decisions -> {"documents": dicts, "dead": dead letters}: reads the new and changed files.

    Files are spread over the workers; the records of one file are not spread again:
    a shuffle here would hold every raw document (whole HTML pages) in the runner at
    once, so documents go straight on to extraction on the worker that read them."""

    def __init__(self, limits: ReadLimits = ReadLimits()):
        super().__init__()
        self._limits = limits

    def expand(self, sources):
        return (
            sources
            | "PathsToRead" >> SpreadPathsToRead()
            | "ReadRecords" >> beam.ParDo(ReadRecordsFn(self._limits))
            | "SplitOutcomes" >> SplitOutcomes("documents")
        )


class ReadDocumentsOnly(beam.PTransform):
    """Decisions -> documents, without counters or dead letters: a second read for a pass
    that must see every document before extraction starts (the site-chrome count), so
    that the documents are read twice rather than held in memory between the two."""

    def __init__(self, limits: ReadLimits = ReadLimits()):
        super().__init__()
        self._limits = limits

    def expand(self, sources):
        return (
            sources
            | "PathsToRead" >> SpreadPathsToRead()
            | "Documents" >> beam.FlatMap(readable_documents, self._limits)
        )
