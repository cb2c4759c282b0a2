"""Plain-text page dumps: the dev corpus's dumps against their gold, dumps written in
other outlets' styles (tests/data/dumps/), and properties that hold for any input."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, DEV, SEEDS, load_gold
from transforms.files.formats import decode
from transforms.text.dump import (BYLINE, CAPTION, CHROME, COPYRIGHT, CREDIT, DATE, PROSE, SEPARATOR, SHORT,
                                  caption_text, clean_text_dump, leading_chrome, line_kind, normalise_line)

DUMPS = DATA / "dumps"
DEV_DUMPS = ["dev01.txt", "dev02.txt", "dev03.txt", "dev04.txt", "dev09.txt"]
SEED = SEEDS / "000_870e9f19021f3a5b.txt"
# The credit line each dev dump ends its story with: it stays for enrich to parse.
DEV_CREDIT_LINES = {
    "dev01.txt": ["(Reporting by Tom Verhaegen and Ines Carvalho; Editing by Edmund Hardwick)"],
    "dev02.txt": ["Associated Press writer Samuel Otieno in Kampala, Uganda, contributed to this report."],
    "dev03.txt": ["Reporting by Mariko Tanabe; Additional reporting by Satoshi Kudo; Writing by Daniel Prestwick; "
                  "Editing by Sonali Mehra"],
    "dev04.txt": [],
    "dev09.txt": ["Associated Press writer Lina Cárdenas in Popayán, Colombia, contributed to this report."],
    SEED.name: ["(Reporting by Doina Chiacu, Simon Lewis and David Brunnstrom; Editing by Frances Kerry and "
                "Howard Goller)"],
}


def read_text(path: Path) -> str:
    return decode(path.read_bytes()).text


def whole_line_or_substring(chrome: str, text: str) -> bool:
    """The scorer's leak test: a long string anywhere, a short one as a whole line."""
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    if len(chrome) >= 20:
        return squash(chrome) in squash(text)
    return chrome in {squash(line) for line in text.splitlines()}


def gold_cases():
    gold = {**load_gold(DEV), **load_gold(SEEDS)}
    return [pytest.param((DEV / name) if name != SEED.name else SEED, gold[(name, 0)], id=name)
            for name in DEV_DUMPS + [SEED.name]]


@pytest.mark.parametrize("path,gold", gold_cases())
def test_dev_dump_matches_gold(path, gold):
    out = clean_text_dump(read_text(path))
    credits = DEV_CREDIT_LINES[path.name]
    assert out["headline"] == gold["headline"]
    assert out["paragraphs"] == gold["body"].split("\n\n") + credits
    assert out["captions"] == gold["captions"]
    body = "\n\n".join(out["paragraphs"][: len(out["paragraphs"]) - len(credits)])
    for chrome in gold["body_must_exclude"]:
        assert not whole_line_or_substring(chrome, body + "\n" + out["headline"]), chrome


def test_dev_dump_meta_keeps_bylines_and_date_lines():
    ap = clean_text_dump(read_text(DEV / "dev02.txt"))["meta"]
    assert ap["bylines"] == ["By EVELYN MWANGI and DAVID OKORO"]
    assert "Updated 3:14 PM GMT+1, March 4, 2025" in ap["date_lines"]
    assert ap["chrome"][:3] == ["Menu", "World", "U.S."]
    assert ap["chrome"][-1] == "Copyright 2025 The Associated Press. All Rights Reserved."
    assert "Mwangi covers East Africa for The Associated Press from Nairobi." in ap["chrome"]
    assert "___" in ap["chrome"]
    reuters = clean_text_dump(read_text(DEV / "dev03.txt"))["meta"]
    assert reuters["bylines"] == ["By Mariko Tanabe"]
    assert reuters["date_lines"] == ["3 minute read", "March 5, 20259:12 AM GMTUpdated 2 hours ago"]
    assert clean_text_dump(read_text(DEV / "dev04.txt"))["meta"]["bylines"] == ["Story by AFP"]
    assert clean_text_dump(read_text(DEV / "dev09.txt"))["meta"]["bylines"] == ["By CARLOS ARANGO Associated Press"]


def outlet_cases():
    return [pytest.param(path, id=path.stem) for path in sorted(DUMPS.glob("*.txt"))]


