"""Extract: headlines for every input format, site chrome applied to dumps and HTML,
and the Beam stage wired to LearnSiteChrome."""
from __future__ import annotations

import pytest

from conftest import DATA, DEV, SEEDS, load_gold
from test_chrome import GAZETTE_CHROME, STORIES, gazette_documents
from transforms.dead_letters import Rejected
from transforms.extract import choose_headline, extract_article, extract_parts, story_paywall
from transforms.read import ReadLimits, make_document, read_records
from transforms.text.dump import normalise_line


def read_documents(path) -> list[dict]:
    return [make_document(str(path), number, record, fmt, compression)
            for number, record, fmt, compression in read_records(str(path), ReadLimits())]


def articles_with_gold():
    gold = {**load_gold(DEV), **load_gold(SEEDS)}
    paths = [DEV / f"dev0{n}.{ext}" for n, ext in ((1, "txt"), (2, "txt"), (3, "txt"), (4, "txt"), (5, "html"),
                                                      (6, "html"), (7, "html"), (8, "jsonl"), (9, "txt"))]
    for path in paths + [SEEDS / "000_870e9f19021f3a5b.txt"]:
        for doc in read_documents(path):
            yield pytest.param(doc, gold[(path.name, doc["source_record"])], id=f"{path.name}#{doc['source_record']}")


@pytest.mark.parametrize("doc,gold", articles_with_gold())
def test_headline_for_every_format(doc, gold):
    assert extract_article(doc)["headline"] == gold["headline"]


def test_jsonl_title_loses_its_site_suffix_but_html_headline_comes_first():
    parts = {"headline": None, "paragraphs": [], "captions": [], "meta": {}}
    title = "Irish housing completions hit record high | The Dublin Post"
    text_doc = {"content_type": "text", "meta": {"title": title}}
    assert choose_headline(text_doc, parts) == "Irish housing completions hit record high"
    html_doc = {**text_doc, "content_type": "html"}
    assert choose_headline(html_doc, {**parts, "headline": "The page's own headline"}) == "The page's own headline"
    assert choose_headline(html_doc, parts) == "Irish housing completions hit record high"
    assert choose_headline({"content_type": "text", "meta": {}}, {**parts, "headline": "Dump headline"}) \
        == "Dump headline"


def test_article_meta_names_the_site_and_keeps_container_fields():
    doc = read_documents(DEV / "dev08.jsonl")[0]
    meta = extract_article(doc)["meta"]
    assert meta["site"] == "reuters.com"
    assert meta["published"] == "2025-01-08T03:10:00Z"
    assert meta["chrome"] == ["Our Standards: The Thomson Reuters Trust Principles."]
    dump_meta = extract_article(read_documents(DEV / "dev02.txt")[0])["meta"]
    assert dump_meta["site"] == "dump:menu|world|u.s."
    assert dump_meta["bylines"] == ["By EVELYN MWANGI and DAVID OKORO"]


def test_site_chrome_applies_to_html_paragraphs():
    doc = read_documents(DEV / "dev07.html")[0]
    paragraphs = extract_parts(doc)["paragraphs"]
    repeated = paragraphs[1]
    parts = extract_parts(doc, frozenset([normalise_line(repeated)]))
    assert parts["paragraphs"] == paragraphs[:1] + paragraphs[2:]
    assert parts["meta"]["chrome"] == [repeated]


def test_too_little_text_is_rejected():
    doc = {**read_documents(DEV / "dev04.txt")[0], "content": "A headline here\n\nOne short sentence only."}
    with pytest.raises(Rejected) as rejected:
        extract_article(doc)
    assert rejected.value.reason == "not-an-article"


TEASER = ("Harbour dredging contract goes to Dutch firm after two-year tender\n\n"
          "The port authority has awarded a 90 million euro contract to deepen the harbour's main channel to a "
          "Dutch dredging company, ending a tender that ran for two years. Local firms said they had been shut out "
          "of the process by requirements that only the largest European contractors could meet.\n\n")


