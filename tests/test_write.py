"""Late columns: links found by whole-corpus stages (near-duplicates, feed versions) are
joined onto their rows in the write's grouping by partition (transforms/write.py)."""
import json

import pytest

from conftest import read_rows, run_pipeline
from transforms.shuffle import packed
from transforms.write import route_late_values, rows_with_late_values


def test_a_late_value_goes_to_the_partition_of_its_row():
    route = ("2025-03-02", "US", 0)
    assert list(route_late_values(("b", {"route": [route], "value": [("duplicate_of", "a"), ("supersedes", "z")]}))) \
        == [(route, ("b", "duplicate_of", "a")), (route, ("b", "supersedes", "z"))]
    # A link whose doc_id has no row (no route) is dropped, not written anywhere.
    assert list(route_late_values(("gone", {"route": [], "value": [("duplicate_of", "a")]}))) == []


def test_rows_get_their_own_late_values_only():
    rows = [{"doc_id": "a", "duplicate_of": None}, {"doc_id": "b", "duplicate_of": None, "supersedes": None}]
    joined = {"rows": [packed(row) for row in rows], "late": [("b", "duplicate_of", "a"), ("b", "supersedes", "y")]}
    assert list(rows_with_late_values(joined)) == [
        {"doc_id": "a", "duplicate_of": None},
        {"doc_id": "b", "duplicate_of": "a", "supersedes": "y"},
    ]


def story_text(n: int) -> str:
    return " ".join(f"The port authority said on Tuesday that cargo ship number {k} had been unloaded as planned."
                    for k in range(n))


def other_text(n: int) -> str:
    return " ".join(f"Council members argued for {k} hours over school repairs before a narrow vote." for k in range(n))


@pytest.mark.slow
def test_the_later_copy_of_a_story_is_written_with_duplicate_of(tmp_path):
    """Two outlets' copies of one story on different days (so in different partitions), and
    an unrelated story: the later copy's row points at the earlier one's doc_id."""
    story, other = story_text(12), other_text(12)
    records = [
        {"url": "https://later.example/1", "title": "Port handles cargo", "published": "2025-03-02T08:00:00Z",
         "text": story},
        {"url": "https://first.example/1", "title": "Cargo handled at port", "published": "2025-03-01T08:00:00Z",
         "text": story},
        {"url": "https://other.example/1", "title": "Council meets", "published": "2025-03-01T09:00:00Z",
         "text": other},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crawl.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    manifest = run_pipeline([tmp_path / "in" / "*.jsonl"], tmp_path / "out")
    assert manifest["counts"]["rows_written"] == 3 and manifest["counts"]["invariant_holds"]
    rows = {row["url"]: row for row in read_rows(tmp_path / "out")}
    assert rows["https://later.example/1"]["date"] != rows["https://first.example/1"]["date"]
    assert rows["https://later.example/1"]["duplicate_of"] == rows["https://first.example/1"]["doc_id"]
    assert rows["https://first.example/1"]["duplicate_of"] is None
    assert rows["https://other.example/1"]["duplicate_of"] is None
