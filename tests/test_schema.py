"""The output contract (transforms/schema.py)."""
import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, strategies as st

from transforms.schema import (ARTICLE_SCHEMA, COLUMN_DOCS, HIVE_NULL, LIST_COLUMNS, empty_row, is_valid_partition,
                               partition_path, partition_values, to_table)

CONTRACT_COLUMNS = [
    "doc_id", "source_uri", "source_record", "source_format", "source_encoding", "source_compression", "url",
    "headline", "body", "captions", "dateline", "published_at", "date_source", "country_source", "language",
    "credits", "entities", "mentions", "quotes", "word_count", "duplicate_of", "feed", "supersedes", "pipeline_version",
    "ingested_at",
]


def test_contract_columns_and_docs():
    assert ARTICLE_SCHEMA.names == CONTRACT_COLUMNS
    assert "date" not in ARTICLE_SCHEMA.names and "country" not in ARTICLE_SCHEMA.names  # they live in the path
    assert all(COLUMN_DOCS[name] for name in CONTRACT_COLUMNS)
    assert ARTICLE_SCHEMA.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert ARTICLE_SCHEMA.field("dateline").type.names == ["raw", "city", "country", "agency"]
    assert ARTICLE_SCHEMA.field("quotes").type.value_type.names == ["text", "speaker", "cue", "kind", "start", "end"]
    assert ARTICLE_SCHEMA.field("mentions").type.value_type.names == ["text", "label", "start", "end", "name"]
    assert set(LIST_COLUMNS) == {"captions", "credits", "entities", "mentions", "quotes"}


def test_empty_row_has_every_column_null_or_empty():
    row = empty_row()
    assert list(row) == CONTRACT_COLUMNS
    assert all(row[c] == [] for c in LIST_COLUMNS)
    assert all(row[c] is None for c in CONTRACT_COLUMNS if c not in LIST_COLUMNS)


def test_to_table_refuses_rows_that_break_the_contract():
    row = empty_row()
    with pytest.raises(ValueError, match="missing"):
        to_table([{k: v for k, v in row.items() if k != "body"}])
    with pytest.raises(ValueError, match="extra"):
        to_table([dict(row, country="FR")])
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        to_table([dict(row, doc_id="x", source_uri="u", source_record="zero", source_format="text", word_count=1,
                       pipeline_version="1", ingested_at=dt.datetime.now(dt.timezone.utc))])


@pytest.mark.parametrize("published, country, expected", [
    (dt.datetime(2025, 3, 4, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "KE", ("2025-03-05", "KE")),
    (None, "US", (HIVE_NULL, "US")),
    (None, None, (HIVE_NULL, HIVE_NULL)),
    (None, "../../etc", (HIVE_NULL, HIVE_NULL)),
    (None, "us", (HIVE_NULL, HIVE_NULL)),
    ("2025-01-01", "USA", (HIVE_NULL, HIVE_NULL)),
])
def test_partition_values_are_validated(published, country, expected):
    assert partition_values(published, country) == expected


def test_partition_path_refuses_anything_but_dates_and_country_codes():
    assert partition_path("2025-02-11", "MX") == "date=2025-02-11/country=MX"
    assert partition_path(HIVE_NULL, HIVE_NULL) == f"date={HIVE_NULL}/country={HIVE_NULL}"
    for date, country in [("2025-02-30", "MX"), ("../x", "MX"), ("2025-02-11", "../../etc"), ("2025-02-11", "mx")]:
        assert not is_valid_partition(date, country)
        with pytest.raises(ValueError):
            partition_path(date, country)


@given(st.text(max_size=30), st.text(max_size=30))
def test_no_string_makes_a_path_outside_the_partition_tree(date, country):
    if is_valid_partition(date, country):
        path = partition_path(date, country)
        assert ".." not in path and path.count("/") == 1


def test_the_partition_date_is_the_local_publication_date_when_known():
    singapore_morning = dt.datetime(2025, 3, 4, 22, 0, tzinfo=dt.timezone.utc)   # 06:00 on 5 March in Singapore
    assert partition_values(singapore_morning, "SG", "2025-03-05") == ("2025-03-05", "SG")
    assert partition_values(singapore_morning, "SG") == ("2025-03-04", "SG")
    assert partition_values(singapore_morning, "SG", "../2025") == ("2025-03-04", "SG")
    assert partition_values(None, "SG", "2025-02-30") == (HIVE_NULL, "SG")


def test_dead_letters_carry_exactly_the_documented_fields():
    from transforms.dead_letters import dead_letter  # noqa: PLC0415
    from transforms.schema import DEAD_LETTER_FIELDS  # noqa: PLC0415

    assert tuple(dead_letter("s3://b/a.txt", 2, "read", "empty", "no content")) == DEAD_LETTER_FIELDS
