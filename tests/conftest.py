"""Shared test helpers: corpus locations and running the real pipeline."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV = DATA / "dev"                 # copy of the shared dev corpus, so CI needs nothing outside the repo
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "tests" / "corpus"  # wirebeam's own held-out files with gold
CONFIG = ROOT / "configs" / "local.yaml"
NOT_INPUTS = ("--exclude", "*.gold.json", "--exclude", "*.md")
IN_MEMORY = ("--direct_running_mode=in_memory", "--direct_num_workers=1")
MULTI_PROCESSING = ("--direct_running_mode=multi_processing", "--direct_num_workers=2")
RUN_DEPENDENT = ("ingested_at",)   # the only column allowed to differ between runs of the same inputs


def pipeline_argv(inputs, output, *extra) -> list[str]:
    argv = ["--config", str(CONFIG), "--output", str(output), *NOT_INPUTS]
    for pattern in inputs:
        argv += ["--input", str(pattern)]
    return argv + list(extra)


def run_pipeline(inputs, output, *extra) -> dict:
    """Runs the real pipeline in this process and returns its manifest."""
    from pipelines.ingest import run  # noqa: PLC0415 - imports Beam; keep collection fast
    return run(pipeline_argv(inputs, output, *(extra or IN_MEMORY)))


def read_rows(output) -> list[dict]:
    """Every row as a hive reader sees it (date and country from the path), by doc_id."""
    part = ds.partitioning(pa.schema([("date", pa.string()), ("country", pa.string())]), flavor="hive")
    table = ds.dataset(str(output), format="parquet", partitioning=part).to_table()
    return sorted(table.to_pylist(), key=lambda r: r["doc_id"])


def stable(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in RUN_DEPENDENT} for r in rows]


def read_dead_letters(output) -> list[dict]:
    letters = []
    for path in sorted(Path(output, "_dead_letter").glob("*.jsonl")):
        letters.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return letters


def load_gold(directory) -> dict:
    """{(file name, record): gold record} for a corpus folder."""
    gold = {}
    for path in sorted(Path(directory).glob("*.gold.json")):
        obj = json.loads(path.read_text(encoding="utf-8"))
        for i, rec in enumerate(obj.get("records", [obj])):
            gold[(rec.get("source", obj.get("source")), int(rec.get("record", i if "records" in obj else 0)))] = rec
    return gold


def copy_corpus(dest: Path, *sources: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for source in sources:
        for path in source.iterdir():
            if path.is_file():
                shutil.copy(path, dest / path.name)
    return dest


@pytest.fixture(scope="session")
def dev_corpus(tmp_path_factory) -> Path:
    """The dev corpus plus the seed, in one folder (gold beside each raw file)."""
    return copy_corpus(tmp_path_factory.mktemp("corpus"), DEV, SEEDS)


@pytest.fixture(scope="session")
def dev_run(dev_corpus, tmp_path_factory):
    """One DirectRunner run over the dev corpus, shared by the tests that only read it."""
    output = tmp_path_factory.mktemp("dev-out")
    manifest = run_pipeline([dev_corpus / "*"], output)
    return {"output": output, "manifest": manifest, "rows": read_rows(output),
            "dead": read_dead_letters(output)}
