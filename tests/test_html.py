"""HTML pages to article parts: the dev corpus's pages against their gold, the chrome
and metadata rules on small pages written for them, pages that are no article, and
markup that must not break the extractor."""
from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEV, load_gold
from transforms.text.html import extract_html

GOLD = load_gold(DEV)
# Credit lines stay in the paragraphs: enrich parses and removes them.
CREDIT_LINES = {
    "dev05.html": ["Associated Press writer Carlos Mendoza in Toluca, Mexico, contributed to this report."],
    "dev06.html": [],
    "dev07.html": ["Associated Press writer Naledi Zulu in Cape Town, South Africa, contributed to this report."],
    "dev08.jsonl": [],
}
EXPECTED_META = {
    "dev05.html": {"published": "2025-02-11T19:42:06Z", "modified": "2025-02-11T21:05:13Z",
                   "author": "Lucía Herrera; Mark Stevens", "sitename": "AP News", "language": "en",
                   "pagetype": "NewsArticle", "bylines": ["By LUCÍA HERRERA and MARK STEVENS"],
                   "description": "Mexico City extends water rationing to 300 more neighborhoods.",
                   "title": "Mexico City extends water cuts as main reservoir system falls to record low | AP News"},
    "dev06.html": {"published": "2024-11-19T07:00:00Z", "modified": "2024-11-19T09:41:12Z",
                   "author": "Harriet Lowe", "language": "en", "bylines": ["By Harriet Lowe"],
                   "description": "Local Government Association says one in four councils could issue section 114 "
                                  "notices within two years without emergency funding",
                   "title": "Councils in England warn of wave of effective bankruptcies as care costs soar | "
                            "Local government | The Guardian"},
    # No date anywhere on the page: none is invented.
    "dev07.html": {"sitename": "The Harlan Valley Courier", "language": "en", "pagetype": "article",
                   "bylines": ["By THABO MOKOENA Associated Press"],
                   "title": "South Africa's Eskom brings back rolling blackouts after breakdowns at coal plants - "
                            "The Harlan Valley Courier"},
    "dev08.jsonl": {"url": "https://www.dublinpost.ie/property/housing-completions-2024",
                    "bylines": ["By Aoife Brennan, Property Editor"],
                    "title": "Irish housing completions hit highest level in more than a decade | The Dublin Post"},
}
STORY = ("The council said the new parking rules would take effect next month after a final vote on Tuesday.",
         "Residents who objected will be able to appeal the decision within 30 days, officials said.",
         "The mayor said the rules were needed to keep buses moving through the town centre at rush hour.")


def dev_page(name: str) -> tuple[str, str | None, dict]:
    """(html, url, gold) of a dev HTML case; dev08.jsonl's is record 2's "html" field."""
    if name == "dev08.jsonl":
        record = json.loads((DEV / name).read_text(encoding="utf-8").splitlines()[2])
        return record["html"], record["url"], GOLD[(name, 2)]
    return (DEV / name).read_text(encoding="utf-8"), None, GOLD[(name, 0)]


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


@pytest.mark.parametrize("name", list(CREDIT_LINES))
def test_dev_page_matches_its_gold(name):
    html, url, gold = dev_page(name)
    parts = extract_html(html, url)
    assert parts["headline"] == gold["headline"]
    assert parts["captions"] == gold["captions"]
    assert parts["paragraphs"] == gold["body"].split("\n\n") + CREDIT_LINES[name]
    assert parts["meta"] == EXPECTED_META[name]


@pytest.mark.parametrize("name", list(CREDIT_LINES))
def test_dev_page_chrome_stays_out_of_body_and_headline(name):
    html, url, gold = dev_page(name)
    parts = extract_html(html, url)
    body = "\n\n".join(parts["paragraphs"])
    lines = set(parts["paragraphs"]) | {parts["headline"]}
    for chrome in gold["body_must_exclude"]:
        if any(chrome in credit for credit in CREDIT_LINES[name]):
            continue
        # The scorer's rule: a long string leaks anywhere, a short one as a whole line.
        assert (chrome not in body and chrome not in parts["headline"]) if len(chrome) >= 20 else chrome not in lines


def test_dev_index_page_is_no_article():
    parts = extract_html((DEV / "dev12.html").read_text(encoding="utf-8"))
    assert parts["paragraphs"] == []
    assert parts["meta"]["not_article"] == "index-page: 20 headline links, at most 1 prose paragraph in a row"
    assert "published" not in parts["meta"]


