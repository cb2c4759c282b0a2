"""Scheduled runs over a landing folder that keeps filling: --mode incremental and --watch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import faults
from conftest import IN_MEMORY, ROOT, pipeline_argv, read_dead_letters, read_rows, run_pipeline, stable

pytestmark = pytest.mark.slow
INCREMENTAL = ("--mode=incremental", "--settle_seconds=0", *IN_MEMORY)


def story_file(folder: Path, name: str, title: str) -> Path:
    path = folder / name
    path.write_text(faults.story(title), encoding="utf-8")
    return path


def snapshot(output: Path) -> dict:
    """Every file of the dataset with its modification time and inode."""
    return {str(p.relative_to(output)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in output.rglob("*") if p.is_file()}


def incremental(landing: Path, output: Path, *extra) -> dict:
    return run_pipeline([landing / "*"], output, *INCREMENTAL, *extra)


def state_entries(output: Path) -> dict:
    entries = {}
    for log in sorted((output / "_state").glob("*.jsonl")):
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            entries[Path(entry["source_uri"]).name] = entry
    return entries


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    for i in range(3):
        story_file(folder, f"story{i}.txt", f"Story number {i} of the first delivery")
    (folder / "broken.bin").write_bytes(bytes(range(256)) * 8)
    return folder


def assert_dataset_matches_manifest(output: Path):
    manifest = json.loads((output / "_manifest.json").read_text())
    rows, dead = read_rows(output), read_dead_letters(output)
    assert manifest["dataset"]["rows"] == len(rows) == len({r["doc_id"] for r in rows})
    assert manifest["dataset"]["dead_letters"] == len(dead)
    assert manifest["counts"]["invariant_holds"]
    return manifest, rows


def test_first_run_ingests_everything_and_records_it(landing, tmp_path):
    output = tmp_path / "out"
    manifest = incremental(landing, output)
    assert manifest["counts"]["files_by_decision"] == {"new": 4}
    assert manifest["counts"]["records_read"] == 4 and manifest["counts"]["rows_written"] == 3
    assert_dataset_matches_manifest(output)
    entries = state_entries(output)
    assert sorted(entries) == ["broken.bin", "story0.txt", "story1.txt", "story2.txt"]
    assert entries["story0.txt"]["size"] == (landing / "story0.txt").stat().st_size
    assert len(entries["story0.txt"]["sha256"]) == 64


def test_the_same_schedule_twice_is_a_noop_that_writes_nothing(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    before = snapshot(output)
    manifest = incremental(landing, output)
    assert manifest["noop"] is True and manifest["counts"]["files_matched"] == 4
    assert snapshot(output) == before


def test_new_files_are_appended_without_rewriting_old_partitions(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    before = snapshot(output)
    rows_before = read_rows(output)
    story_file(landing, "story3.txt", "A story that landed later")
    manifest = incremental(landing, output)
    assert manifest["counts"]["files_by_decision"] == {"new": 1, "unchanged": 4}
    assert manifest["counts"]["records_read"] == 1
    after = snapshot(output)
    old_parts = {f: v for f, v in before.items() if f.endswith(".parquet")}
    assert all(after.get(f) == v for f, v in old_parts.items()), "an old partition file was rewritten"
    _, rows = assert_dataset_matches_manifest(output)
    assert len(rows) == 4
    assert stable(rows_before) == stable([r for r in rows if r["doc_id"] in {x["doc_id"] for x in rows_before}])


def test_a_changed_file_replaces_its_rows_instead_of_duplicating_them(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    doc_ids = {r["doc_id"] for r in read_rows(output)}
    time.sleep(0.01)
    story_file(landing, "story1.txt", "Story number 1, corrected and updated")
    manifest = incremental(landing, output)
    assert manifest["counts"]["files_by_decision"] == {"changed": 1, "unchanged": 3}
    _, rows = assert_dataset_matches_manifest(output)
    assert {r["doc_id"] for r in rows} == doc_ids
    changed = [r for r in rows if r["source_uri"].endswith("story1.txt")]
    assert len(changed) == 1 and changed[0]["headline"] == "Story number 1, corrected and updated"


def test_a_touched_file_with_the_same_content_is_not_reingested(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    later = time.time() + 5
    os.utime(landing / "story2.txt", (later, later))
    manifest = incremental(landing, output)
    assert manifest["counts"]["files_by_decision"] == {"touched": 1, "unchanged": 3}
    assert manifest["counts"]["records_read"] == 0
    assert state_entries(output)["story2.txt"]["mtime"] == later
    assert incremental(landing, output)["noop"] is True


def test_a_file_still_being_written_waits_for_a_later_run(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    story_file(landing, "arriving.txt", "A story still being copied in")
    manifest = incremental(landing, output, "--settle_seconds=3600")
    assert manifest["noop"] is True
    assert "arriving.txt" not in state_entries(output)
    manifest = incremental(landing, output)
    assert manifest["counts"]["files_by_decision"] == {"new": 1, "unchanged": 4}


def test_a_corrupt_state_log_fails_fast_and_writes_nothing(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    log = next((output / "_state").glob("*.jsonl"))
    log.write_text(log.read_text() + "{not json\n")
    story_file(landing, "story9.txt", "A story that must wait for the state to be fixed")
    before = snapshot(output)
    proc = subprocess.run([sys.executable, "-m", "pipelines.ingest",
                           *pipeline_argv([landing / "*"], output, *INCREMENTAL)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "apitools" not in line]
    assert len(errors) == 1 and "ingestion state" in errors[0] and "corrupt" in errors[0]
    assert snapshot(output) == before


def test_a_full_run_after_incremental_ones_rebuilds_one_clean_dataset(landing, tmp_path):
    output = tmp_path / "out"
    incremental(landing, output)
    story_file(landing, "story3.txt", "A story that landed later")
    incremental(landing, output)
    manifest = run_pipeline([landing / "*"], output)
    assert manifest["mode"] == "full"
    _, rows = assert_dataset_matches_manifest(output)
    assert len(rows) == 4
    assert len(list((output / "_state").glob("*.jsonl"))) == 1
    assert all("-2026" not in p.name for p in output.rglob("part-*.parquet"))


def test_watch_picks_up_files_dropped_while_it_runs(tmp_path):
    landing, output = tmp_path / "landing", tmp_path / "out"
    landing.mkdir()
    story_file(landing, "first.txt", "The first story in the watched folder")
    argv = pipeline_argv([landing / "*"], output, *IN_MEMORY, "--watch", "--watch_interval=1",
                         "--watch_cycles=30", "--settle_seconds=0")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.ingest", *argv], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        seen = wait_for_rows(output, 1, proc)
        story_file(landing, "second.txt", "A second story dropped while watching")
        seen = wait_for_rows(output, 2, proc)
        assert sorted(Path(r["source_uri"]).name for r in seen) == ["first.txt", "second.txt"]
    finally:
        proc.kill()
        proc.wait(timeout=30)


def wait_for_rows(output: Path, n: int, proc, timeout: float = 240) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the watcher stopped"
        if (output / "_SUCCESS").exists():
            rows = read_rows(output)
            if len(rows) >= n:
                return rows
        time.sleep(0.5)
    raise AssertionError(f"fewer than {n} rows after {timeout}s")


def test_the_streaming_watch_graph_commits_each_window(tmp_path):
    """The graph --watch runs on Dataflow, here on the DirectRunner with a bounded stop:
    a file present at the start and one dropped while it runs are each ingested once,
    in the window of the tick that found them, each window committed on its own."""
    landing, output = tmp_path / "landing", tmp_path / "out"
    landing.mkdir()
    story_file(landing, "first.txt", "The first story in the watched folder")
    argv = pipeline_argv([landing / "*"], output, "--direct_running_mode=in_memory", "--direct_num_workers=1",
                         "--watch", "--watch_engine=stream", "--watch_interval=3", "--watch_cycles=12",
                         "--settle_seconds=0")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.ingest", *argv], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(8)
    story_file(landing, "second.txt", "A second story dropped while watching")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    rows = read_rows(output)
    assert sorted(Path(r["source_uri"]).name for r in rows) == ["first.txt", "second.txt"]
    logs = sorted((output / "_state").glob("ingested-*-w*.jsonl"))
    assert len(logs) >= 1 and sum(len(log.read_text().splitlines()) for log in logs) == 2
    manifest, _ = assert_dataset_matches_manifest(output)
    assert manifest["mode"] == "incremental" and "-w" in manifest["run_id"]
