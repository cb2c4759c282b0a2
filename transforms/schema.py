"""The output contract: one row per article, hive-partitioned by date and country.

This module is the single source of truth for what wirebeam writes. Every other
module builds rows as plain dicts whose keys are ``ARTICLE_SCHEMA``'s field names;
``to_table`` is the only place they become Arrow.

Layout of an output directory::

    OUTPUT/date=YYYY-MM-DD/country=CC/part-SSS-DIGEST.parquet   article rows
    OUTPUT/_dead_letter/dead-DIGEST.jsonl                       what could not be processed
    OUTPUT/_manifest.json                                       counts, files, timings, versions
    OUTPUT/_SUCCESS                                             written last, only by complete runs

``date`` and ``country`` live in the path, not in the files (the Hive/Spark
convention); readers with hive partitioning see them as columns. An unknown value is
written as ``__HIVE_DEFAULT_PARTITION__``, which Spark, DuckDB and pyarrow read as null.

Contract history
- v1: the columns below. Beyond the brief's list, v1 adds ``source_encoding`` and
  ``source_compression`` (the charset and compression found while reading), because
  the reading issue asks to keep the encoding found, and ``feed`` and ``supersedes``,
  which carry agency feed items' identity and link a correction or kill to the version
  it replaces. All four are nullable additions: readers of the brief's columns are
  unaffected.
"""
from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

CONTRACT_VERSION = "1"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
PARTITION_KEYS = ("date", "country")

DATELINE = pa.struct([
    ("raw", pa.string()),       # the dateline exactly as in the body, e.g. "NAIROBI, Kenya (AP) —"
    ("city", pa.string()),      # as written in the copy ("WASHINGTON", "Paris"); null for "(Bloomberg) --"
    ("country", pa.string()),   # ISO 3166-1 alpha-2 of the city, from the gazetteer
    ("agency", pa.string()),    # "Reuters", "AP", "AFP", "EFE", "PTI"...; null if none
])
CREDIT = pa.struct([
    ("role", pa.string()),      # reporting|additional_reporting|writing|editing|compiling|graphics|contributing|byline
    ("name", pa.string()),      # the person in natural case ("Jane Doe" from "JANE DOE")
])
ENTITY = pa.struct([
    ("name", pa.string()),      # canonical name ("Antony Blinken" also for "Blinken")
    ("label", pa.string()),     # PERSON|ORG|GPE|LOC|NORP|FAC|EVENT|...
    ("count", pa.int32()),      # mentions in the body
])
MENTION = pa.struct([
    ("text", pa.string()),      # body[start:end]
    ("label", pa.string()),
    ("start", pa.int32()),      # character offsets into ``body``
    ("end", pa.int32()),
    ("name", pa.string()),      # the canonical entity name it refers to
])
FEED_ITEM = pa.struct([
    ("item_id", pa.string()),   # the agency's id of the item (NewsML-G2 guid, NITF doc-id, ninjs uri)
    ("version", pa.string()),   # the item's version; a resend with a higher one replaces it
    ("pub_status", pa.string()),  # usable | withheld | canceled
    ("signals", pa.list_(pa.string())),  # "correction", "kill", "update"...
])
QUOTE = pa.struct([
    ("text", pa.string()),      # the words inside the marks; paragraphs of one quote joined by a space
    ("speaker", pa.string()),   # canonical full name of the speaker, or null
    ("cue", pa.string()),       # the reporting verb ("said", "told", "according to")
    ("kind", pa.string()),      # direct|partial|indirect
    ("start", pa.int32()),      # character span of the quote in ``body``
    ("end", pa.int32()),
])

