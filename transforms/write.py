"""Last stage, write: rows to hive-partitioned Parquet, dead letters to JSONL, then one
atomic commit that writes the manifest and ``_SUCCESS``.

The commit runs inside the pipeline (after every shard is staged), so it behaves the
same on every runner; its counts come from the data that was actually written, not
from runner metrics, which some runners do not return.
"""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections import Counter
from typing import Any, Iterable

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import IntervalWindow

from transforms.files import commit as committer
from transforms.files import state
from transforms.partitioning import stable_shard
from transforms.schema import ARTICLE_SCHEMA, CONTRACT_VERSION, partition_path, partition_values, to_table
from transforms.shuffle import Unpacked, packed
from transforms.versions import versions

ROW_GROUP_SIZE = 2000


def partition_key(row: dict, shards: int) -> tuple[str, str, int]:
    date, country = partition_values(row.get("published_at"), row.get("country"), row.get("local_date"))
    return date, country, stable_shard(row["doc_id"], shards)


def contract_row(doc: dict, ingested_at: dt.datetime, pipeline_version: str) -> dict:
    """The contract's columns of a document (internal keys dropped, run fields set)."""
    row = {name: doc.get(name) for name in ARTICLE_SCHEMA.names}
    for name in ("captions", "credits", "entities", "mentions", "quotes"):
        row[name] = row[name] or []
    row["word_count"] = len((row["body"] or "").split())
    row["ingested_at"] = ingested_at
    row["pipeline_version"] = pipeline_version
    return row


def window_run_info(run_info: dict, window) -> dict:
    """The run info of one window's commit. A batch run has one (global) window and keeps
    its run id; a streaming run commits each window on its own, as RUN_ID-wSTART."""
    if isinstance(window, IntervalWindow):
        return dict(run_info, run_id=f"{run_info['run_id']}-w{window.start.micros // 1_000_000}")
    return run_info


def file_suffix(run_info: dict) -> str:
    """Full runs name files by partition and shard only: a document always lands in the
    same file, so a rerun replaces each file by its new version in one atomic rename and
    a reader never sees a row twice or loses one, even while a commit is under way.
    Incremental (and streaming) runs add files beside the existing ones: their names
    carry the run id."""
    return f"-{run_info['run_id']}" if run_info["mode"] == "incremental" else ""


def route_late_values(element) -> Iterable[tuple[tuple, tuple[str, str, Any]]]:
    """(doc_id, {"route": [partition key], "value": [(column, value)]}) -> (partition key,
    (doc_id, column, value)) for each value: a late value goes to its row's partition. A
    value for a doc_id with no row (none is expected) is dropped."""
    doc_id, joined = element
    for route in joined["route"]:
        for column, value in joined["value"]:
            yield route, (doc_id, column, value)


def rows_with_late_values(joined: dict) -> Iterable[dict]:
    """{"rows": [packed article], "late": [(doc_id, column, value)]} of one partition
    group -> the articles, each with its late values set."""
    late: dict = {}
    for doc_id, column, value in joined["late"]:
        late.setdefault(doc_id, {})[column] = value
    for doc in Unpacked(joined["rows"]):
        yield {**doc, **late.get(doc["doc_id"], {})}


class WriteParquetShardFn(beam.DoFn):
    """One (date, country, shard) group to one staged Parquet file, row group by row
    group so a large partition is never one table in memory."""

    def __init__(self, output: str, run_info: dict):
        self._output, self._run_info = output, run_info
        self._ingested_at = dt.datetime.fromisoformat(run_info["started_at"])
        self._rows_written = Metrics.counter("wirebeam", "write.rows")

    def process(self, element, window=beam.DoFn.WindowParam):
        (date, country, shard), joined = element
        docs = rows_with_late_values(joined)
        info = window_run_info(self._run_info, window)
        rel_dir = partition_path(date, country)
        staged = committer.join(committer.staging_dir(self._output, info["run_id"]), rel_dir,
                                f"shard-{shard:03d}-{uuid.uuid4().hex}.parquet{committer.INPROGRESS}")
        n_rows, buffer = 0, []
        with FileSystems.create(staged) as f:
            with pq.ParquetWriter(f, ARTICLE_SCHEMA, compression="snappy") as writer:
                for doc in docs:
                    buffer.append(contract_row(doc, self._ingested_at, info["pipeline_version"]))
                    n_rows += 1
                    if len(buffer) >= ROW_GROUP_SIZE:
                        writer.write_table(to_table(buffer))
                        buffer = []
                if buffer:
                    writer.write_table(to_table(buffer))
        self._rows_written.inc(n_rows)
        yield {"kind": "rows", "staged": staged, "partition": rel_dir, "rows": n_rows,
               "final": f"{rel_dir}/part-{shard:05d}{file_suffix(info)}.parquet"}


