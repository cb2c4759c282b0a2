"""Stage 3, enrich: credits, dateline, publication date, country and language of an
extracted article, and its final body."""
from __future__ import annotations

import apache_beam as beam

from transforms.dead_letters import DEAD, StageFn
from transforms.text.dates import parse_timestamp
from transforms.text.language import detect_language


def enrich_article(article: dict) -> dict:
    paragraphs = article["paragraphs"]
    article["body"] = "\n\n".join(paragraphs)
    meta = article["meta"]
    published = parse_timestamp(meta.get("published"))
    if published is not None:
        article["published_at"], article["date_source"] = published, "metadata"
    article["language"] = meta.get("language") or detect_language(article["body"])
    article["country"] = None
    return article


class EnrichFn(StageFn):
    stage = "enrich"

    def transform(self, article):
        return enrich_article(article)


class EnrichArticles(beam.PTransform):
    """articles -> {"articles", "dead"}."""

    def expand(self, articles):
        out = articles | "EnrichArticle" >> beam.ParDo(EnrichFn()).with_outputs(DEAD, main="articles")
        return {"articles": out.articles, "dead": out[DEAD]}
