"""Reliability: every input of the fault corpus ends as a row or a dead letter with a clear
stage and reason, the run completes, and the README's table says exactly that."""
from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import faults
from conftest import IN_MEMORY, ROOT, pipeline_argv, read_dead_letters, read_rows

pytestmark = pytest.mark.slow
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2   # <linux/prctl.h>, <linux/capability.h>


def drop_file_permission_override():
    """Runs in the child before exec: root reads files without read permission because of
    CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH; dropping them from the bounding set makes the
    pipeline (and its workers) subject to file modes like any scheduled-job user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    patterns = faults.build(base / "in")
    output = base / "out"
    argv = pipeline_argv(patterns, output, *IN_MEMORY, "--max_decompressed_mb=16")
    proc = subprocess.run([sys.executable, "-m", "pipelines.ingest", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, preexec_fn=drop_file_permission_override if os.geteuid() == 0 else None)
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((output / "_manifest.json").read_text())
    return {"output": output, "manifest": manifest, "rows": read_rows(output), "dead": read_dead_letters(output)}


def outcomes(run) -> dict:
    found = {}
    for row in run["rows"]:
        found[(Path(row["source_uri"]).name, row["source_record"])] = "row"
    for letter in run["dead"]:
        found[(Path(letter["source_uri"]).name, letter["source_record"])] = f"{letter['stage']}/{letter['reason']}"
    return found


@pytest.mark.parametrize("fault", faults.FAULTS, ids=[f.case for f in faults.FAULTS])
def test_each_fault_ends_as_the_outcome_promised(fault_run, fault):
    found = outcomes(fault_run)
    for name, record, expected in fault.expect:
        assert found.get((name, record)) == expected, (name, record)


def test_fault_corpus_invariant_holds_and_nothing_else_appears(fault_run):
    counts = fault_run["manifest"]["counts"]
    expected = {(name, record) for fault in faults.FAULTS for name, record, _ in fault.expect}
    assert set(outcomes(fault_run)) == expected
    assert counts["records_read"] == len(expected) == counts["rows_written"] + counts["dead_letters"]
    assert counts["rows_written"] == len(fault_run["rows"]) and counts["dead_letters"] == len(fault_run["dead"])


def test_decoded_text_survives(fault_run):
    rows = {Path(r["source_uri"]).name: r for r in fault_run["rows"]}
    assert rows["cp1252.txt"]["source_encoding"] == "cp1252"
    assert "Rosa Muñoz" in rows["cp1252.txt"]["body"] and "“We cannot" in rows["cp1252.txt"]["body"]
    assert rows["damaged-utf8.txt"]["source_encoding"] == "utf-8"
    assert "\ufffd" in rows["damaged-utf8.txt"]["body"] and "Rosa Muñoz" in rows["damaged-utf8.txt"]["body"]
    assert "Rosa Muñoz" in rows["latin1.txt"]["body"]


def test_dead_letters_say_why(fault_run):
    for letter in fault_run["dead"]:
        assert letter["error"] and letter["stage"] in {"read", "extract", "enrich", "nlp"}
    reasons = {Path(d["source_uri"]).name: d["error"] for d in fault_run["dead"]}
    assert "Too many levels of symbolic links" in reasons["loop.txt"]
    assert "Permission denied" in reasons["secret.txt"]
    assert "16,777,216 bytes" in reasons["bomb.txt.gz"]


def test_readme_reliability_table_is_the_tested_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- reliability-table:start -->", "<!-- reliability-table:end -->"
    assert start in readme and end in readme, "README.md lacks the reliability table markers"
    table = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == faults.render_table(), "README table is stale; paste faults.render_table() output"