@pytest.mark.parametrize("notice,first_line", [
    ("Subscribe to continue reading", "Subscribe to continue reading"),
    ("This article is for subscribers only.\nAlready a subscriber? Log in", "This article is for subscribers only."),
    ("Unlock this article\nCreate a free account to keep reading", "Unlock this article"),
])
def test_paywalled_teaser_is_rejected(notice, first_line):
    doc = {**read_documents(DEV / "dev04.txt")[0], "content": TEASER + notice + "\n"}
    with pytest.raises(Rejected) as rejected:
        extract_article(doc)
    assert rejected.value.reason == "not-an-article"
    assert str(rejected.value) == f"paywall: {first_line!r} over 50 words of teaser"


def test_a_whole_story_with_a_subscribe_promo_is_no_paywall():
    """A short local story with a subscription box between its paragraphs, and a long
    story with a paywall notice below it, are articles."""
    local = {**read_documents(DEV / "dev04.txt")[0], "content": (DATA / "dumps" / "localpaper.txt").read_text()}
    assert extract_article(local)["headline"] == "Council votes to close two libraries despite protests"
    long_doc = read_documents(DEV / "dev02.txt")[0]
    long_doc = {**long_doc, "content": long_doc["content"] + "\n\nSubscribe to continue reading\n"}
    assert len(extract_article(long_doc)["paragraphs"]) == len(extract_article(read_documents(DEV / "dev02.txt")[0])
                                                                 ["paragraphs"])


def test_story_paywall_of_an_html_extract_is_its_last_paragraph():
    teaser = TEASER.split("\n\n")[1]
    assert story_paywall({"paragraphs": [teaser, "Unlock this article"], "meta": {}}) == "Unlock this article"
    assert story_paywall({"paragraphs": ["Unlock this article", teaser], "meta": {}}) is None
    assert story_paywall({"paragraphs": [teaser], "meta": {"paywall": "Subscribe to continue reading"}}) \
        == "Subscribe to continue reading"


def test_extract_articles_removes_what_the_site_repeats():
    """The Beam stage end to end: six pages of one site whose footer and promo the rules
    keep (see test_chrome) come out as their stories alone; the line found on one page
    and the one found on two stay."""
    import apache_beam as beam  # noqa: PLC0415 - keep collection fast
    from apache_beam.testing.test_pipeline import TestPipeline  # noqa: PLC0415
    from apache_beam.testing.util import assert_that, equal_to  # noqa: PLC0415

    from transforms.extract import ExtractArticles  # noqa: PLC0415

    with TestPipeline() as p:
        out = p | beam.Create(gazette_documents()) | ExtractArticles(min_body_words=20, site_chrome_min_docs=5,
                                                                     site_chrome_min_fraction=0.5)
        paragraphs = out["articles"] | beam.Map(lambda article: (article["headline"], article["paragraphs"]))
        assert_that(paragraphs, equal_to([(headline, body) for headline, body in STORIES]), label="Paragraphs")
        assert_that(out["dead"], equal_to([]), label="NoDeadLetters")


def test_a_story_repeated_across_a_site_is_not_taken_for_its_chrome():
    """Six near-copies of one story on one site: every story line is 'repeated', but
    learned chrome that would remove most of a document is the story, not a template."""
    doc = gazette_documents()[0]
    story_lines = frozenset(map(normalise_line, STORIES[0][1])) | GAZETTE_CHROME
    parts = extract_parts(doc, story_lines)
    assert parts["paragraphs"] == extract_parts(doc)["paragraphs"]
    assert parts["meta"]["site_chrome_skipped"] is True
    html = read_documents(DEV / "dev07.html")[0]
    html_parts = extract_parts(html)
    everything = frozenset(map(normalise_line, html_parts["paragraphs"]))
    assert extract_parts(html, everything)["paragraphs"] == html_parts["paragraphs"]
