"""wirebeam ingestion pipeline: raw wire copy to date/country-partitioned Parquet.

    python -m pipelines.ingest --input 'landing/**' --output out/ [--config configs/local.yaml]
                               [any standard Beam flag, e.g. --runner DataflowRunner]

This module only parses options and wires the stages of transforms/ together.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import json
import logging
import os
import sys
import time
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipelines.options import UsageError, WirebeamOptions, parse_options
from pipelines.report import add_metrics_to_manifest, format_summary, noop_summary
from transforms.dedup import FindNearDuplicates
from transforms.enrich import EnrichArticles
from transforms.extract import ExtractArticles
from transforms.feed_versions import LinkFeedVersions
from transforms.files import commit as committer
from transforms.files import state
from transforms.nlp import AnnotateArticles
from transforms.read import FindSources, ReadDocumentsOnly, ReadLimits, ReadSources, WatchSources, match_files
from transforms.versions import pipeline_version
from transforms.write import WriteDataset

# The stages that pass documents on (and may dead-letter them). Dedup and feed versions
# only yield links, which the write joins onto the rows: they are not counted here.
STAGES = ("read", "extract", "enrich", "nlp")
_GLOB_CHARS = set("*?[")


def normalise_pattern(pattern: str) -> str:
    """Local patterns become absolute (so source_uri and doc_id do not depend on the
    working directory); a folder means every file below it."""
    if "://" in pattern:
        return pattern
    pattern = normalise_path(pattern)
    if not (_GLOB_CHARS & set(pattern)) and os.path.isdir(pattern):
        return os.path.join(pattern, "**")
    return pattern


def normalise_path(path: str) -> str:
    return path if "://" in path else os.path.abspath(os.path.expanduser(path))


def check_inputs(patterns: list[str], excludes: tuple[str, ...]) -> dict:
    """{path: (size, mtime)} of every matched file; fails fast on a glob matching nothing."""
    matched = {}
    for pattern in patterns:
        try:
            files = match_files(pattern, excludes)
        except Exception as e:  # noqa: BLE001 - any filesystem error is a usage error here
            raise UsageError(f"--input {pattern!r} cannot be listed: {e}") from e
        if not files:
            raise UsageError(f"--input {pattern!r} matches no files")
        matched.update({path: (size, mtime) for path, size, mtime in files})
    return matched


def check_output(output: str, incremental: bool) -> dict:
    """Fails fast, before writing anything, when the output holds a manifest or state we
    cannot read, or cannot be written. Returns the ingestion state (incremental runs)."""
    for name in (committer.MANIFEST, committer.PENDING):
        try:
            committer.read_json(committer.join(output, name))
        except Exception as e:  # noqa: BLE001
            raise UsageError(f"{committer.join(output, name)} is corrupt ({e}); refusing to write over a "
                             "dataset whose file list is unknown. Move it away to start a new dataset.") from e
    ingested = {}
    if incremental:
        try:
            ingested = state.load_state(output)
        except state.StateError as e:
            raise UsageError(f"the ingestion state in {output} is corrupt: {e}. Nothing was written; fix or "
                             "remove that log (a full run rebuilds the state) rather than re-ingest blindly.") from e
    probe = committer.join(output, committer.STAGING, f".probe-{uuid.uuid4().hex}")
    try:
        with FileSystems.create(probe) as f:
            f.write(b"probe")
        FileSystems.delete([probe])
    except Exception as e:  # noqa: BLE001
        reason = getattr(e, "strerror", None) or str(e).splitlines()[0]
        raise UsageError(f"--output {output!r} is not writable: {reason}") from e
    return ingested


def nothing_new(matched: dict, ingested: dict) -> bool:
    """Every matched file has the size and mtime recorded when it was ingested: an
    incremental run would read nothing, so it need not start a pipeline at all."""
    return all(path in ingested and (ingested[path]["size"], ingested[path]["mtime"]) == metadata
               for path, metadata in matched.items())


def run_info(options: PipelineOptions, patterns: list[str], output: str, mode: str) -> dict:
    started = time.time()
    return {
        "run_id": dt.datetime.fromtimestamp(started, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-")
        + uuid.uuid4().hex[:8],
        "started_ts": started,
        "started_at": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(),
        "pipeline_version": pipeline_version(),
        "mode": mode,
        "inputs": patterns,
        "output": output,
        "stages": list(STAGES),
        # Every option with a value, Beam's included, so a run can be repeated exactly.
        "options": {k: v for k, v in options.get_all_options().items() if v not in (None, False, [], {})},
    }


def build_pipeline(pipeline: beam.Pipeline, wb: WirebeamOptions, patterns: list[str], output: str, info: dict,
                   matched: dict | None = None, streaming: bool = False):
    limits = ReadLimits(max_decompressed_bytes=wb.max_decompressed_mb << 20,
                        max_document_bytes=wb.max_document_mb << 20,
                        max_record_bytes=wb.max_record_mb << 20)
    incremental = info["mode"] == "incremental"
    excludes = tuple(wb.exclude or ())
    if streaming:
        stop = info["started_ts"] + wb.watch_cycles * wb.watch_interval if wb.watch_cycles else None
        sources = pipeline | "WatchSources" >> WatchSources(
            patterns, excludes, output, wb.settle_seconds, wb.watch_interval, info["started_ts"], stop)
    else:
        sources = pipeline | "FindSources" >> FindSources(
            patterns, excludes,
            state_pattern=committer.join(output, state.STATE_DIR, "*.jsonl") if incremental else None,
            now=info["started_ts"], settle_seconds=wb.settle_seconds if incremental else 0,
            listed=sorted((path, *metadata) for path, metadata in matched.items())
            if matched is not None and len(matched) <= wb.max_listed_files else None)
    read = sources | "Read" >> ReadSources(limits)
    site_documents = sources | "ReadForSiteChrome" >> ReadDocumentsOnly(limits)
    extracted = {"documents": read["documents"], "site_documents": site_documents} | "Extract" >> ExtractArticles(
        wb.min_body_words, wb.site_chrome_min_docs, wb.site_chrome_min_fraction)
    enriched = extracted["articles"] | "Enrich" >> EnrichArticles()
    annotated = enriched["articles"] | "NLP" >> AnnotateArticles(
        wb.spacy_models, wb.default_language, wb.nlp_batch_size, wb.nlp_max_chars, wb.nlp_buckets)
    rows = annotated["articles"]
    # After NLP: a first copy dead-lettered there would leave its copies pointing nowhere.
    first_copies = rows | "Dedup" >> FindNearDuplicates(wb.dedup_threshold, wb.dedup_num_perm, wb.dedup_shingle_size,
                                                       wb.dedup_min_shingles, wb.dedup_max_bucket_size)
    earlier_versions = rows | "LinkFeedVersions" >> LinkFeedVersions()
    dead_letters = (read["dead"], extracted["dead"], enriched["dead"], annotated["dead"]) | "AllDeadLetters" >> \
        beam.Flatten()
    stage_outputs = {"read": read["documents"], "extract": extracted["articles"],
                     "enrich": enriched["articles"], "nlp": rows}
    return {"rows": rows, "late_columns": {"duplicate_of": first_copies, "supersedes": earlier_versions},
            "dead_letters": dead_letters, "sources": sources,
            "stage_outputs": stage_outputs} | "Write" >> WriteDataset(output, info, wb.shards_per_partition)


def run_once(options: PipelineOptions) -> dict:
    """One batch run (full or incremental); returns its manifest."""
    wb = options.view_as(WirebeamOptions)
    incremental = wb.mode == "incremental"
    patterns = [normalise_pattern(p) for p in wb.input]
    output = normalise_path(wb.output)
    info = run_info(options, patterns, output, wb.mode)
    matched = check_inputs(patterns, tuple(wb.exclude or ()))
    ingested = check_output(output, incremental)
    if incremental and nothing_new(matched, ingested):
        return noop_summary(info, len(matched))
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, wb, patterns, output, info, matched)
    result = pipeline.run()
    result.wait_until_finish()
    close_runner_client(result)
    if (committer.read_json(committer.join(output, committer.MANIFEST)) or {}).get("run_id") != info["run_id"]:
        return noop_summary(info, len(matched))
    return add_metrics_to_manifest(output, result)


def close_runner_client(result) -> None:
    """The DaskRunner leaves its distributed Client open; close it so the process does not
    log reconnection errors when the cluster goes away."""
    client = getattr(result, "client", None)
    if client is not None and hasattr(client, "close"):
        client.close()


LOCAL_RUNNERS = {None, "DirectRunner", "SwitchingDirectRunner", "BundleBasedDirectRunner"}


def watch(options: PipelineOptions) -> dict:
    """--watch: keep ingesting what lands in the input folders.

    On Dataflow, Flink and other streaming runners this is one streaming pipeline
    (``watch_streaming``). The local DirectRunner cannot run it live, as measured:
    fileio.MatchContinuously returns after its first match; PeriodicImpulse ticks in real
    time but the FnApiRunner fires the downstream windows only once the impulse stops
    (and with two workers stops after two ticks); the BundleBasedDirectRunner cannot
    expand PeriodicImpulse at all. So locally ``--watch`` repeats the incremental batch
    pipeline every --watch_interval seconds (``watch_by_polling``): same stages, same
    commits. ``--watch_engine`` forces either."""
    wb = options.view_as(WirebeamOptions)
    runner = options.view_as(StandardOptions).runner
    engine = wb.watch_engine
    if engine == "auto":
        engine = "poll" if runner in LOCAL_RUNNERS else "stream"
    return watch_streaming(options) if engine == "stream" else watch_by_polling(options)


def watch_by_polling(options: PipelineOptions) -> dict:
    wb = options.view_as(WirebeamOptions)
    cycle = 0
    while True:
        manifest = run_once(options)
        cycle += 1
        if wb.watch_cycles and cycle >= wb.watch_cycles:
            return manifest
        print(format_summary(manifest), flush=True)
        time.sleep(wb.watch_interval)


def watch_streaming(options: PipelineOptions) -> dict:
    """One streaming pipeline: a PeriodicImpulse tick every --watch_interval seconds lists
    the input globs; what is new or changed against the committed state is read, and each
    tick's window goes through every stage and is committed on its own, incrementally
    (files named RUN_ID-wSTART). Returns the manifest of the last committed window."""
    wb = options.view_as(WirebeamOptions)
    options.view_as(StandardOptions).streaming = True
    patterns = [normalise_pattern(p) for p in wb.input]
    output = normalise_path(wb.output)
    check_output(output, incremental=True)
    info = run_info(options, patterns, output, "incremental")
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, wb, patterns, output, info, streaming=True)
    result = pipeline.run()
    result.wait_until_finish()
    close_runner_client(result)
    return committer.read_json(committer.join(output, committer.MANIFEST)) or noop_summary(info, 0)


def run(argv: list[str]) -> dict:
    options = parse_options(argv)
    return run_once(options)


# glibc malloc settings for this process and the worker processes a local runner starts
# (they inherit the environment). With the defaults, memory freed by the many threads of
# a Beam worker stays in per-thread arenas and under a moving mmap threshold, and the
# resident size keeps what the run ever held. Measured on a 20,000-record JSONL with two
# workers: peak RSS of the three processes 2,350 MiB with the defaults, 1,892 MiB with
# two arenas, 1,556 MiB with fixed 128 KiB mmap and trim thresholds as well. A value
# already in the environment wins.
# {environment variable: (mallopt parameter number, value)}: M_ARENA_MAX, M_MMAP_THRESHOLD,
# M_TRIM_THRESHOLD in glibc's malloc.h.
MALLOC_SETTINGS = {"MALLOC_ARENA_MAX": (-8, 2),
                   "MALLOC_MMAP_THRESHOLD_": (-3, 128 << 10),
                   "MALLOC_TRIM_THRESHOLD_": (-1, 128 << 10)}


def tune_malloc() -> None:
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):   # not glibc: nothing to tune
        return
    for variable, (parameter, default) in MALLOC_SETTINGS.items():
        value = int(os.environ.setdefault(variable, str(default)))
        mallopt(parameter, value)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    tune_malloc()
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
        manifest = watch(options) if options.view_as(WirebeamOptions).watch else run_once(options)
    except UsageError as e:
        print(f"wirebeam: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print(format_summary(manifest))
    return 0 if manifest["counts"]["invariant_holds"] else 1


if __name__ == "__main__":
    sys.exit(main())
