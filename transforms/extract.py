"""Stage 2, extract: a raw document to an article's parts (headline, paragraphs,
captions, metadata candidates), with trafilatura for HTML and wirebeam's own rules for
plain-text page dumps."""
from __future__ import annotations

import apache_beam as beam

from transforms.dead_letters import DEAD, Rejected, StageFn
from transforms.schema import empty_row
from transforms.text.dump import clean_text_dump
from transforms.text.html import extract_html

IDENTITY = ("doc_id", "source_uri", "source_record", "source_format", "source_encoding", "source_compression")


def extract_article(doc: dict, min_body_words: int = 40) -> dict:
    """A read document to an article dict: the contract's columns that extraction
    knows, plus internal keys (``paragraphs``, ``meta``) for the later stages."""
    meta = dict(doc.get("meta") or {})
    if doc["content_type"] == "html":
        parts = extract_html(doc["content"], meta.get("url"))
    else:
        parts = clean_text_dump(doc["content"])
    words = sum(len(p.split()) for p in parts["paragraphs"])
    if words < min_body_words:
        raise Rejected("not-an-article", f"{words} words of article text (minimum {min_body_words})")
    article = empty_row()
    article.update({key: doc[key] for key in IDENTITY})
    article["headline"] = meta.get("title") or parts["headline"]
    article["captions"] = parts["captions"]
    article["paragraphs"] = parts["paragraphs"]
    article["meta"] = {**{k: v for k, v in parts["meta"].items() if v}, **meta}
    article["url"] = article["meta"].get("url")
    return article


class ExtractFn(StageFn):
    stage = "extract"

    def __init__(self, min_body_words: int):
        super().__init__()
        self._min_body_words = min_body_words

    def transform(self, doc):
        return extract_article(doc, self._min_body_words)


class ExtractArticles(beam.PTransform):
    """documents -> {"articles", "dead"}."""

    def __init__(self, min_body_words: int = 40):
        super().__init__()
        self._min_body_words = min_body_words

    def expand(self, documents):
        out = documents | "ExtractArticle" >> beam.ParDo(ExtractFn(self._min_body_words)).with_outputs(
            DEAD, main="articles")
        return {"articles": out.articles, "dead": out[DEAD]}