@pytest.mark.parametrize("path", outlet_cases())
def test_outlet_style_dump(path):
    """Dumps written in the page styles of outlets the dev corpus does not have."""
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    out = clean_text_dump(read_text(path))
    assert out["headline"] == expected["headline"]
    assert out["paragraphs"] == expected["paragraphs"]
    assert out["captions"] == expected["captions"]
    assert out["meta"]["bylines"] == expected["bylines"]
    assert out["meta"]["date_lines"] == expected["date_lines"]
    assert out["meta"]["description"] == expected.get("description")
    body = "\n\n".join(out["paragraphs"])
    for chrome in expected["must_exclude"]:
        assert not whole_line_or_substring(chrome, body + "\n" + out["headline"]), chrome


def test_jsonl_text_without_headline_keeps_its_first_paragraph():
    record = json.loads((DEV / "dev08.jsonl").read_text(encoding="utf-8").splitlines()[0])
    out = clean_text_dump(record["text"])
    assert out["headline"] is None
    assert out["paragraphs"][0].startswith("SEOUL, Jan 8 (Reuters) - South Korea's finance ministry")
    assert out["paragraphs"][-1] == "Reporting by Hyunsu Lim and Joon Ha Park; Editing by Kim Coghill"
    assert out["meta"]["chrome"] == ["Our Standards: The Thomson Reuters Trust Principles."]


def test_agency_tags_after_a_story_are_chrome():
    record = json.loads((DEV / "dev08.jsonl").read_text(encoding="utf-8").splitlines()[1])
    out = clean_text_dump(record["text"])
    assert out["paragraphs"][0].startswith("Madrid, 9 ene (EFE).- El Consejo de Ministros")
    assert out["meta"]["chrome"] == ["(EFE)", "mgr/amg"]


def test_question_headline():
    text = ("World\nBusiness\n\nIs the Fed about to cut rates again?\n\n"
            "By Jane Roe\nUpdated 9:30 AM EST, March 5, 2025\n\n"
            "WASHINGTON (Reuters) - Federal Reserve officials signaled on Wednesday that they were in no hurry.\n\n"
            "Markets had priced in a cut by June, traders said.\n")
    out = clean_text_dump(text)
    assert out["headline"] == "Is the Fed about to cut rates again?"
    assert out["paragraphs"][0].startswith("WASHINGTON (Reuters) - Federal Reserve")


STORY = ("LONDON (Reuters) - The bank raised its main rate on Thursday, its first rise in two years.\n\n"
         "Markets had priced in a cut by June, traders said.\n\n"
         "The pound rose half a cent against the dollar after the decision.\n")


@pytest.mark.parametrize("header,bylines", [
    # Yahoo: the author's name over the stamp and reading time.
    ("Bank of England raises rates for the first time in two years\n\nJane Roe\n"
     "Tue, April 1, 2025 at 9:05 AM GMT·3-min read\n", ["Jane Roe"]),
    # The name between two stamps, a button below.
    ("Bank of England raises rates for the first time in two years\nShort Url\nhttps://example.news/4m7vx\n"
     "Updated 06 April 2025\nAmina Al-Farsi\nApril 06, 2025 21:47\nFollow\n", ["Amina Al-Farsi"]),
    # The name over a follow button and the stamp; two authors.
    ("Bank of England raises rates for the first time in two years\nAna Ruiz and Tom Hale\n+ FOLLOW\n"
     "Published: 8:30pm, 14 Mar 2025\n", ["Ana Ruiz and Tom Hale"]),
    # A job title is no name; a section label above the title is no author.
    ("Bank of England raises rates for the first time in two years\nSenior Reporter\n"
     "Published: 8:30pm, 14 Mar 2025\n", []),
    ("Middle East\nMarch 5, 2025\nBank of England raises rates for the first time in two years\n", []),
])
def test_a_name_beside_the_stamp_is_a_byline(header, bylines):
    out = clean_text_dump(header + "\n" + STORY)
    assert out["headline"] == "Bank of England raises rates for the first time in two years"
    assert out["meta"]["bylines"] == bylines
    assert out["paragraphs"][0].startswith("LONDON (Reuters) - The bank raised")


def test_a_short_title_case_headline_over_its_stamp_stays_the_headline():
    out = clean_text_dump("Rates Rise Again\nUpdated 9:30 AM EST, March 5, 2025\n\n" + STORY)
    assert out["headline"] == "Rates Rise Again" and out["meta"]["bylines"] == []


