"""Stage 3, enrich: credits, dateline, publication date, country and language of an
extracted article, and its final body."""
from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.dead_letters import SplitOutcomes, StageFn
from transforms.text.credits import byline_agency, extract_credits
from transforms.text.dateline import find_dateline
from transforms.text.dates import load_date_tables, publication_date
from transforms.text.language import article_language, detect_language
from transforms.text.places import Gazetteer, content_country, load_gazetteer

DATELINE_FIELDS = ("raw", "city", "country", "agency")   # the contract's struct; the rest stays internal


# Keys of an extracted article that enrich consumes and no later stage reads.
EXTRACTION_ONLY = frozenset({"paragraphs", "meta"})


def enrich_article(article: dict, gazetteer: Gazetteer) -> tuple[dict, list[str]]:
    """(article, problems): the article with its body, credits, dateline, date, country
    and language set, and the names of what could not be found ("date_unparsed"...)."""
    meta = article.get("meta") or {}
    problems = []

    # An agency feed's structured fields (see transforms/files/feeds.py) come first;
    # what they leave out is inferred from the copy as for any other article.
    feed = meta.get("feed") or {}
    credited = extract_credits(article.get("paragraphs"), meta.get("bylines"), meta.get("author"), meta.get("chrome"))
    paragraphs = credited["paragraphs"]
    article["paragraphs"] = paragraphs
    article["body"] = "\n\n".join(paragraphs)
    article["credits"] = merge_credits(feed.get("credits") or [], credited["credits"])

    found = find_dateline(paragraphs, gazetteer)
    dateline = found[1] if found else None
    if dateline and dateline["city"] and not dateline["agency"]:
        # "New Delhi:" on a page whose byline or author is "PTI" is a PTI dateline.
        dateline["agency"] = byline_agency(meta.get("bylines"), meta.get("author"), meta.get("chrome")) \
            or (feed.get("dateline") or {}).get("agency")
    if dateline is None and feed.get("dateline"):
        dateline = dict(feed["dateline"])
    article["dateline"] = {key: dateline.get(key) for key in DATELINE_FIELDS} if dateline else None

    date = publication_date(meta, dateline, article.get("captions"), article.get("url") or meta.get("url"))
    article["published_at"], article["date_source"] = date["published_at"], date["date_source"]
    # The partition date (transforms.schema.partition_values): the calendar date where the
    # story was published, which the UTC instant can put on the day before or after.
    article["local_date"] = date["local_date"]
    if feed and date["date_source"] == "metadata":
        article["date_source"] = "feed-metadata"
    if date["unparsed"]:
        problems.append("date_unparsed")
    if date["published_at"] is None:
        problems.append("date_missing")

    if dateline and dateline.get("country"):
        article["country"], article["country_source"] = dateline["country"], "dateline"
    elif feed.get("country"):
        article["country"], article["country_source"] = feed["country"], "feed-metadata"
    else:
        text = "\n\n".join(filter(None, [article.get("headline"), article["body"]]))
        country = content_country(gazetteer, text, article.get("url") or meta.get("url"))
        article["country"], article["country_source"] = country, ("content" if country else None)
    if article["country"] is None:
        problems.append("country_missing")

    article["language"] = feed.get("language") or \
        article_language(article["body"] or article.get("headline"), meta.get("language"))
    return article, problems


def merge_credits(*credit_lists) -> list[dict]:
    """Credits of several sources, each (role, person) once, first source first."""
    merged, seen = [], set()
    for credits in credit_lists:
        for credit in credits:
            key = (credit["role"], credit["name"].casefold())
            if key not in seen:
                seen.add(key)
                merged.append({"role": credit["role"], "name": credit["name"]})
    return merged


class EnrichFn(StageFn):
    stage = "enrich"

    def setup(self):
        # Every lookup table loads here, once per worker process (the loaders are cached).
        self._gazetteer = load_gazetteer()
        load_date_tables()
        detect_language("warm up the language model")

    def transform(self, article):
        article, problems = enrich_article(article, self._gazetteer)
        for problem in problems:
            Metrics.counter("wirebeam", f"{self.stage}.{problem}").inc()
        # Later stages need the body, not the extractor's paragraphs and page metadata:
        # every shuffle after this one carries each article, so it travels light.
        return {key: value for key, value in article.items() if key not in EXTRACTION_ONLY}


class EnrichArticles(beam.PTransform):
    """articles -> {"articles", "dead"}."""

    def expand(self, articles):
        return articles | "EnrichArticle" >> beam.ParDo(EnrichFn()) | "Split" >> SplitOutcomes("articles")