def test_teaser_card_page_declared_a_collection_is_no_article():
    cards = "".join(
        f"<article class='card'><div class='card__meta'>Posted {n + 1} March 2025</div>"
        f"<h2><a href='/s/{n}'>Story number {n} about the regional water shortage</a></h2>"
        f"<p>A summary of story {n}, long enough to read as a sentence of prose for the teaser.</p></article>"
        for n in range(10))
    head = ("<meta property='og:type' content='website'>"
            "<script type='application/ld+json'>{\"@type\": \"CollectionPage\"}</script>")
    parts = extract_html(page(f"<main><h1>Water</h1>{cards}</main>", head))
    assert parts["paragraphs"] == []
    assert parts["meta"]["not_article"] == "index-page: 10 headline links, at most 1 prose paragraph in a row"
    # The first teaser's stamp sits where an article's would: an index page has none.
    assert "date_lines" not in parts["meta"]


def test_short_article_with_a_list_of_links_is_still_an_article():
    links = "".join(f"<li><a href='/s/{n}'>Another story number {n} from the town hall</a></li>" for n in range(12))
    parts = extract_html(page(f"<article><h1>Town votes on parking rules</h1>{paragraphs(*STORY)}</article>"
                              f"<div><h3>More news</h3><ul>{links}</ul></div>"))
    assert parts["paragraphs"] == list(STORY)
    assert "not_article" not in parts["meta"]


def test_app_shell_without_story_text_is_no_article():
    head = "<title>Floods force thousands from their homes | NewsNow</title><meta property='og:type' content='article'>"
    shell = "<noscript>You need to enable JavaScript to run this app.</noscript><div id='root'></div>"
    parts = extract_html(page(shell, head))
    assert parts["paragraphs"] == []
    assert parts["meta"]["not_article"] == "no-text: no story text on the page"


def test_html_without_body_element():
    html = ("<title>Town votes on new parking rules | The Courier</title>"
            "<h1>Town votes on new parking rules</h1>" + paragraphs(*STORY))
    parts = extract_html(html)
    assert parts["headline"] == "Town votes on new parking rules"
    assert parts["paragraphs"] == list(STORY)
    assert extract_html("<html><head><title>Only a title here</title></head></html>")["paragraphs"] == []


def test_subheadings_furniture_lines_and_symbols_are_dropped():
    body = ("<article><h1>Town votes on parking rules</h1>" + paragraphs(STORY[0]) + "<h2>What happens next</h2>"
            + paragraphs("Advertisement", "Related: Town council delays bus lane plan", STORY[1], "___",
                         "© 2025 The Courier. All rights reserved.", STORY[2]) + "</article>")
    assert extract_html(page(body))["paragraphs"] == list(STORY)


def test_line_breaks_split_paragraphs_and_list_items_are_paragraphs():
    body = (f"<article><h1>Town votes on parking rules</h1><p>{STORY[0]}<br><br>{STORY[1]}</p>"
            "<ul><li>Parking costs 2 pounds an hour in the centre.</li>"
            "<li>Residents get two free permits each year.</li></ul>" + paragraphs(STORY[2]) + "</article>")
    assert extract_html(page(body))["paragraphs"] == [
        STORY[0], STORY[1], "Parking costs 2 pounds an hour in the centre.",
        "Residents get two free permits each year.", STORY[2]]


def test_named_chrome_goes_and_captions_are_kept_apart():
    body = ("<article><h1>Town votes on parking rules</h1>"
            "<p class='article__standfirst'>The vote ends a year of argument over the town centre.</p>"
            "<figure><img src='a.jpg'><figcaption><span class='visually-hidden'>Image caption,</span>"
            "Cars parked on the High Street. Photograph: Jane Roe</figcaption></figure>"
            + paragraphs(STORY[0])
            + "<div class='NewsletterSignup'><p>Sign up for our morning briefing, sent every weekday.</p></div>"
            + paragraphs(STORY[1])
            + "<aside class='pullQuote'><blockquote>The rules were needed to keep buses moving</blockquote></aside>"
            + "<div class='ProPromo-container'><p>Don't miss these insights from our investing desk.</p></div>"
            + paragraphs(STORY[2]) + "</article>")
    parts = extract_html(page(body))
    assert parts["paragraphs"] == list(STORY)
    assert parts["captions"] == ["Cars parked on the High Street. Photograph: Jane Roe"]


