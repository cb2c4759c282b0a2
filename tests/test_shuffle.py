"""Articles shuffled as bytes (transforms/shuffle.py)."""
import datetime as dt

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamPipeline
from apache_beam.testing.util import assert_that, equal_to

from conftest import IN_MEMORY
from transforms.shuffle import GroupByKeyPacked, Unpacked, packed, unpacked

ARTICLE = {
    "doc_id": "3f2a", "body": "WASHINGTON (Reuters) - “Quoted” text.\n\nSecond paragraph.",
    "published_at": dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone.utc),
    "dateline": {"raw": "WASHINGTON (Reuters) -", "city": "Washington", "country": "US", "agency": "Reuters"},
    "credits": [{"role": "reporting", "name": "Jane Doe"}],
    "mentions": [{"text": "Reuters", "label": "ORG", "start": 12, "end": 19, "name": "Reuters"}],
    "captions": [], "duplicate_of": None, "source_record": 7, "score": 0.5, "flags": (True, False),
}


def test_an_article_survives_packing_exactly():
    data = packed(ARTICLE)
    assert isinstance(data, bytes)
    assert unpacked(data) == ARTICLE
    assert unpacked(data)["published_at"].tzinfo is not None


def test_a_group_decodes_lazily_and_can_be_iterated_twice():
    group = Unpacked([packed({"n": 1}), packed({"n": 2})])
    assert list(group) == [{"n": 1}, {"n": 2}]
    assert list(group) == [{"n": 1}, {"n": 2}]


def test_group_by_key_packed_groups_like_group_by_key():
    pairs = [("a", ARTICLE), ("b", {"doc_id": "x"}), ("a", {"doc_id": "y", "body": ""})]
    with BeamPipeline(options=PipelineOptions(list(IN_MEMORY))) as p:
        grouped = (
            p
            | beam.Create(pairs)
            | GroupByKeyPacked()
            | beam.MapTuple(lambda key, values: (key, sorted((v["doc_id"], v.get("body")) for v in values)))
        )
        assert_that(grouped, equal_to([("a", sorted([("3f2a", ARTICLE["body"]), ("y", "")])),
                                       ("b", [("x", None)])]))


def test_packing_compresses_the_text_of_an_article():
    long_article = dict(ARTICLE, body="\n\n".join(f"Paragraph {n} of the story, as the wire sent it." for n in range(40)))
    assert len(packed(long_article)) < len(long_article["body"]) / 2