def test_title_in_a_nav_block_right_above_the_byline():
    """A page copied without blank lines: the title sits in the nav's block; a tagline
    there, far from the byline, is not taken for it."""
    nav = "Home\nBreaking news and analysis since 1921\nWorld\nBusiness\nSport\nCulture\nOpinion\nVideo\nBusiness\n"
    out = clean_text_dump(nav + "Bank of England raises rates for the first time in two years\nJane Roe\n"
                          "Updated 9:30 AM GMT, March 5, 2025\nShare\n\n" + STORY)
    assert out["headline"] == "Bank of England raises rates for the first time in two years"
    assert out["meta"]["bylines"] == ["Jane Roe"]
    tagline_only = clean_text_dump(nav + "Updated 9:30 AM GMT, March 5, 2025\n\n" + STORY)
    assert tagline_only["headline"] is None


def test_paywall_notice_below_the_story_is_kept_in_meta():
    teaser = ("Harbour dredging contract goes to Dutch firm after two-year tender\n\n"
              "The port authority has awarded a 90 million euro dredging contract to a Dutch company. "
              "Local firms said they were shut out of the tender.\n\n")
    out = clean_text_dump(teaser + "This article is for subscribers only.\nAlready a subscriber? Log in\n")
    assert out["meta"]["paywall"] == "This article is for subscribers only."
    assert out["paragraphs"] == [teaser.split("\n\n")[1]]
    # A subscription promo between paragraphs stops nothing.
    promo = clean_text_dump("Headline of the story here\n\n" + STORY.replace(
        "\n\nMarkets", "\n\nSubscribe to continue reading our coverage\n\nMarkets"))
    assert promo["meta"]["paywall"] is None and len(promo["paragraphs"]) == 3


def test_crlf_and_lf_give_the_same_article():
    text = read_text(DEV / "dev02.txt")
    assert clean_text_dump(text.replace("\n", "\r\n")) == clean_text_dump(text)


def test_site_chrome_lines_go_but_credit_lines_and_bylines_stay():
    text = read_text(DEV / "dev09.txt")
    byline = "By CARLOS ARANGO Associated Press"
    credit = "Associated Press writer Lina Cárdenas in Popayán, Colombia, contributed to this report."
    last = clean_text_dump(text)["paragraphs"][-2]
    assert last.startswith("Indigenous leaders in Cauca said hundreds of families had fled their homes.")
    out = clean_text_dump(text, frozenset(normalise_line(line) for line in (byline, credit, last)))
    assert out["paragraphs"][-1] == credit and out["meta"]["bylines"] == [byline]
    assert last not in out["paragraphs"] and out["meta"]["chrome"] == [last, "___"]


@pytest.mark.parametrize("line,kind", [
    ("___", SEPARATOR),
    ("(Reporting by Tom Verhaegen; Editing by Edmund Hardwick)", CREDIT),
    ("Associated Press writers Ana Ruiz in Lima and Tom Hale in Quito contributed to this report.", CREDIT),
    ("--With assistance from Zhang Wei.", CREDIT),
    ("By EVELYN MWANGI and DAVID OKORO", BYLINE),
    ("By Aoife Brennan, Property Editor", BYLINE),
    ("By Tuesday, the death toll had risen to 40.", PROSE),
    ("Reporting by the Financial Times showed the deal was close.", PROSE),
    ("Research by Oxford University found that the deal was close.", PROSE),
    ("Reporting by Ana Mano in Sao Paulo and Marcela Ayres in Brasilia; Editing by Nick Zieminski", CREDIT),
    ("Edited by: Anna Schulz", CREDIT),
    ("Editor: Zhou Lina", CREDIT),
    ("(Web editor: Zhou Lina, Gao Fei)", CREDIT),
    ("Reporters: Ana Ruiz and Tom Hale", CREDIT),
    ("Contributing: Ana Ruiz, Tom Hale", CREDIT),
    ("Editor: the board said it would appeal.", PROSE),
    ("Copyright law in the EU requires platforms to pay publishers.", PROSE),
    ("Copyright© 2025, THG PUBLISHING PVT LTD. or its affiliated companies. All rights reserved.", COPYRIGHT),
    ("Updated 3:14 PM GMT+1, March 4, 2025", DATE),
    ("·3-min read", DATE),
    ("Published On 5 Mar 20255 Mar 2025", DATE),
    ("Thu 20 Mar 2025 12.00 GMT", DATE),
    ("Read Time: 3 mins", DATE),
    ("04/02/2025April 2, 2025", DATE),
    ("2 hours ago", DATE),
    ("+2.14%", SHORT),
    ("© 2025 Reuters. All rights reserved", COPYRIGHT),
    ("Copyright 2025 The Associated Press. All Rights Reserved.", COPYRIGHT),
    ("  • Oops!", CHROME),
    ("Something went wrong.", CHROME),
    ("Please try again later.", CHROME),
    ("Advertisement · Scroll to continue", CHROME),
    ("Get a look at the day ahead in markets with the Morning Bid newsletter. Sign up here.", CHROME),
    ("Follow AP's climate coverage at https://apnews.com/hub/climate-and-environment", CHROME),
    ("https://example.org/story", CHROME),
    ("(With inputs from PTI)", CHROME),
    ("Share", CHROME),
    ("Font Size", CHROME),
    ("This report by The Atlantic Wire was first published April 1, 2025.", CHROME),
    ("This story was produced in partnership with the Pulitzer Center.", CHROME),
    ("This article is part of a series on water shortages.", CHROME),
    ("A version of this article appears in print on April 2, 2025, Section B, Page 3.", CHROME),
    ("A version of the plan was approved by parliament last year.", PROSE),
    ("This report was published by the UN on Tuesday and warns of famine.", PROSE),
    ("Got a news tip? Send it to our newsroom and we will look into it.", CHROME),
    ("Do you have questions about the rent cap? Get the answers in our weekly explainer.", CHROME),
    ("Do you think the plan will work? Many residents doubt it.", PROSE),
    ("Subscribe to continue reading", CHROME),
    ("This article is for subscribers only.", CHROME),
    ("Already a subscriber? Log in", CHROME),
    ("Unlock this article", CHROME),
    ("Create a free account to keep reading", CHROME),
    ("You have reached your limit of free articles this month.", CHROME),
    ("He is already a member of the party.", PROSE),
    ("Farmers must register to keep their subsidies.", PROSE),
    ("\u201cSomething went wrong in the cockpit long before the engines failed,\u201d the investigator said.", PROSE),
    ("The board said the app would be free for students.", PROSE),
    ("Fact Check", SHORT),
    ("Doctors celebrate outside the hospital. (AP Photo/Joseph Kariuki)", CAPTION),
    ("Patrick T. Fallon/AFP/Getty Images", "image-credit"),
])
def test_line_kinds(line, kind):
    assert line_kind(line) == kind