def test_caption_roles_and_summary_boxes():
    body = ("<article><h1>Town votes on parking rules</h1>"
            "<div class='summary__summary'><h2>Summary</h2><ul><li>Council backs new parking charges</li>"
            "<li>Residents can appeal within 30 days</li></ul></div>"
            "<div class='wp-caption'><img src='a.jpg'><p class='wp-caption-text'>The High Street at rush hour.</p></div>"
            + paragraphs(STORY[0], STORY[1])
            + "<div class='InlineVideo-wrapper'><span class='InlineVideo-videoTitle'>Mayor explains the new rules</span>"
              "</div>" + paragraphs(STORY[2]) + "</article>")
    parts = extract_html(page(body))
    assert parts["paragraphs"] == list(STORY)
    assert parts["captions"] == ["The High Street at rush hour.", "Mayor explains the new rules"]


def test_membership_and_donation_boxes_go_by_name_and_by_shape():
    named = ("<div class='membership-box'><p class='membership-box__title'>Keep local news alive</p>"
             "<p>Our reporting is paid for by readers like you. Members read every story without ads.</p>"
             "<a href='/join'>Become a member</a><span>Cancel anytime</span></div>")
    unnamed = ("<div class='box-17'><h3>Before you go</h3><p>We rely on readers to fund our newsroom. "
               "Every gift, however small, keeps our journalism free for everyone.</p>"
               "<a class='btn' href='/give'>Donate now</a></div>")
    body = f"<article><h1>Town votes on parking rules</h1>{paragraphs(STORY[0])}{named}{paragraphs(STORY[1])}" \
           f"{unnamed}{paragraphs(STORY[2])}</article>"
    assert extract_html(page(body))["paragraphs"] == list(STORY)


def test_messaging_channel_and_follow_promos_go():
    whatsapp = "The council will post road closures on its WhatsApp channel every morning, officials said."
    promos = paragraphs("<em><a href='/wa'>Join The Courier's WhatsApp Channel</a> and get the day's top stories.</em>",
                        "Follow us on Google News", "Get breaking news alerts on our Telegram channel")
    body = f"<article><h1>Town votes on parking rules</h1>{paragraphs(*STORY, whatsapp)}{promos}</article>"
    assert extract_html(page(body))["paragraphs"] == [*STORY, whatsapp]


def test_caption_controls_labels_and_credit_boxes_are_not_caption_text():
    folding = ("<div class='credit-caption'><div class='caption-wrap'><div class='caption'>"
               "<p>Buses queue on the High Street at rush hour. <b class='hide-caption'><b>hide caption</b></b></p>"
               "</div></div><span class='credit'>Jane Roe/Courier</span></div>"
               "<b class='toggle-caption'><b>toggle caption</b></b><button>enlarge this image</button>")
    labelled = ("<figure><img src='a.jpg'><figcaption><span class='label'>Photo:</span> "
                "The town hall. (Courier: Ann Lee)</figcaption></figure>")
    body = (f"<article><h1>Town votes on parking rules</h1><div class='storytext'>{paragraphs(STORY[0])}{folding}"
            f"{paragraphs(STORY[1])}{labelled}{paragraphs(STORY[2])}</div></article>")
    parts = extract_html(page(body))
    assert parts["captions"] == ["Buses queue on the High Street at rush hour.", "The town hall. (Courier: Ann Lee)"]
    assert parts["paragraphs"] == list(STORY)


LAYOUT_LEAD = "LEEDS (Reuters) - " + STORY[0]
LAYOUT_RUN = ("The transport committee said 14 streets in the centre would get pay-and-display bays before summer.",
              "Shopkeepers on Briggate said they feared losing trade to the retail park on the ring road.")


def old_layout_page(story: str, table: bool) -> str:
    """A small paper's page of the 2000s: no <h1>, no <p> in the story, a top bar, a
    motto, a menu, a ticker, a heading row, the article's info rows, a weather box and
    tags, one a row of a layout table or one a bare <div>."""
    opening, closing = ("<tr><td>", "</td></tr>") if table else ("<div>", "</div>")
    top = "".join(f"{opening}{text}{closing}" for text in (
        "Leeds, West Yorkshire | <a href='/ads'>Advertise</a> | <a href='/contact'>Contact</a>",
        "<img src='/logo.gif' alt='The Aire Gazette'><div>Your town, your paper, since 1921</div>",
        "<a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a>",
        "<b>Latest:</b> <marquee>Bypass reopens ... Library hours cut ...</marquee>"))
    article = "".join(f"{opening}{text}{closing}" for text in (
        "Town votes on new parking rules <a href='?format=pdf'>PDF</a> <a href='?print=1'>Print</a>",
        "Written by Reuters", "Published on Friday, 14 March 2025", "Font size: <a>A-</a> <a>A+</a> | Hits: 311",
        story, "Tags: <a>parking</a>, <a>council</a>"))
    side = "".join(f"{opening}{text}{closing}" for text in (
        "<h3>Weather</h3><div>Leeds: 9°C, Showers</div>", "&copy; 2001-2025 The Aire Gazette"))
    layout = (f"<table width='960'>{top}{article}{side}</table>" if table
              else f"<div id='page'>{top}<div class='main'>{article}</div>{side}</div>")
    return page(layout, "<title>Town votes on new parking rules - The Aire Gazette</title>")


