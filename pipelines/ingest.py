"""wirebeam ingestion pipeline: raw wire copy to date/country-partitioned Parquet.

    python -m pipelines.ingest --input 'landing/**' --output out/ [--config configs/local.yaml]
                               [any standard Beam flag, e.g. --runner DataflowRunner]

This module only parses options and wires the stages of transforms/ together.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.options import UsageError, WirebeamOptions, parse_options
from pipelines.report import add_metrics_to_manifest, format_summary
from transforms.enrich import EnrichArticles
from transforms.extract import ExtractArticles
from transforms.files import commit as committer
from transforms.nlp import AnnotateArticles
from transforms.read import ReadDocuments, ReadLimits, match_files
from transforms.versions import pipeline_version
from transforms.write import WriteDataset

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


def check_inputs(patterns: list[str], excludes: tuple[str, ...]) -> None:
    for pattern in patterns:
        try:
            matched = match_files(pattern, excludes)
        except Exception as e:  # noqa: BLE001 - any filesystem error is a usage error here
            raise UsageError(f"--input {pattern!r} cannot be listed: {e}") from e
        if not matched:
            raise UsageError(f"--input {pattern!r} matches no files")


def check_output(output: str) -> None:
    """Fails fast when the output cannot be written or holds a manifest we cannot read."""
    probe = committer.join(output, committer.STAGING, f".probe-{uuid.uuid4().hex}")
    try:
        with FileSystems.create(probe) as f:
            f.write(b"probe")
        FileSystems.delete([probe])
    except Exception as e:  # noqa: BLE001
        reason = getattr(e, "strerror", None) or str(e).splitlines()[0]
        raise UsageError(f"--output {output!r} is not writable: {reason}") from e
    for name in (committer.MANIFEST, committer.PENDING):
        try:
            committer.read_json(committer.join(output, name))
        except Exception as e:  # noqa: BLE001
            raise UsageError(f"{committer.join(output, name)} is corrupt ({e}); refusing to write over a "
                             "dataset whose file list is unknown. Move it away to start a new dataset.") from e


def run_info(options: PipelineOptions, patterns: list[str], output: str) -> dict:
    started = time.time()
    return {
        "run_id": dt.datetime.fromtimestamp(started, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ-")
        + uuid.uuid4().hex[:8],
        "started_ts": started,
        "started_at": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(),
        "pipeline_version": pipeline_version(),
        "inputs": patterns,
        "output": output,
        "stages": list(STAGES),
        # Every option with a value, Beam's included, so a run can be repeated exactly.
        "options": {k: v for k, v in options.get_all_options().items() if v not in (None, False, [], {})},
    }


def build_pipeline(pipeline: beam.Pipeline, wb: WirebeamOptions, patterns: list[str], output: str, info: dict):
    limits = ReadLimits(max_decompressed_bytes=wb.max_decompressed_mb << 20,
                        max_document_bytes=wb.max_document_mb << 20,
                        max_record_bytes=wb.max_record_mb << 20)
    read = pipeline | "Read" >> ReadDocuments(patterns, tuple(wb.exclude or ()), limits)
    extracted = read["documents"] | "Extract" >> ExtractArticles(wb.min_body_words)
    enriched = extracted["articles"] | "Enrich" >> EnrichArticles()
    annotated = enriched["articles"] | "NLP" >> AnnotateArticles(
        wb.spacy_models, wb.default_language, wb.nlp_batch_size, wb.nlp_max_chars)
    dead_letters = (read["dead"], extracted["dead"], enriched["dead"], annotated["dead"]) | "AllDeadLetters" >> \
        beam.Flatten()
    stage_outputs = {"files_matched": read["files"], "read": read["documents"], "extract": extracted["articles"],
                     "enrich": enriched["articles"], "nlp": annotated["articles"]}
    return {"rows": annotated["articles"], "dead_letters": dead_letters, "stage_outputs": stage_outputs} | \
        "Write" >> WriteDataset(output, info, wb.shards_per_partition)


def run(argv: list[str]) -> dict:
    options = parse_options(argv)
    wb = options.view_as(WirebeamOptions)
    patterns = [normalise_pattern(p) for p in wb.input]
    output = normalise_path(wb.output)
    excludes = tuple(wb.exclude or ())
    check_inputs(patterns, excludes)
    check_output(output)
    info = run_info(options, patterns, output)
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, wb, patterns, output, info)
    result = pipeline.run()
    result.wait_until_finish()
    return add_metrics_to_manifest(output, result)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        manifest = run(sys.argv[1:] if argv is None else argv)
    except UsageError as e:
        print(f"wirebeam: error: {e}", file=sys.stderr)
        return 2
    print(format_summary(manifest))
    return 0 if manifest["counts"]["invariant_holds"] else 1


if __name__ == "__main__":
    sys.exit(main())
