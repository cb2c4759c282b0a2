"""The atomic commit protocol (transforms/files/commit.py)."""
import json
import os

import pytest

from transforms.files import commit as committer


def stage(output, run_id, rel, data=b"x"):
    path = os.path.join(committer.staging_dir(str(output), run_id), rel + committer.INPROGRESS)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return {"staged": path, "final": rel}


def visible_files(output):
    return sorted(os.path.relpath(os.path.join(d, f), output) for d, _, files in os.walk(output) for f in files)


def test_commit_publishes_staged_files_then_manifest_and_success(tmp_path):
    staged = [stage(tmp_path, "r1", "date=2025-01-01/country=FR/part-00000.parquet"),
              stage(tmp_path, "r1", "_dead_letter/dead-00000.jsonl")]
    manifest = committer.commit(str(tmp_path), "r1", staged, {"counts": {"rows_written": 1}})
    assert visible_files(tmp_path) == ["_SUCCESS", "_dead_letter/dead-00000.jsonl", "_manifest.json",
                                       "date=2025-01-01/country=FR/part-00000.parquet"]
    on_disk = json.loads((tmp_path / "_manifest.json").read_text())
    assert on_disk == manifest
    assert manifest["files"] == ["_dead_letter/dead-00000.jsonl", "date=2025-01-01/country=FR/part-00000.parquet"]


def test_a_second_commit_retires_the_files_it_does_not_republish(tmp_path):
    committer.commit(str(tmp_path), "r1", [stage(tmp_path, "r1", "date=2025-01-01/country=FR/part-00000.parquet")], {})
    committer.commit(str(tmp_path), "r2", [stage(tmp_path, "r2", "date=2025-01-02/country=FR/part-00001.parquet")], {})
    assert visible_files(tmp_path) == ["_SUCCESS", "_manifest.json", "date=2025-01-02/country=FR/part-00001.parquet"]


def test_files_kept_by_an_incremental_run_survive(tmp_path):
    committer.commit(str(tmp_path), "r1", [stage(tmp_path, "r1", "date=2025-01-01/country=FR/part-00000.parquet")], {})
    committer.commit(str(tmp_path), "r2", [stage(tmp_path, "r2", "date=2025-01-02/country=FR/part-00001.parquet")], {},
                     keep={"date=2025-01-01/country=FR/part-00000.parquet"})
    assert "date=2025-01-01/country=FR/part-00000.parquet" in visible_files(tmp_path)


def test_a_crashed_commit_is_cleaned_up_by_the_next_one(tmp_path):
    committer.commit(str(tmp_path), "r1", [stage(tmp_path, "r1", "date=2025-01-01/country=FR/part-00000.parquet")], {})
    # r2 died after publishing one of its files: pending file list left behind, no _SUCCESS.
    crashed = stage(tmp_path, "r2", "date=2025-01-03/country=FR/part-00002.parquet")
    (tmp_path / committer.PENDING).write_text(json.dumps({"run_id": "r2", "files": [crashed["final"]]}))
    os.makedirs(tmp_path / "date=2025-01-03/country=FR")
    os.replace(crashed["staged"], tmp_path / crashed["final"])
    (tmp_path / committer.SUCCESS).unlink()
    committer.commit(str(tmp_path), "r3", [stage(tmp_path, "r3", "date=2025-01-01/country=FR/part-00000.parquet")], {})
    assert visible_files(tmp_path) == ["_SUCCESS", "_manifest.json", "date=2025-01-01/country=FR/part-00000.parquet"]


def test_corrupt_manifest_raises_instead_of_forgetting_the_dataset(tmp_path):
    (tmp_path / committer.MANIFEST).write_text("{not json")
    with pytest.raises(ValueError):
        committer.previous_files(str(tmp_path))


def test_write_bytes_atomic_leaves_no_temp_file(tmp_path):
    committer.write_bytes_atomic(str(tmp_path / "a" / "f.json"), b"{}")
    assert visible_files(tmp_path) == ["a/f.json"]