@pytest.mark.parametrize("table", [True, False])
@pytest.mark.parametrize("story", [
    f"<div><div>{LAYOUT_LEAD}</div><div>{STORY[1]}</div>{LAYOUT_RUN[0]}<br><br>{LAYOUT_RUN[1]}<br><br>"
    f"<div>{STORY[2]}</div></div>",
    f"<div>{LAYOUT_LEAD}<br><br>{STORY[1]}<br><br>{LAYOUT_RUN[0]}<br><br>{LAYOUT_RUN[1]}<br><br>{STORY[2]}</div>",
])
def test_old_layout_story_is_found_by_its_prose_not_the_first_block(story, table):
    parts = extract_html(old_layout_page(story, table))
    assert parts["headline"] == "Town votes on new parking rules"
    assert parts["paragraphs"] == [LAYOUT_LEAD, STORY[1], *LAYOUT_RUN, STORY[2]]
    assert parts["meta"]["date_lines"] == ["Published on Friday, 14 March 2025"]


def test_pull_quote_repeating_the_story_goes_whatever_its_class():
    quote = "We will not go back to the dark days of the old car park"
    body = ("<article><h1>Town votes on parking rules</h1>" + paragraphs(STORY[0], f"“{quote},” the mayor said.")
            + f"<blockquote><p>{quote}</p><footer>Mayor Ann Cole</footer></blockquote>"
            + paragraphs(STORY[1], STORY[2]) + "</article>")
    assert extract_html(page(body))["paragraphs"] == [STORY[0], f"“{quote},” the mayor said.", *STORY[1:]]


def test_header_time_after_a_standfirst_gives_published_and_a_date_line():
    header = ("<header class='article-header'><h1>Town votes on parking rules</h1>"
              "<p class='hero__excerpt'>The vote ends a year of argument over the town centre and its buses.</p>"
              "<p class='meta'>By <a href='/a/jane-roe'>Jane Roe</a></p>"
              "<p class='meta'><time datetime='2025-03-12T04:01:00+01:00'>March 12, 2025 4:01 am CET</time></p>"
              "</header>")
    meta = extract_html(page(f"<article>{header}<div class='content'>{paragraphs(*STORY)}</div></article>"))["meta"]
    assert meta["published"] == "2025-03-12T04:01:00+01:00"
    assert meta["date_lines"] == ["March 12, 2025 4:01 am CET"]


@pytest.mark.parametrize("stamp,date_lines", [
    ("<div class='timestamp'><span>Posted Wed 5 Mar 2025 at 9:12am</span>, "
     "<span>updated Wed 5 Mar 2025 at 11:40am</span></div>",
     ["Posted Wed 5 Mar 2025 at 9:12am, updated Wed 5 Mar 2025 at 11:40am"]),
    ("<div class='publication-date'><time>Updated: 07/03/2025 - 09:15</time></div>",
     ["Updated: 07/03/2025 - 09:15"]),
    ("<div class='header-time'><time datetime='2025-03-07T13:02:00+0000'>Published Fri, Mar 7 2025 8:02 AM EST</time>"
     "<span></span><time datetime='2025-03-07T15:45:00+0000'>Updated Fri, Mar 7 2025 10:45 AM EST</time></div>",
     ["Published Fri, Mar 7 2025 8:02 AM EST", "Updated Fri, Mar 7 2025 10:45 AM EST"]),
    ("<div class='article-meta'>By Jane Roe | Published 7 March 2025</div>", ["By Jane Roe | Published 7 March 2025"]),
    ("<div class='post-info'><p>Publicado el 7 de marzo de 2025</p></div>", ["Publicado el 7 de marzo de 2025"]),
])
def test_visible_stamps_in_the_header_are_date_lines(stamp, date_lines):
    # A standfirst outside the story's container comes before the stamp.
    body = ("<article><h1>Town votes on parking rules</h1>"
            "<p class='article-intro'>The vote ends a year of argument over the town centre and its buses.</p>"
            f"<div class='contributors'>By Staff with AFP</div>{stamp}"
            f"<div class='article-content'>{paragraphs(*STORY)}</div></article>")
    assert extract_html(page(body))["meta"]["date_lines"] == date_lines


