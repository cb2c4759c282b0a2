"""Agency feed versions: a correction or kill links to the version it replaces."""
import datetime as dt

import pytest

from conftest import CORPUS, read_rows, run_pipeline
from transforms.feed_versions import feed_version, link_versions, version_order


def item(doc_id, version, published=None):
    return {"doc_id": doc_id, "feed": {"item_id": "urn:x", "version": version}, "published_at": published}


def test_versions_compare_as_numbers_and_each_supersedes_the_one_before():
    orders = [version_order(a) for a in (item("c", "10"), item("a", "9"), item("b", "9.1"))]
    assert link_versions(orders) == [("b", "a"), ("c", "b")]


def test_equal_versions_fall_back_to_publication_time():
    early = item("late-id", "1", dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc))
    late = item("early-id", "1", dt.datetime(2025, 3, 2, tzinfo=dt.timezone.utc))
    assert version_order(early) < version_order(late)
    assert link_versions([version_order(late), version_order(early)]) == [("early-id", "late-id")]


def test_only_feed_items_have_a_version():
    assert feed_version(item("a", "2")) == [("urn:x", ((2,), "", "a"))]
    assert feed_version({"doc_id": "b", "feed": None}) == []


@pytest.mark.slow
def test_a_corrected_resend_supersedes_the_first_version(tmp_path):
    source = (CORPUS / "feeds" / "f03_newsml_item_correction.xml").read_text(encoding="utf-8")
    first = source.replace('version="3"', 'version="2"').replace("heat index soars", "heat index rises")
    assert first != source
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "v3.xml").write_text(source, encoding="utf-8")
    (tmp_path / "in" / "v2.xml").write_text(first, encoding="utf-8")
    run_pipeline([tmp_path / "in" / "*"], tmp_path / "out")
    rows = {row["source_uri"].rsplit("/", 1)[1]: row for row in read_rows(tmp_path / "out")}
    assert rows["v2.xml"]["feed"]["version"] == "2" and rows["v3.xml"]["feed"]["version"] == "3"
    assert rows["v3.xml"]["supersedes"] == rows["v2.xml"]["doc_id"]
    assert rows["v2.xml"]["supersedes"] is None
    assert "correction" in rows["v3.xml"]["feed"]["signals"]
    assert rows["v3.xml"]["date_source"] == "feed-metadata"
