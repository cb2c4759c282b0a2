"""LearnSiteChrome: lines repeated across one site's documents are learned as chrome;
a line found once never is."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.chrome import (ChromeLines, LearnSiteChrome, document_lines, html_block_texts, is_site_chrome, site_key,
                               site_and_lines)
from transforms.text.dump import clean_text_dump, normalise_line

# A fictional outlet's page template. Its footer and promo are sentences no rule can
# tell from a story's; only their repetition across the site's pages gives them away.
NAV = "Menu\nLocal\nPorts\nWeather\nOpinion\n"
FOOTER = "The Harbour Gazette has served the fishing towns of the east coast since 1887."
PROMO = "Our reporters are in the harbour towns every day, so you do not have to be."
ONCE = "The lifeboat crew has now been called out 41 times this year."
TWICE = "Fishermen have long complained that the harbour entrance is too narrow."
STORIES = [
    ("Ferry service to the islands suspended after storm damages pier",
     ["The ferry service to the outer islands has been suspended after Sunday's storm damaged the main pier, "
      "the harbour authority said on Monday.",
      "Engineers were inspecting the pier and repairs could take up to three weeks, harbour master Ellen Voss said.",
      "Islanders will be able to use a smaller boat for medical trips, the council said.", ONCE]),
    ("Fish market prices rise as boats stay in port",
     ["Prices at the fish market rose by a third last week as most boats stayed in port during the storm, "
      "traders said on Tuesday.",
      "Cod sold for 14 euros a kilo on Friday, up from 10 euros a week earlier, according to auction records.",
      TWICE, "Traders expect prices to fall once the weather improves."]),
    ("Council approves plan to widen the harbour entrance",
     ["The town council on Wednesday approved a plan to widen the harbour entrance by 20 metres, "
      "a project it says will make the port safer for larger vessels.",
      TWICE, "Work is due to start in the spring and cost about 12 million euros, the council said.",
      "Opposition councillors said the money would be better spent on housing."]),
    ("New lighthouse keeper cottage opens as museum",
     ["The former lighthouse keeper's cottage on the north pier opened as a museum on Thursday, "
      "after a three-year restoration paid for by local donations.",
      "The museum displays logbooks, lamps and photographs from more than a century of keepers.",
      "Volunteers will run the museum on weekends until the end of October, organisers said."]),
    ("School sailing club wins national championship",
     ["The secondary school sailing club won the national youth championship on Saturday, "
      "beating 30 teams in three days of racing off the south coast.",
      "Coach Martin Ries said the team had trained twice a week through the winter.",
      "The club now hopes to send two crews to the European championship in July."]),
    ("Harbour wall repairs delayed by contractor dispute",
     ["Repairs to the harbour wall have been delayed by at least two months because of a payment dispute "
      "with the contractor, the harbour authority said on Friday.",
      "The authority said it had withheld part of the payment after inspectors found defects in the new concrete.",
      "The contractor said the defects were minor and had already been fixed."]),
]


def gazette_dump(headline: str, paragraphs: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    return f"{NAV}\n{headline}\n\nBy Gazette Staff\nUpdated 9:30 AM, March 4, 2025\n\n{body}\n\n{PROMO}\n\n{FOOTER}\n"


def gazette_documents() -> list[dict]:
    return [{"doc_id": f"gazette-{n}", "source_uri": f"/landing/gazette-{n}.txt", "source_record": 0,
             "source_format": "text", "source_encoding": "utf-8", "source_compression": None,
             "content": gazette_dump(headline, paragraphs), "content_type": "text", "meta": {}}
            for n, (headline, paragraphs) in enumerate(STORIES)]


GAZETTE = site_key(gazette_documents()[0])
# What the pass learns from the six pages: the template's lines, nothing of the stories.
GAZETTE_CHROME = frozenset({"menu", "local", "ports", "weather", "opinion", "by gazette staff",
                            "updated 9:30 am, march 4, 2025", PROMO.casefold(), FOOTER.casefold()})


def test_rules_alone_keep_the_template_sentences():
    """Why the corpus-level pass exists: footer and promo read as story sentences."""
    paragraphs = clean_text_dump(gazette_documents()[0]["content"])["paragraphs"]
    assert PROMO in paragraphs and FOOTER in paragraphs


def small_site_documents() -> list[dict]:
    """Four pages of another site sharing a footer: fewer than min_docs."""
    template = "Home\nNews\nSport\nCulture\n\n{}\n\nThe Valley Echo is owned by its readers and has been since 1921.\n"
    return [{**doc, "doc_id": f"echo-{n}", "content": template.format(doc["content"])}
            for n, doc in enumerate(gazette_documents()[:4])]


def test_learn_site_chrome_finds_template_lines_only():
    """Six pages of one site: its template lines, none of its stories' lines (not the
    one on one page, not the one on two). Four pages of another: nothing."""
    from apache_beam.testing.test_pipeline import TestPipeline  # noqa: PLC0415 - keep collection fast
    from apache_beam.testing.util import assert_that, equal_to  # noqa: PLC0415
    import apache_beam as beam  # noqa: PLC0415

    assert site_key(small_site_documents()[0]) not in (None, GAZETTE)
    with TestPipeline() as p:
        documents = p | beam.Create(gazette_documents() + small_site_documents())
        learned = documents | LearnSiteChrome(min_docs=5, min_fraction=0.5)
        assert_that(learned, equal_to([(GAZETTE, ChromeLines.of(GAZETTE_CHROME))]))


def test_chrome_lines_answer_for_the_lines_they_were_made_of():
    chrome = ChromeLines.of(GAZETTE_CHROME)
    assert len(chrome) == len(GAZETTE_CHROME)
    assert all(line in chrome for line in GAZETTE_CHROME)
    assert not any(line in chrome for _, paragraphs in STORIES for line in map(normalise_line, paragraphs))
    assert None not in chrome and chrome != frozenset(GAZETTE_CHROME)


def test_site_chrome_leaves_the_stories_whole():
    for doc, (_, paragraphs) in zip(gazette_documents(), STORIES):
        assert clean_text_dump(doc["content"], GAZETTE_CHROME)["paragraphs"] == paragraphs


@pytest.mark.parametrize("count,site_documents,expected", [
    (5, 6, True), (4, 6, False), (5, 10, True), (5, 11, False), (20, 100, False), (60, 100, True),
])
def test_is_site_chrome_needs_both_thresholds(count, site_documents, expected):
    assert is_site_chrome(count, site_documents, min_docs=5, min_fraction=0.5) is expected


def test_one_page_is_never_enough():
    with pytest.raises(ValueError):
        LearnSiteChrome(min_docs=1)
    with pytest.raises(ValueError):
        LearnSiteChrome(min_docs=5, min_fraction=0)


def test_site_key_from_url_host_or_dump_template():
    assert site_key({"meta": {"url": "https://www.reuters.com/markets/asia/x/"}, "content_type": "text"}) \
        == "reuters.com"
    assert site_key({"meta": {"url": "https://m.dublinpost.ie/property"}, "content_type": "html"}) == "dublinpost.ie"
    assert GAZETTE == "dump:menu|local|ports"
    yahoo = "Headline of the story here\n\n  • Oops!\n    Something went wrong.\n    Please try again later.\n"
    assert site_key({"meta": {}, "content_type": "text", "content": yahoo}) \
        == "dump:oops!|something went wrong.|please try again later."
    bare = "Headline of the story here\n\nLONDON (Reuters) - The story starts here and goes on.\n"
    assert site_key({"meta": {}, "content_type": "text", "content": bare}) is None
    assert site_key({"meta": {}, "content_type": "html", "content": "<p>x</p>"}) is None
    assert site_key({"meta": {"url": "http://[broken"}, "content_type": "html", "content": ""}) is None


def test_html_block_texts_join_inline_elements_and_skip_scripts():
    html = ("<html><head><title>T</title><style>p{}</style></head><body><nav><a href='/'>Home</a></nav>"
            "<p>Sign up for <a href='/n'>our newsletter</a> &amp; more.</p><script>var x = 1;</script>"
            "<div>Footer<br>line two</div></body></html>")
    assert html_block_texts(html) == ["Home", "Sign up for our newsletter & more.", "Footer", "line two"]


def test_document_lines_are_distinct_normalised_lines():
    doc = {"content_type": "text", "content": "Share\r\n\r\n• Share\r\nA line.\r\n  A   line.  \r\n"}
    assert document_lines(doc) == frozenset({"share", "a line."})
    assert list(site_and_lines({"meta": {}, "content_type": "text", "content": "x"})) == []


_MARKUP = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(
    ["<p>", "</p>", "<div>", "<br>", "<script>", "</script>", "<a href='x'>", "</a>", "&amp;", "&#x", "<!--", "-->",
     "<", ">", "\n", "\r\n", "Share", "© 2025 X"])), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(_MARKUP, st.sampled_from(["text", "html"]),
       st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["http://[", "https://x.org/a", "://x"])))
def test_site_key_and_document_lines_never_raise(content, content_type, url):
    doc = {"content": content, "content_type": content_type, "meta": {"url": url}}
    key = site_key(doc)
    assert key is None or isinstance(key, str) and key
    lines = document_lines(doc)
    assert all(line and line == line.strip() and len(line) <= 1000 for line in lines)
