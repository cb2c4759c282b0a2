"""Stage 2, extract: a raw document to an article's parts (headline, paragraphs,
captions, metadata candidates), with trafilatura for HTML and wirebeam's own rules for
plain-text page dumps. Lines that LearnSiteChrome found on many pages of the document's
site are taken out too."""
from __future__ import annotations

from collections.abc import Mapping

import apache_beam as beam

from transforms.chrome import LearnSiteChrome, site_key
from transforms.dead_letters import Rejected, SplitOutcomes, StageFn
from transforms.schema import empty_row
from transforms.text.dump import clean_text_dump, normalise_line, paywall_notice
from transforms.text.headline import strip_site_suffix
from transforms.text.html import extract_html

# Site chrome removing more than half of a document's words is no template (see extract_parts).
MAX_SITE_CHROME_SHARE = 0.5
# A paywalled page shows a teaser, a paragraph or two, above its paywall notice; a story
# this long is whole whatever notice follows it.
MAX_PAYWALL_TEASER_WORDS = 150
IDENTITY = ("doc_id", "source_uri", "source_record", "source_format", "source_encoding", "source_compression")


def _words(paragraphs) -> int:
    return sum(len(p.split()) for p in paragraphs)


def feed_parts(doc: dict) -> dict:
    """An agency feed item is already clean copy: its fields are the parts."""
    feed = doc["meta"]["feed"]
    return {"headline": feed["headline"], "paragraphs": list(feed["paragraphs"]), "captions": list(feed["captions"]),
            "meta": {}}


def extract_parts(doc: dict, site_chrome: frozenset = frozenset()) -> dict:
    """{"headline", "paragraphs", "captions", "meta"} of a document; for HTML, the
    extractor's paragraphs that are site chrome go to meta["chrome"].

    Learned site chrome is a site's template: a few lines per page. When it would take
    most of a story away, the "chrome" is the story itself, repeated on several pages of
    the site (a story re-published, near-duplicates), and the document keeps its text:
    meta["site_chrome_skipped"] says so."""
    if doc["content_type"] == "feed":
        return feed_parts(doc)
    if doc["content_type"] != "html":
        parts = clean_text_dump(doc["content"], site_chrome)
        if site_chrome:
            plain = clean_text_dump(doc["content"])
            if _words(parts["paragraphs"]) < MAX_SITE_CHROME_SHARE * _words(plain["paragraphs"]):
                return {**plain, "meta": {**plain["meta"], "site_chrome_skipped": True}}
        return parts
    parts = extract_html(doc["content"], (doc.get("meta") or {}).get("url"))
    if not site_chrome:
        return parts
    kept, removed = [], []
    for paragraph in parts["paragraphs"]:
        (removed if normalise_line(paragraph) in site_chrome else kept).append(paragraph)
    if _words(kept) < MAX_SITE_CHROME_SHARE * _words(parts["paragraphs"]):
        return {**parts, "meta": {**parts["meta"], "site_chrome_skipped": True}}
    meta = {**parts["meta"], "chrome": list(parts["meta"].get("chrome") or []) + removed}
    return {**parts, "paragraphs": kept, "meta": meta}


def story_paywall(parts: dict) -> str | None:
    """The paywall notice the story stops at: the dump cleaner's (a notice below the last
    paragraph), or the HTML extractor's last paragraph. A subscription promo between
    paragraphs stops nothing."""
    return parts["meta"].get("paywall") or paywall_notice(parts["paragraphs"][-1:])


def choose_headline(doc: dict, parts: dict) -> str | None:
    """For HTML, the page's own headline, else the container's title (a JSONL record's,
    without its " | Site" suffix); for text, that title, else the dump's headline line."""
    title = strip_site_suffix((doc.get("meta") or {}).get("title"), parts["meta"].get("sitename"))
    if doc["content_type"] == "html":
        return parts["headline"] or title
    return title or parts["headline"]


def extract_article(doc: dict, min_body_words: int = 40, chrome_by_site: Mapping | None = None) -> dict:
    """A read document to an article dict: the contract's columns that extraction
    knows, plus internal keys (``paragraphs``, ``meta``) for the later stages.
    ``chrome_by_site``: LearnSiteChrome's {site: normalised chrome lines}."""
    meta = dict(doc.get("meta") or {})
    site = site_key(doc)
    parts = extract_parts(doc, (chrome_by_site or {}).get(site, frozenset()))
    if parts["meta"].get("not_article"):
        raise Rejected("not-an-article", parts["meta"]["not_article"])
    words = _words(parts["paragraphs"])
    notice = story_paywall(parts)
    if notice is not None and words < MAX_PAYWALL_TEASER_WORDS:
        raise Rejected("not-an-article", f"paywall: {notice!r} over {words} words of teaser")
    if words < min_body_words:
        raise Rejected("not-an-article", f"{words} words of article text (minimum {min_body_words})")
    article = empty_row()
    article.update({key: doc[key] for key in IDENTITY})
    article["headline"] = choose_headline(doc, parts)
    article["captions"] = parts["captions"]
    article["paragraphs"] = parts["paragraphs"]
    article["meta"] = {**{k: v for k, v in parts["meta"].items() if v}, **meta, "site": site}
    article["url"] = article["meta"].get("url")
    if doc["content_type"] == "feed":
        feed = doc["meta"]["feed"]
        article["feed"] = {key: feed[key] for key in ("item_id", "version", "pub_status", "signals")}
    return article


class ExtractFn(StageFn):
    stage = "extract"

    def __init__(self, min_body_words: int):
        super().__init__()
        self._min_body_words = min_body_words
        self._chrome_by_site: Mapping | None = None

    def process(self, doc, chrome_by_site):
        # StageFn.process turns failures into dead letters around transform(doc); the
        # side input is the same for every element of the window.
        self._chrome_by_site = chrome_by_site
        yield from super().process(doc)

    def transform(self, doc):
        return extract_article(doc, self._min_body_words, self._chrome_by_site)


class ExtractArticles(beam.PTransform):
    """documents -> {"articles", "dead"}; LearnSiteChrome runs over the same documents
    and feeds the extractor as a side input. The input is the documents, or
    {"documents", "site_documents"}: the same documents read a second time for
    LearnSiteChrome (ReadDocumentsOnly), so that extraction runs as the documents are
    read instead of after a count that needs all of them."""

    def __init__(self, min_body_words: int = 40, site_chrome_min_docs: int = 5, site_chrome_min_fraction: float = 0.5):
        super().__init__()
        self._min_body_words = min_body_words
        self._learn_site_chrome = LearnSiteChrome(site_chrome_min_docs, site_chrome_min_fraction)

    def expand(self, inputs):
        documents, site_documents = (inputs["documents"], inputs["site_documents"]) if isinstance(inputs, dict) \
            else (inputs, inputs)
        site_chrome = site_documents | "LearnSiteChrome" >> self._learn_site_chrome
        return (
            documents
            | "ExtractArticle" >> beam.ParDo(ExtractFn(self._min_body_words), beam.pvalue.AsDict(site_chrome))
            | "Split" >> SplitOutcomes("articles")
        )