def test_no_date_is_invented():
    top = "<div class='top-bar'>Friday, March 7, 2025 | <a href='/e-paper'>E-paper</a></div>"
    byline = ("<div class='byline'>By Jane Roe <time class='entry-updated' datetime='2025-03-08'>March 8, 2025</time>"
              " <span>Updated <time datetime='2025-03-08T10:00:00Z'>March 8, 2025, 10:00</time></span>"
              " <time class='rel'>3 hrs ago</time></div>")
    related = ("<ul class='more'><li><a href='/x'>An older story on the same topic</a> Published March 1, 2025</li>"
               "</ul>"
               "<aside><p>Posted 2 March 2025</p><a href='/y'>Another older story</a></aside>")
    after_story = ("<div class='comments'><p>Posted March 9, 2025 by a reader</p><p>Great news for the town.</p></div>"
                   "<p>© 2006-2025 The Courier</p>")
    meta = extract_html(page(f"{top}<article><h1>Town votes on parking rules</h1>{byline}{related}"
                             f"{paragraphs(*STORY)}{after_story}</article>"))["meta"]
    assert "published" not in meta and "modified" not in meta and "date_lines" not in meta


def test_bylines_as_shown():
    body = ("<article><h1>Town votes on parking rules</h1>"
            "<div class='Author-authorNameAndSocial'><a>Natasha Turak</a><a>@NatashaTurak</a></div>"
            + paragraphs(*STORY)
            + "<form class='subscribe'><p>By signing up, you agree to our Privacy Policy</p></form></article>")
    assert extract_html(page(body))["meta"]["bylines"] == ["By Natasha Turak"]


def test_headline_is_the_h1_a_declared_title_confirms():
    head = ("<title>Town votes on parking rules | The Courier</title>"
            "<meta property='og:title' content='Town votes on parking rules'>")
    body = (f"<header><h1>The Courier</h1></header>"
            f"<article><h1>Town votes on parking rules</h1>{paragraphs(*STORY)}</article>")
    assert extract_html(page(body, head))["headline"] == "Town votes on parking rules"


@pytest.mark.parametrize("opening,closing", [("<div>", "</div>"), ("<b>", "</b>"),
                                             ("<table><tr><td>", "</td></tr></table>"), ("<div><span><p>", "")])
def test_markup_nested_100000_levels_deep_returns_quickly(opening, closing):
    html = "<html><body>" + opening * 100_000 + paragraphs(*STORY) + closing * 100_000 + "</body></html>"
    start = time.perf_counter()
    parts = extract_html(html)
    # libxml2 stops nesting at depth 256; about a second here, far less than a hang.
    assert time.perf_counter() - start < 10
    assert parts["paragraphs"] == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parts = extract_html(text)
    assert set(parts) == {"headline", "paragraphs", "captions", "meta"}


TAGS = ["html", "head", "body", "title", "meta", "script", "article", "main", "div", "p", "h1", "h2", "a", "br",
        "figure", "figcaption", "aside", "blockquote", "ul", "li", "table", "tr", "td", "time", "noscript"]
ATTRIBUTES = ["", " class='byline'", " class='caption'", " class='newsletter'", " datetime='2025-01-02'",
              " type='application/ld+json'", " property='og:type' content='website'", " hidden", " lang='en-GB'"]
markup = st.lists(st.one_of(
    st.builds("<{}{}>".format, st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES)),
    st.builds("</{}>".format, st.sampled_from(TAGS)),
    st.sampled_from(["By Jane Doe", "{\"@type\": \"NewsArticle\", \"author\": [[{}]]}", "&ldquo;", "&#0;", "<!--",
                     "]]>", "<?xml version='1.0' encoding='latin-1'?>", "\x00", "___", STORY[0]]),
    st.text(max_size=40)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup)
def test_near_html_never_raises(html):
    parts = extract_html(html)
    assert all(p and p == p.strip() for p in parts["paragraphs"])
    assert isinstance(parts["captions"], list) and isinstance(parts["meta"], dict)
