"""Stage 5b, link feed versions: agencies never edit an item in place, they resend it
with the same id and a higher version (a correction, an update, a kill). Each version
is kept as its own row; ``supersedes`` points a later version at the one before it, so
analytics keep the rows nothing supersedes. Rows that are no feed items pass through.

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


def link_versions(versions) -> list[dict]:
    """The versions of one item, each with ``supersedes`` = the doc_id of the one before."""
    ordered = sorted(versions, key=version_order)
    for earlier, later in zip(ordered, ordered[1:]):
        later["supersedes"] = earlier["doc_id"]
    return ordered


def feed_item_key(article: dict):
    item_id = (article.get("feed") or {}).get("item_id")
    return [(item_id, article)] if item_id else []


class LinkFeedVersions(beam.PTransform):
    """articles -> the same articles, later feed versions with ``supersedes`` set."""

    def expand(self, articles):
        linked = Metrics.counter("wirebeam", "feed.superseded")

        def count(article):
            if article.get("supersedes"):
                linked.inc()
            return article

        feed_items = (
            articles
            | "FeedItems" >> beam.FlatMap(feed_item_key)
            | "ByItemId" >> beam.GroupByKey()
            | "LinkVersions" >> beam.FlatMapTuple(lambda _, versions: link_versions(versions))
            | "Count" >> beam.Map(count)
        )
        others = articles | "NotFeedItems" >> beam.Filter(lambda a: not (a.get("feed") or {}).get("item_id"))
        return (feed_items, others) | "AllArticles" >> beam.Flatten()