# (name, type, nullable, doc): the documentation of each column lives next to its type.
_COLUMNS = [
    ("doc_id", pa.string(), False,
     "Deterministic id: sha256 of source_uri and source_record, 20 hex chars."),
    ("source_uri", pa.string(), False, "The input file (absolute path or URI)."),
    ("source_record", pa.int64(), False, "0-based record within the file (0 for whole-file documents)."),
    ("source_format", pa.string(), False, "text | html | jsonl, detected from content."),
    ("source_encoding", pa.string(), True, "Character encoding the bytes were decoded with."),
    ("source_compression", pa.string(), True, "gzip when the file was compressed, else null."),
    ("url", pa.string(), True, "Canonical URL of the article (JSONL url field, HTML canonical/og:url)."),
    ("headline", pa.string(), True, "The article's headline."),
    ("body", pa.string(), True, "Clean story text: paragraphs joined by a blank line, dateline kept."),
    ("captions", pa.list_(pa.string()), False, "Photo and video captions removed from the body."),
    ("dateline", DATELINE, True, "Parsed dateline; null when the copy has none."),
    ("published_at", pa.timestamp("us", tz="UTC"), True, "Publication time in UTC; null when unknown."),
    ("date_source", pa.string(), True, "Where published_at came from (metadata, chrome-line, dateline, url)."),
    ("country_source", pa.string(), True, "Where the country came from (dateline, metadata, content)."),
    ("language", pa.string(), True, "ISO 639-1 language of the body."),
    ("credits", pa.list_(CREDIT), False, "Journalists credited (bylines, 'Reporting by', 'contributed')."),
    ("entities", pa.list_(ENTITY), False, "Named entities of the story, one per canonical name."),
    ("mentions", pa.list_(MENTION), False, "Every entity mention with offsets into body."),
    ("quotes", pa.list_(QUOTE), False, "Quotes with their speakers and offsets into body."),
    ("word_count", pa.int32(), False, "Words in body."),
    ("duplicate_of", pa.string(), True, "doc_id of the first copy of a syndicated story, else null."),
    ("feed", FEED_ITEM, True, "Agency feed items (NITF, NewsML-G2, ninjs): id, version, status; else null."),
    ("supersedes", pa.string(), True,
     "doc_id of the earlier version of the same feed item that this one replaces (a correction, a kill, "
     "a resend with a higher version); readers keep the rows nothing supersedes. Nothing is deleted."),
    ("pipeline_version", pa.string(), False, "wirebeam version that wrote the row."),
    ("ingested_at", pa.timestamp("us", tz="UTC"), False, "Start time of the run that wrote the row."),
]

ARTICLE_SCHEMA = pa.schema(
    [pa.field(name, typ, nullable=nullable, metadata={"doc": doc}) for name, typ, nullable, doc in _COLUMNS],
    metadata={"wirebeam_contract": CONTRACT_VERSION},
)
COLUMN_DOCS = {name: doc for name, _, _, doc in _COLUMNS}
LIST_COLUMNS = tuple(name for name, typ, _, _ in _COLUMNS if pa.types.is_list(typ))

DEAD_LETTER_FIELDS = ("source_uri", "source_record", "stage", "reason", "error", "preview")

_DATE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNTRY_VALUE = re.compile(r"[A-Z]{2}")


def empty_row() -> dict:
    """A row with every column present: null, or an empty list for list columns."""
    return {name: ([] if name in LIST_COLUMNS else None) for name in ARTICLE_SCHEMA.names}


def partition_values(published_at: dt.datetime | None, country: str | None,
                     local_date: str | None = None) -> tuple[str, str]:
    """The (date, country) path values of a row, validated so that no content can
    shape a path: a date must be a real calendar date, a country two capital letters.

    ``date`` is the publication's calendar date where it was published (``local_date``,
    "Published Mar 05, 2025, 06:00 AM" in Singapore is 2025-03-05) when the source says
    it, else the UTC date of ``published_at``: what a reader of the page would call the
    day of the story, while ``published_at`` keeps the exact instant in UTC."""
    date = HIVE_NULL
    if isinstance(local_date, str) and is_valid_partition(local_date, HIVE_NULL):
        date = local_date
    elif isinstance(published_at, dt.datetime):
        date = published_at.astimezone(dt.timezone.utc).date().isoformat()
    return date, (country if isinstance(country, str) and _COUNTRY_VALUE.fullmatch(country) else HIVE_NULL)


def is_valid_partition(date: str, country: str) -> bool:
    if date != HIVE_NULL:
        if not _DATE_VALUE.fullmatch(date):
            return False
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            return False
    return country == HIVE_NULL or bool(_COUNTRY_VALUE.fullmatch(country))


def partition_path(date: str, country: str) -> str:
    if not is_valid_partition(date, country):
        raise ValueError(f"invalid partition values {date!r}/{country!r}")
    return "/".join(f"{key}={value}" for key, value in zip(PARTITION_KEYS, (date, country)))


def to_table(rows: list[dict]) -> pa.Table:
    """Rows (dicts keyed by column name) to a table of exactly ARTICLE_SCHEMA.

    Raises if a row misses a column, holds an unknown one or a value of the wrong
    type, so that a contract break fails the write instead of reaching readers."""
    names = ARTICLE_SCHEMA.names
    for row in rows:
        if set(row) != set(names):
            missing, extra = set(names) - set(row), set(row) - set(names)
            raise ValueError(f"row does not match the contract: missing {sorted(missing)}, extra {sorted(extra)}")
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)