class WriteDeadLettersFn(beam.DoFn):
    def __init__(self, output: str, run_info: dict):
        self._output, self._run_info = output, run_info

    def process(self, element, window=beam.DoFn.WindowParam):
        shard, letters = element
        info = window_run_info(self._run_info, window)
        letters = sorted(letters, key=lambda d: (d["source_uri"], d["source_record"], d["stage"]))
        staged = committer.join(committer.staging_dir(self._output, info["run_id"]), committer.DEAD_LETTER_DIR,
                                f"dead-{shard:03d}-{uuid.uuid4().hex}.jsonl{committer.INPROGRESS}")
        with FileSystems.create(staged) as f:
            for letter in letters:
                f.write(json.dumps(letter, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        yield {"kind": "dead", "staged": staged, "rows": len(letters),
               "by_reason": dict(Counter(f"{d['stage']}/{d['reason']}" for d in letters)),
               "final": f"{committer.DEAD_LETTER_DIR}/dead-{shard:05d}{file_suffix(info)}.jsonl"}


def build_manifest(run_info: dict, staged: list[dict], stage_counts: dict, sources: list[dict], finished: float,
                   dataset: dict) -> dict:
    """The run's manifest: this run's counts (read, written, dead letters by stage and
    reason, files by decision) and ``dataset``, what the output holds after the commit."""
    by_reason = Counter()
    for s in staged:
        if s["kind"] == "dead":
            by_reason.update(s["by_reason"])
    dead_by_stage = Counter()
    for key, n in by_reason.items():
        dead_by_stage[key.split("/", 1)[0]] += n
    rows_written = sum(s["rows"] for s in staged if s["kind"] == "rows")
    dead_total = sum(by_reason.values())
    records_read = stage_counts.get("read", 0) + dead_by_stage.get("read", 0)
    decisions = Counter(d["decision"] for d in sources)
    stages = [{"stage": name, "out": stage_counts.get(name, 0), "dead": dead_by_stage.get(name, 0)}
              for name in run_info["stages"]]
    return {
        "wirebeam_version": run_info["pipeline_version"],
        "contract_version": CONTRACT_VERSION,
        "run_id": run_info["run_id"],
        "mode": run_info["mode"],
        "inputs": run_info["inputs"],
        "output": run_info["output"],
        "started_at": run_info["started_at"],
        "finished_at": dt.datetime.fromtimestamp(finished, dt.timezone.utc).isoformat(),
        "elapsed_seconds": round(finished - run_info["started_ts"], 3),
        "counts": {
            "files_matched": len(sources),
            "files_by_decision": dict(sorted(decisions.items())),
            "records_read": records_read,
            "rows_written": rows_written,
            "dead_letters": dead_total,
            "invariant_holds": records_read == rows_written + dead_total,
            "stages": stages,
        },
        "dead_letters_by_reason": dict(sorted(by_reason.items())),
        "dataset": dataset,
        "rows_per_partition": dataset["rows_per_partition"],
        "versions": versions(),
        "options": run_info["options"],
    }


def _partition_of(relative_path: str) -> str:
    return relative_path.rsplit("/", 1)[0]


def drop_sources(output: str, run_id: str, files: list[str], sources: set[str]):
    """Stages a copy of every dataset file holding rows or dead letters of ``sources``
    without them (same name: the commit's rename replaces the file in one step).
    Returns (staged copies, files left empty to retire, rows removed per partition,
    dead letters removed)."""
    copies, emptied, rows_removed, dead_removed = [], set(), Counter(), 0
    staging = committer.staging_dir(output, run_id)
    for rel in sorted(files):
        path = committer.join(output, rel)
        if rel.endswith(".parquet"):
            with FileSystems.open(path) as f:
                table = pq.read_table(f)
            keep = pc.invert(pc.is_in(table.column("source_uri"), pa.array(sorted(sources), type=pa.string())))
            kept = table.filter(keep)
            if kept.num_rows == table.num_rows:
                continue
            rows_removed[_partition_of(rel)] += table.num_rows - kept.num_rows
            if kept.num_rows == 0:
                emptied.add(rel)
                continue
            staged = committer.join(staging, "rewrite", rel + committer.INPROGRESS)
            with FileSystems.create(staged) as f:
                pq.write_table(kept, f, compression="snappy")
        elif rel.startswith(committer.DEAD_LETTER_DIR + "/") and rel.endswith(".jsonl"):
            with FileSystems.open(path) as f:
                lines = f.read().decode("utf-8").splitlines()
            kept = [line for line in lines if json.loads(line)["source_uri"] not in sources]
            if len(kept) == len(lines):
                continue
            dead_removed += len(lines) - len(kept)
            if not kept:
                emptied.add(rel)
                continue
            staged = committer.join(staging, "rewrite", rel + committer.INPROGRESS)
            with FileSystems.create(staged) as f:
                f.write("".join(line + "\n" for line in kept).encode("utf-8"))
        else:
            continue
        copies.append({"staged": staged, "final": rel})
    return copies, emptied, rows_removed, dead_removed


def stage_state_log(output: str, run_id: str, sources: list[dict]) -> dict:
    rel = state.log_path(run_id)
    staged = committer.join(committer.staging_dir(output, run_id), rel + committer.INPROGRESS)
    with FileSystems.create(staged) as f:
        f.write(state.log_lines(sources, run_id))
    return {"staged": staged, "final": rel}


def commit_run(element, output: str, run_info: dict, window=beam.DoFn.WindowParam):
    """The single commit: ``element`` is (None, [staged files, stage counts, file decisions]).

    Full runs replace the dataset. Incremental runs add their files beside the earlier
    ones, first replacing the files that held rows of changed inputs by copies without
    them, so a changed file's rows are replaced, never duplicated. An incremental run
    with nothing new commits nothing and says so."""
    _, items = element
    pipeline_run_id = run_info["run_id"]
    run_info = window_run_info(run_info, window)
    staged = [item for item in items if item["kind"] in ("rows", "dead")]
    stage_counts = {item["stage"]: item["n"] for item in items if item["kind"] == "count"}
    sources = [item["source"] for item in items if item["kind"] == "source"]
    incremental = run_info["mode"] == "incremental"
    run_id = run_info["run_id"]
    previous = committer.read_json(committer.join(output, committer.MANIFEST)) or {}
    if incremental and not any(d["decision"] in state.RECORDED for d in sources):
        manifest = build_manifest(run_info, staged, stage_counts, sources, time.time(),
                                  previous.get("dataset") or {"rows": 0, "dead_letters": 0, "rows_per_partition": {}})
        yield dict(manifest, noop=True)
        return
    rows_per_partition = Counter()
    for s in staged:
        if s["kind"] == "rows":
            rows_per_partition[s["partition"]] += s["rows"]
    dead_letters = sum(s["rows"] for s in staged if s["kind"] == "dead")
    copies, keep = [], set()
    if incremental and previous:
        changed = {d["source_uri"] for d in sources if d["decision"] == state.CHANGED}
        emptied, rows_removed, dead_removed = set(), Counter(), 0
        if changed:
            copies, emptied, rows_removed, dead_removed = drop_sources(output, run_id, previous["files"], changed)
        keep = set(previous["files"]) - emptied
        rows_per_partition.update(previous["dataset"]["rows_per_partition"])
        rows_per_partition.subtract(rows_removed)
        dead_letters += previous["dataset"]["dead_letters"] - dead_removed
    dataset = {"rows": sum(rows_per_partition.values()), "dead_letters": dead_letters,
               "rows_per_partition": {k: v for k, v in sorted(rows_per_partition.items()) if v}}
    manifest = build_manifest(run_info, staged, stage_counts, sources, time.time(), dataset)
    files = copies + [{"staged": s["staged"], "final": s["final"]} for s in staged]
    files.append(stage_state_log(output, run_id, sources))
    yield committer.commit(output, run_id, files, manifest, keep, pipeline_run_id)


class WriteDataset(beam.PTransform):
    """{"rows", "late_columns": {column: PCollection}, "dead_letters", "sources",
    "stage_outputs": {stage: PCollection}} -> the committed manifest (one element;
    ``noop`` is set when an incremental run had nothing new).

    ``late_columns`` are values that whole-corpus stages find for some rows, (doc_id,
    value) per column (``duplicate_of``, ``supersedes``). They meet their rows in the
    grouping by partition that the write does anyway: each value is first routed to its
    row's partition by a join on doc_id with (doc_id, partition) pairs, so the articles
    themselves are shuffled once here, packed (transforms/shuffle.py), and by no stage
    before to set a column.

    Everything the commit needs (staged files, counts, file decisions) reaches it as
    main input through one GroupByKey on a single key, never as a side input or a
    CombineGlobally: both are computed again inside the consuming task on the
    DaskRunner, which would rerun the whole upstream pipeline there."""

    def __init__(self, output: str, run_info: dict, shards_per_partition: int = 1, dead_letter_shards: int = 1):
        super().__init__()
        self._output, self._run_info = output, run_info
        self._shards, self._dead_shards = shards_per_partition, dead_letter_shards

    def expand(self, inputs):
        rows = inputs["rows"]
        late_values = (
            [pcoll | f"Late_{column}" >> beam.MapTuple(lambda doc_id, value, column=column: (doc_id, (column, value)))
             for column, pcoll in inputs["late_columns"].items()]
            | "LateValues" >> beam.Flatten()
        )
        routes = rows | "RouteByDocId" >> beam.Map(lambda doc, n: (doc["doc_id"], partition_key(doc, n)), self._shards)
        routed = (
            {"route": routes, "value": late_values}
            | "JoinRoutes" >> beam.CoGroupByKey()
            | "RouteLateValues" >> beam.FlatMap(route_late_values)
        )
        staged_rows = (
            {"rows": rows | "KeyByPartition" >> beam.Map(lambda doc, n: (partition_key(doc, n), packed(doc)),
                                                         self._shards),
             "late": routed}
            | "GroupByPartition" >> beam.CoGroupByKey()
            | "WriteParquet" >> beam.ParDo(WriteParquetShardFn(self._output, self._run_info))
        )
        staged_dead = (
            inputs["dead_letters"]
            | "KeyDeadLetters" >> beam.Map(lambda d, n: (stable_shard(d["source_uri"], n), d), self._dead_shards)
            | "GroupDeadLetters" >> beam.GroupByKey()
            | "WriteDeadLetters" >> beam.ParDo(WriteDeadLettersFn(self._output, self._run_info))
        )
        stage_counts = inputs["stage_outputs"] | "CountStages" >> CountStages()
        sources = inputs["sources"] | "SourceItems" >> beam.Map(lambda d: {"kind": "source", "source": d})
        return (
            (staged_rows, staged_dead, stage_counts, sources)
            | "CommitInputs" >> beam.Flatten()
            | "OneKey" >> beam.Map(lambda item: (None, item))
            | "Gather" >> beam.GroupByKey()
            | "Commit" >> beam.FlatMap(commit_run, self._output, self._run_info)
        )


class CountStages(beam.PTransform):
    """{stage: PCollection} -> {"kind": "count", "stage", "n"} per stage with elements."""

    def expand(self, pcolls):
        ones = [pcoll | f"One_{name}" >> beam.Map(lambda _, name=name: (name, 1)) for name, pcoll in pcolls.items()]
        return (
            ones
            | "AllOnes" >> beam.Flatten()
            | "Sum" >> beam.CombinePerKey(sum)
            | "AsCount" >> beam.MapTuple(lambda stage, n: {"kind": "count", "stage": stage, "n": n})
        )