@pytest.mark.parametrize("line,caption", [
    ("Item 1 of 2 A shopper looks at bags of rice. REUTERS/Ayumi Kojima",
     "A shopper looks at bags of rice. REUTERS/Ayumi Kojima"),
    ("[1/2]A shopper looks at bags of rice. REUTERS/Ayumi Kojima Purchase Licensing Rights, opens new tab",
     "A shopper looks at bags of rice. REUTERS/Ayumi Kojima"),
    ("Image caption, Voters queued for hours in Lagos", "Voters queued for hours in Lagos"),
    ("Related video: Paris residents protest against holiday rentals (France 24)",
     "Related video: Paris residents protest against holiday rentals (France 24)"),
    ("The president said the army would stay.", None),
])
def test_caption_text(line, caption):
    assert caption_text(line) == caption


def test_leading_chrome_names_the_template_not_the_story():
    first = leading_chrome(read_text(DEV / "dev01.txt"))
    assert first == ["oops!", "something went wrong.", "please try again later."]
    assert leading_chrome(read_text(SEED)) == first
    assert leading_chrome(read_text(DEV / "dev02.txt")) == ["menu", "world", "u.s."]
    assert leading_chrome(read_text(DEV / "dev09.txt")) == []


def test_empty_and_chrome_only_dumps():
    assert clean_text_dump("") == {"headline": None, "paragraphs": [], "captions": [],
                                   "meta": {"bylines": [], "chrome": [], "date_lines": [], "description": None,
                                            "paywall": None}}
    out = clean_text_dump("Menu\nWorld\nShare\n\n© 2025 Example News")
    assert out["paragraphs"] == [] and out["meta"]["chrome"][-1] == "© 2025 Example News"


_LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "___", "Share", "By JANE DOE", "Updated 3:14 PM GMT+1, March 4, 2025", "• Oops!",
                     "(Reporting by A B; Editing by C D)", "Item 1 of 2 X REUTERS/Y", "© 2025 X", "EVELYN MWANGI",
                     "Mwangi covers Kenya.", "KEY POINTS", "Getty Images", "LONDON (Reuters) - The bank said.",
                     "The minister said the plan would work.", "\r", "\r\n", "\u2028", "\x0c"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=30).map("\n".join))
def test_never_raises_and_returns_substrings(text):
    out = clean_text_dump(text)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = out["paragraphs"] + out["captions"] + out["meta"]["chrome"] + out["meta"]["bylines"]
    parts += [out["headline"]] if out["headline"] is not None else []
    for part in parts:
        assert part and part in normalised
    assert all(re.search(r"[^\W_]", p) for p in out["paragraphs"])
