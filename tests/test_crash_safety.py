"""Crash safety: SIGKILL the pipeline at several points while it writes, then check what a
hive reader sees. Each try is bounded in time; the number of tries is fixed."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import faults
from conftest import IN_MEMORY, ROOT, pipeline_argv, read_rows, run_pipeline, stable

pytestmark = pytest.mark.slow
TRY_SECONDS = 180

class RunOnDisk:
    """What one run (not an earlier, killed one) has put on disk so far."""

    def __init__(self, output: Path):
        self.output, self.started = output, time.time()
        self.earlier_staging = set(output.glob("_staging/*"))
        self.peak_staged = 0

    def staged(self) -> int:
        mine = [d for d in self.output.glob("_staging/*") if d not in self.earlier_staging]
        count = sum(1 for d in mine for _ in d.rglob("*.inprogress"))
        self.peak_staged = max(self.peak_staged, count)
        return count

    def commit_started(self) -> bool:
        pending = self.output / "_pending_commit.json"
        try:
            return pending.stat().st_mtime >= self.started
        except FileNotFoundError:
            return False


# Moments to kill at, recognised by what the run has put on disk so far.
KILL_POINTS = {
    "while staging files": lambda run: run.staged() > 0,
    "right after the commit starts": lambda run: run.commit_started(),
    "while files are being renamed": lambda run: 0 < run.staged() < run.peak_staged,
    "after the last rename, before _SUCCESS": lambda run: run.peak_staged > 0 and run.staged() == 0
    and not (run.output / "_SUCCESS").exists(),
}


def many_partitions_feed(path: Path, records: int = 150) -> Path:
    """A JSONL feed whose records fall on as many dates, so a commit renames many files."""
    day = dt.date(2024, 1, 1)
    lines = [json.dumps({"url": f"https://example.test/{i}", "title": f"Story number {i}",
                         "published": (day + dt.timedelta(days=i)).isoformat() + "T12:00:00Z",
                         "text": faults.STORY}) for i in range(records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kill_at(point: str, argv: list[str], output: Path) -> str:
    """Starts the pipeline, kills its whole process group when ``point`` is seen on disk;
    returns what happened ("killed" or "finished")."""
    run = RunOnDisk(output)
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.ingest", *argv], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = KILL_POINTS[point]
    deadline = time.monotonic() + TRY_SECONDS
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return "finished"
            if seen(run):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return "killed"
            time.sleep(0.0002)
        raise AssertionError(f"no '{point}' within {TRY_SECONDS}s")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def visible_parquet(output: Path) -> list[Path]:
    return [p for p in output.rglob("*.parquet")
            if not any(part.startswith(("_", ".")) for part in p.relative_to(output).parts)]


def assert_readable_and_consistent(output: Path, previous_ids: set[str]) -> list[dict]:
    """No partial or unreadable Parquet is visible, no row twice, nothing of the previous
    dataset missing; _SUCCESS only beside a manifest that lists exactly what is visible."""
    for path in visible_parquet(output):
        pq.read_table(path)                       # raises on a partial file
    assert not [p for p in output.rglob("*.inprogress") if "_staging" not in p.parts]
    rows = read_rows(output)
    ids = [r["doc_id"] for r in rows]
    assert len(ids) == len(set(ids)), "a row is visible twice"
    assert previous_ids <= set(ids), "rows of the previous dataset went missing"
    if (output / "_SUCCESS").exists():
        manifest = json.loads((output / "_manifest.json").read_text())
        listed = {f for f in manifest["files"] if f.endswith(".parquet")}
        assert listed == {str(p.relative_to(output)) for p in visible_parquet(output)}
        assert manifest["counts"]["invariant_holds"]
    return rows


def test_sigkill_during_a_rerun_leaves_the_previous_dataset_visible(dev_corpus, tmp_path):
    """The scheduled case: the same inputs again. Whatever the moment of the kill, a hive
    reader sees exactly the previous complete dataset."""
    inputs = [dev_corpus / "*", many_partitions_feed(tmp_path / "feed.jsonl")]
    output = tmp_path / "out"
    run_pipeline(inputs, output)
    previous = stable(read_rows(output))
    argv = pipeline_argv(inputs, output, *IN_MEMORY)
    killed_mid_commit = 0
    for point in KILL_POINTS:
        if kill_at(point, argv, output) == "killed":
            killed_mid_commit += (output / "_pending_commit.json").exists()
        rows = assert_readable_and_consistent(output, {r["doc_id"] for r in previous})
        assert stable(rows) == previous, point
    assert killed_mid_commit >= 1, "no kill landed inside a commit: the test did not test the window"
    manifest = run_pipeline(inputs, output)      # a rerun afterwards completes
    assert manifest["counts"]["invariant_holds"]
    assert stable(read_rows(output)) == previous
    assert (output / "_SUCCESS").exists() and not (output / "_staging").exists()


def test_sigkill_while_new_inputs_arrive_loses_nothing_and_duplicates_nothing(dev_corpus, tmp_path):
    """New inputs since the last run: until _SUCCESS, new rows may already be visible, but
    never a partial file, a duplicate, or a gap in the previous dataset."""
    new_feed = many_partitions_feed(tmp_path / "feed.jsonl")
    output = tmp_path / "out"
    run_pipeline([dev_corpus / "*"], output)
    previous_ids = {r["doc_id"] for r in read_rows(output)}
    argv = pipeline_argv([dev_corpus / "*", new_feed], output, *IN_MEMORY)
    for point in KILL_POINTS:
        kill_at(point, argv, output)
        assert_readable_and_consistent(output, previous_ids)
    manifest = run_pipeline([dev_corpus / "*", new_feed], output)
    assert manifest["counts"]["invariant_holds"]
    assert len(read_rows(output)) == manifest["counts"]["rows_written"] == len(previous_ids) + 150
