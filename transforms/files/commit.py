"""Atomic publication of a run's files into the output directory.

Writers put every file under ``OUTPUT/_staging/RUN_ID/`` with an ``.inprogress``
suffix, which no hive reader lists (pyarrow and Spark skip ``_`` folders, and a
``**/*.parquet`` glob as in DuckDB skips the suffix). ``commit`` then publishes them:

1. ``_pending_commit.json`` records the files about to appear, so that a run killed
   half-way is cleaned up by the next one;
2. ``_SUCCESS`` is removed: from here until step 5 the dataset is "being updated";
3. each staged file is renamed into place: one atomic rename per file. A document
   always lands in the same file name (partition + shard of its doc_id), so a rerun
   replaces each file by its new version and a reader never sees a row twice or misses
   one of the previous dataset while the commit is under way; new documents may appear
   before ``_SUCCESS`` does (readers that need a snapshot read the manifest's file list);
4. files of the previous dataset (and of any crashed commit) that this run does not
   publish are deleted;
5. ``_manifest.json`` is written (temp + rename), then ``_SUCCESS``, last.

All I/O goes through Beam's FileSystems, so this works for local paths and object stores.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import posixpath
import uuid

from apache_beam.io.filesystems import FileSystems

STAGING = "_staging"
DEAD_LETTER_DIR = "_dead_letter"
MANIFEST = "_manifest.json"
SUCCESS = "_SUCCESS"
PENDING = "_pending_commit.json"
INPROGRESS = ".inprogress"

log = logging.getLogger(__name__)


def join(base: str, *parts: str) -> str:
    return FileSystems.join(base, *parts) if parts else base


def staging_dir(output: str, run_id: str) -> str:
    return join(output, STAGING, run_id)


def _is_local(path: str) -> bool:
    return "://" not in path


def ensure_parent(path: str) -> None:
    """Object stores have no folders; local disks need the parent before a rename."""
    if _is_local(path):
        parent = posixpath.dirname(path)
        if parent and not FileSystems.exists(parent):
            try:
                FileSystems.mkdirs(parent)
            except IOError:
                if not FileSystems.exists(parent):
                    raise


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write to a sibling temp name, then rename over ``path``."""
    tmp = f"{path}.{uuid.uuid4().hex}{INPROGRESS}"
    with FileSystems.create(tmp) as f:
        f.write(data)
    replace(tmp, path)


def replace(src: str, dst: str) -> None:
    ensure_parent(dst)
    if not _is_local(dst) and FileSystems.exists(dst):
        FileSystems.delete([dst])
    FileSystems.rename([src], [dst])


def read_json(path: str):
    """A JSON file of ours, or None if absent. A present but unreadable file raises:
    silently ignoring it could republish or forget a whole dataset."""
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as f:
        return json.loads(f.read().decode("utf-8"))


def previous_files(output: str) -> set[str]:
    """Relative paths of the last committed dataset plus those of a crashed commit."""
    files: set[str] = set()
    for name in (MANIFEST, PENDING):
        obj = read_json(join(output, name))
        if obj:
            files.update(obj.get("files", []))
    return files


def delete_quietly(paths: list[str]) -> None:
    existing = [p for p in paths if FileSystems.exists(p)]
    if existing:
        FileSystems.delete(existing)


def commit(output: str, run_id: str, staged: list[dict], manifest: dict, keep: set[str] = frozenset(),
           pipeline_run_id: str | None = None) -> dict:
    """Publishes ``staged`` files ({"staged": abs path, "final": relative path}) and
    the manifest. Files of the previous dataset not republished (and not in ``keep``,
    the files an incremental run leaves in place) are retired. Returns the manifest."""
    retired_candidates = previous_files(output)
    finals = sorted(item["final"] for item in staged)
    published = set(finals) | set(keep)
    write_bytes_atomic(join(output, PENDING), json.dumps({"run_id": run_id, "files": finals}).encode())
    delete_quietly([join(output, SUCCESS)])
    for item in staged:
        replace(item["staged"], join(output, item["final"]))
    delete_quietly([join(output, rel) for rel in sorted(retired_candidates - published)])
    manifest = dict(manifest, files=sorted(published))
    write_bytes_atomic(join(output, MANIFEST), json.dumps(manifest, indent=2, sort_keys=True, default=str).encode())
    with FileSystems.create(join(output, SUCCESS)) as f:
        f.write(b"")
    delete_quietly([join(output, PENDING), staging_dir(output, run_id)])
    remove_stale_staging(output, pipeline_run_id or run_id)
    return manifest


def remove_stale_staging(output: str, keep_prefix: str) -> None:
    """Staging folders of runs that died before committing: their files never became
    visible, so they can go. Folders whose name starts with ``keep_prefix`` belong to
    this run (a streaming run stages each window under RUN_ID-wSTART) and stay.
    (One pipeline writes to an output folder at a time.)"""
    root = join(output, STAGING)
    if not FileSystems.exists(root):
        return
    if _is_local(root):
        stale = [join(root, name) for name in os.listdir(root) if not name.startswith(keep_prefix)]
        delete_quietly(stale)
        # Object stores have no folders; a local one left empty (by the output probe or
        # the last run folder) would look like a run in progress.
        with contextlib.suppress(OSError):
            os.rmdir(root)
    else:
        delete_quietly([m.path for m in FileSystems.match([join(root, "**")])[0].metadata_list
                        if not m.path[len(root):].lstrip("/").startswith(keep_prefix)])
