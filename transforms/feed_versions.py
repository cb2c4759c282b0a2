"""Stage 5b, link feed versions: agencies never edit an item in place, they resend it
with the same id and a higher version (a correction, an update, a kill). Each version
is kept as its own row; ``supersedes`` points a later version at the one before it, so
analytics keep the rows nothing supersedes. Rows that are no feed items have no link.

The stage yields the links only, (doc_id, doc_id of the version before); the write
stage joins them onto the rows (transforms/write.py, ``late_columns``), so only each
version's order and doc_id are shuffled, never the article.

Only the versions of one run are linked: an earlier version ingested by an earlier run
is not looked up (see README "Agency feeds").
"""
from __future__ import annotations

import re

import apache_beam as beam
from apache_beam.metrics import Metrics

_NUMBER = re.compile(r"\d+")


def version_order(article: dict) -> tuple:
    """Versions compare as numbers ("10" after "9"), then by publication time and doc_id."""
    version = (article.get("feed") or {}).get("version") or ""
    numbers = tuple(int(n) for n in _NUMBER.findall(version))
    published = article.get("published_at")
    return numbers, published.isoformat() if published else "", article["doc_id"]


def feed_version(article: dict) -> list[tuple[str, tuple]]:
    """(item id, version_order) of a feed item; nothing for other articles. The doc_id is
    the version order's last part."""
    item_id = (article.get("feed") or {}).get("item_id")
    return [(item_id, version_order(article))] if item_id else []


def link_versions(orders) -> list[tuple[str, str]]:
    """The version orders of one item -> (doc_id, doc_id of the version before) for every
    version but the first."""
    doc_ids = [order[-1] for order in sorted(orders)]
    return list(zip(doc_ids[1:], doc_ids))


class LinkFeedVersions(beam.PTransform):
    """articles -> (doc_id, doc_id of the version it supersedes), one per later version."""

    def expand(self, articles):
        superseded = Metrics.counter("wirebeam", "feed.superseded")

        def count(link):
            superseded.inc()
            return link

        return (
            articles
            | "FeedVersions" >> beam.FlatMap(feed_version)
            | "ByItemId" >> beam.GroupByKey()
            | "LinkVersions" >> beam.FlatMapTuple(lambda _, orders: link_versions(orders))
            | "Count" >> beam.Map(count)
        )
