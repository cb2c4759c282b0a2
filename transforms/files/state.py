"""What has been ingested into an output folder: an append-only log of JSON lines.

Every committed run writes ``OUTPUT/_state/ingested-RUN_ID.jsonl``, one line per input
file it ingested::

    {"source_uri": "/landing/a.txt", "size": 2764, "mtime": 1732000000.0,
     "sha256": "9f2c...", "run_id": "20261125T101500Z-1a2b3c4d"}

The state is the latest line per ``source_uri`` over all logs (run ids sort by time).
JSON, not pickle: readable with ``jq`` or DuckDB, and nothing in it is ever executed.
A full run retires the older logs with the rest of the old dataset; an incremental run
adds its log beside them.
"""
from __future__ import annotations

import hashlib
import json
import os

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

STATE_DIR = "_state"
ENTRY_KEYS = {"source_uri": str, "size": (int, type(None)), "mtime": (int, float, type(None)),
              "sha256": (str, type(None)), "run_id": str}
# What an incremental run does with a matched file.
NEW, CHANGED, TOUCHED, UNCHANGED, UNSTABLE = "new", "changed", "touched", "unchanged", "unstable"
INGESTED = (NEW, CHANGED)            # read this run
RECORDED = (NEW, CHANGED, TOUCHED)   # written to this run's state log


class StateError(Exception):
    """The state log cannot be trusted: the run must stop before writing anything."""


def log_path(run_id: str) -> str:
    return f"{STATE_DIR}/ingested-{run_id}.jsonl"


def parse_line(line: str, where: str) -> dict:
    try:
        entry = json.loads(line)
    except ValueError as e:
        raise StateError(f"{where}: not JSON ({e})") from e
    if not isinstance(entry, dict):
        raise StateError(f"{where}: not a JSON object")
    for key, types in ENTRY_KEYS.items():
        if key not in entry or not isinstance(entry[key], types):
            raise StateError(f"{where}: missing or mistyped {key!r}")
    return entry


def parse_log(text: str, name: str) -> list[dict]:
    return [parse_line(line, f"{name} line {n}") for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def latest(entries) -> dict:
    """{source_uri: the entry of the most recent run}."""
    state = {}
    for entry in sorted(entries, key=lambda e: e["run_id"]):
        state[entry["source_uri"]] = entry
    return state


def load_state(output: str) -> dict:
    """The state of ``output`` (empty for a new folder). Raises StateError on any
    unreadable or malformed log, never guesses."""
    pattern = FileSystems.join(output, STATE_DIR, "*.jsonl")
    entries = []
    for meta in FileSystems.match([pattern])[0].metadata_list:
        try:
            with FileSystems.open(meta.path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
                text = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise StateError(f"{meta.path}: unreadable ({e})") from e
        entries.extend(parse_log(text, meta.path))
    return latest(entries)


def sha256_of(path: str, chunk: int = 1 << 20) -> str | None:
    """Content hash, streamed; None when the file cannot be read (the read stage then
    turns it into a dead letter with the precise reason)."""
    if "://" not in path and os.path.exists(path) and not os.path.isfile(path):
        return None   # a FIFO would block the worker forever; the reader dead-letters it
    digest = hashlib.sha256()
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            while block := f.read(chunk):
                digest.update(block)
    except Exception:  # noqa: BLE001 - any failure here is reported by the reader
        return None
    return digest.hexdigest()


def decide(source_uri: str, size, mtime, previous: dict | None, now: float, settle_seconds: float,
           content_hash=sha256_of) -> dict:
    """What to do with one matched file, given its state entry from earlier runs.

    A file modified less than ``settle_seconds`` ago may still be being written: it is
    left for a later run. Same size and mtime as recorded: unchanged, without reading it.
    Otherwise the content hash decides between changed and merely touched."""
    fingerprint = {"source_uri": source_uri, "size": size, "mtime": mtime}
    if settle_seconds > 0 and mtime is not None and now - mtime < settle_seconds:
        return {**fingerprint, "sha256": None, "decision": UNSTABLE}
    if previous is not None and previous["size"] == size and previous["mtime"] == mtime:
        return {**fingerprint, "sha256": previous["sha256"], "decision": UNCHANGED}
    sha = content_hash(source_uri)
    if previous is None:
        decision = NEW
    elif sha is not None and sha == previous["sha256"]:
        decision = TOUCHED
    else:
        decision = CHANGED
    return {**fingerprint, "sha256": sha, "decision": decision}


def log_lines(decisions: list[dict], run_id: str) -> bytes:
    entries = [{key: d[key] for key in ("source_uri", "size", "mtime", "sha256")} | {"run_id": run_id}
               for d in sorted(decisions, key=lambda d: d["source_uri"]) if d["decision"] in RECORDED]
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode("utf-8")
