"""Credits and credit lines (transforms/text/credits.py)."""
import pytest
from hypothesis import given, strategies as st

from transforms.text.credits import (ROLES, agency_name, byline_agency, extract_credits, is_person_name,
                                     natural_case, parse_byline, parse_contact_block, parse_contributor_line,
                                     parse_label_line, parse_role_line)


def credits(*pairs):
    return [{"role": role, "name": name} for role, name in pairs]


@pytest.mark.parametrize("line, expected", [
    ("(Reporting by Tom Verhaegen and Ines Carvalho; Editing by Edmund Hardwick)",
     credits(("reporting", "Tom Verhaegen"), ("reporting", "Ines Carvalho"), ("editing", "Edmund Hardwick"))),
    ("Reporting by Mariko Tanabe; Additional reporting by Satoshi Kudo; Writing by Daniel Prestwick; "
     "Editing by Sonali Mehra",
     credits(("reporting", "Mariko Tanabe"), ("additional_reporting", "Satoshi Kudo"),
             ("writing", "Daniel Prestwick"), ("editing", "Sonali Mehra"))),
    ("(Reporting by Doina Chiacu, Simon Lewis and David Brunnstrom; Editing by Frances Kerry and Howard Goller)",
     credits(("reporting", "Doina Chiacu"), ("reporting", "Simon Lewis"), ("reporting", "David Brunnstrom"),
             ("editing", "Frances Kerry"), ("editing", "Howard Goller"))),
    ("(Reporting by Olena Harmash in Kyiv; Additional reporting by Tom Balmforth in London; "
     "Compiled by Tomasz Janowski; Graphics by Sumanta Sen; editing by Gareth Jones.)",
     credits(("reporting", "Olena Harmash"), ("additional_reporting", "Tom Balmforth"),
             ("compiling", "Tomasz Janowski"), ("graphics", "Sumanta Sen"), ("editing", "Gareth Jones"))),
    ("Reporting by Reuters staff; Editing by the Bengaluru newsroom", []),
])
def test_role_lines(line, expected):
    assert parse_role_line(line) == expected


@pytest.mark.parametrize("line, expected", [
    ("Edited by: Martin Kübler", credits(("editing", "Martin Kübler"))),          # DW
    ("Edited by Priya Raman", credits(("editing", "Priya Raman"))),
])
def test_edited_by_lines(line, expected):
    assert parse_role_line(line) == expected


@pytest.mark.parametrize("line, expected", [
    ("Editor: Wang Xiaoyu", credits(("editing", "Wang Xiaoyu"))),                  # Xinhua
    ("[Editor: Li Hongmei]", credits(("editing", "Li Hongmei"))),
    ("Responsible editor: Zhou Jing", credits(("editing", "Zhou Jing"))),
    ("Editors: Liu Yang and Chen Meiling", credits(("editing", "Liu Yang"), ("editing", "Chen Meiling"))),
    ("Reporters: Tomás Ibarra, Lucía Pérez", credits(("reporting", "Tomás Ibarra"), ("reporting", "Lucía Pérez"))),
    ("Writer: Amara Okafor | Source: Xinhua", credits(("writing", "Amara Okafor"))),
    ("Reporter: Is that a promise, minister?", None),                           # a transcript, not a credit
    ("Reporter: Yes.", None),
    ("Editor: The Editorial Board", None),
    ("Editor’s note: This story has been updated.", None),
    ("The editor: a profile of Jane Doe", None),
])
def test_label_lines(line, expected):
    assert parse_label_line(line) == expected


@pytest.mark.parametrize("line, role, names", [
    ("Associated Press writer Samuel Otieno in Kampala, Uganda, contributed to this report.", "contributing",
     ["Samuel Otieno"]),
    ("Associated Press writer Lina Cárdenas in Popayán, Colombia, contributed to this report.", "contributing",
     ["Lina Cárdenas"]),
    ("Associated Press writers Maria Verza in Mexico City and Gisela Salomon in Miami contributed to this report.",
     "contributing", ["Maria Verza", "Gisela Salomon"]),
    ("Associated Press writers Jane Doe in Nairobi, Kenya, and John Roe in Kampala, Uganda, contributed.",
     "contributing", ["Jane Doe", "John Roe"]),
    ("AP video journalist Khalil Hamra contributed reporting.", "contributing", ["Khalil Hamra"]),
    ("— CNBC's Amelia Hart contributed to this report.", "contributing", ["Amelia Hart"]),
    ("Contributing: Jane Doe, John Roe", "contributing", ["Jane Doe", "John Roe"]),
    ("--With assistance from Eko Prasetyo.", "additional_reporting", ["Eko Prasetyo"]),
    ("The Associated Press contributed to this report.", None, []),
    ("Reuters and AFP contributed to this report.", None, []),
])
def test_contributor_lines(line, role, names):
    found = parse_contributor_line(line)
    assert [c["name"] for c in found] == names
    assert {c["role"] for c in found} == ({role} if names else set())


def test_bloomberg_contact_block():
    lines = ["Shares rose 6.2% in Jakarta trading.", "To contact the reporter on this story:",
             "Naomi Hartanto in Jakarta at nhartanto@bloomberg.net",
             "To contact the editors responsible for this story:", "Ivan Lowry at ilowry2@bloomberg.net",
             "Brian Ostrander", "©2025 Bloomberg L.P."]
    assert parse_contact_block(lines, 0) is None
    assert parse_contact_block(lines, 1) == (credits(("reporting", "Naomi Hartanto")), 3)
    assert parse_contact_block(lines, 3) == (credits(("editing", "Ivan Lowry"), ("editing", "Brian Ostrander")), 6)
    one_paragraph = ["To contact the reporter on this story:\nNaomi Hartanto in Jakarta at nhartanto@bloomberg.net"]
    assert parse_contact_block(one_paragraph, 0) == (credits(("reporting", "Naomi Hartanto")), 1)
    out = extract_credits(lines)
    assert out["paragraphs"] == ["Shares rose 6.2% in Jakarta trading.", "©2025 Bloomberg L.P."]
    assert extract_credits(lines[:1], chrome=lines[1:])["credits"] == out["credits"]


@pytest.mark.parametrize("line", [
    "Reporting by the BBC found that thousands of families had left the region.",
    "Rising costs contributed.",
    "Higher fuel prices contributed to the decline in sales, the ministry said.",
    "The strike closed outpatient clinics in most of Kenya’s 47 counties.",
])
def test_prose_is_no_credit_line(line):
    assert parse_role_line(line) is None
    assert parse_contributor_line(line) is None


@pytest.mark.parametrize("line, expected", [
    ("By EVELYN MWANGI and DAVID OKORO", ["Evelyn Mwangi", "David Okoro"]),
    ("By LUCÍA HERRERA and MARK STEVENS", ["Lucía Herrera", "Mark Stevens"]),
    ("By Mariko Tanabe", ["Mariko Tanabe"]),
    ("By Aoife Brennan, Property Editor", ["Aoife Brennan"]),
    ("By THABO MOKOENA Associated Press", ["Thabo Mokoena"]),
    ("By CARLOS ARANGO Associated Press", ["Carlos Arango"]),
    ("By Mercy Juma, BBC News, Nairobi", ["Mercy Juma"]),
    ("Text by: Jane DOE", ["Jane Doe"]),
    ("By Jean-Pierre DUPONT and Ana de la Cruz", ["Jean-Pierre Dupont", "Ana de la Cruz"]),
    ("Jane Doe | Reuters", ["Jane Doe"]),
    ("Dana Whitfield@danawhitfieldtv", ["Dana Whitfield"]),
    # Bare-name byline lines next to the stamp (DW, Times of India, Arab News, Yahoo), SCMP's follow button.
    ("Jana Krüger", ["Jana Krüger"]),
    ("Rohit Deshmukh", ["Rohit Deshmukh"]),
    ("Lama Al-Dossary", ["Lama Al-Dossary"]),
    ("Valentina Ortúzar", ["Valentina Ortúzar"]),
    ("Natalie Kwok + FOLLOW", ["Natalie Kwok"]),
    ("Natalie Kwok+ Follow", ["Natalie Kwok"]),
    ("By Ng Wei Ling Senior Correspondent", ["Ng Wei Ling"]),                    # a title without a comma
    ("Jordan Whitlock, The Canadian Press", ["Jordan Whitlock"]),
    ("Story by AFP", []),
    ("Text by: FRANCE 24", []),
    ("By Reuters", []),
    ("By Al Jazeera Staff", []),
    ("By the time the vote came, lawmakers had left", None),
    ("Reuters", None),
    # A bare outlet name is no byline.
    ("Kyiv Independent", None), ("The Hindu", None), ("Deutsche Welle", None), ("Le Monde", None),
    ("South China Morning Post", None), ("TNN", None), ("+ FOLLOW", None),
    ("", None),
])
def test_bylines(line, expected):
    assert parse_byline(line) == expected


def test_natural_case_and_person_names():
    assert natural_case("EVELYN MWANGI") == "Evelyn Mwangi"
    assert natural_case("SEAN O'BRIEN") == "Sean O'Brien"
    assert natural_case("URSULA VON DER LEYEN") == "Ursula von der Leyen"
    assert natural_case("Joon Ha Park") == "Joon Ha Park"
    assert is_person_name("Joon Ha Park") and is_person_name("Ana de la Cruz")
    assert not is_person_name("BBC News") and not is_person_name("Property Editor")
    assert not is_person_name("Associated Press") and not is_person_name("AFP")


def test_reuters_credit_line_leaves_the_body():
    out = extract_credits(["BRUSSELS (Reuters) - The European Commission proposed on Tuesday.",
                           "EU trade ministers are due to discuss the proposal.",
                           "(Reporting by Tom Verhaegen and Ines Carvalho; Editing by Edmund Hardwick)"])
    assert out["paragraphs"] == ["BRUSSELS (Reuters) - The European Commission proposed on Tuesday.",
                                 "EU trade ministers are due to discuss the proposal."]
    assert out["credits"] == credits(("reporting", "Tom Verhaegen"), ("reporting", "Ines Carvalho"),
                                     ("editing", "Edmund Hardwick"))


def test_ap_bylines_contributors_and_rule():
    out = extract_credits(
        ["NAIROBI, Kenya (AP) — Thousands of doctors returned to work.", "___",
         "Associated Press writer Samuel Otieno in Kampala, Uganda, contributed to this report."],
        bylines=["By EVELYN MWANGI and DAVID OKORO"])
    assert out["paragraphs"] == ["NAIROBI, Kenya (AP) — Thousands of doctors returned to work."]
    assert out["credits"] == credits(("byline", "Evelyn Mwangi"), ("byline", "David Okoro"),
                                     ("contributing", "Samuel Otieno"))


def test_efe_sign_off_leaves_the_body_and_credits_nobody():
    body = ["Madrid, 9 ene (EFE).- El Consejo de Ministros aprobó este jueves un plan.",
            "La medida llega \"tarde y con poca ambición\", según Marta Gil."]
    out = extract_credits(body + ["(EFE)", "mgr/amg"])
    assert out == {"paragraphs": body, "credits": []}
    assert extract_credits(body + ["(With inputs from PTI)"])["paragraphs"] == body


def test_sign_offs_only_at_the_end():
    body = ["(EFE)", "The story goes on.", "And on.", "And on.", "It ends here."]
    assert extract_credits(body)["paragraphs"] == body


def test_byline_paragraph_at_the_top_leaves_the_body():
    out = extract_credits(["By Mariko Tanabe", "TOKYO, March 5 (Reuters) - Japan will release rice."])
    assert out["paragraphs"] == ["TOKYO, March 5 (Reuters) - Japan will release rice."]
    assert out["credits"] == credits(("byline", "Mariko Tanabe"))


def test_metadata_authors_stand_in_only_for_a_missing_byline():
    body = ["MEXICO CITY (AP) — Mexico City authorities on Tuesday extended water rationing."]
    assert extract_credits(body, authors="Lucía Herrera; Mark Stevens")["credits"] == credits(
        ("byline", "Lucía Herrera"), ("byline", "Mark Stevens"))
    assert extract_credits(body, bylines=["By Harriet Lowe"], authors="Jane Editor")["credits"] == credits(
        ("byline", "Harriet Lowe"))
    assert extract_credits(body, bylines=["Story by AFP"], authors="AFP")["credits"] == []


def test_bare_name_bylines_and_footer_labels_credit_people():
    story = ["Berlin's largest tenants' association said on Wednesday it would take a test case to court."]
    out = extract_credits(story + ["Edited by: Martin Kübler"], bylines=["Jana Krüger"])
    assert out == {"paragraphs": story, "credits": credits(("byline", "Jana Krüger"), ("editing", "Martin Kübler"))}
    chrome = ["Source: Xinhua", "2025-03-03 18:45:12", "Share", "Editor: Wang Xiaoyu", "Related:"]
    assert extract_credits(story, chrome=chrome)["credits"] == credits(("editing", "Wang Xiaoyu"))
    assert extract_credits(story, bylines=["Natalie Kwok + FOLLOW"])["credits"] == credits(("byline", "Natalie Kwok"))
    assert extract_credits(story, bylines=["Arab News"], authors="Lama Al-Dossary")["credits"] == credits(
        ("byline", "Lama Al-Dossary"))


def test_the_first_chrome_byline_stands_in_for_missing_byline_lines():
    chrome = ["Small Business", "Published Tue, Mar 11 20259:42 AM EDT", "Dana Whitfield@danawhitfieldtv",
              "Share", "By Someone Else"]
    assert extract_credits(["Story."], chrome=chrome)["credits"] == credits(("byline", "Dana Whitfield"))
    assert extract_credits(["Story."], bylines=["By Mark Delgado"], chrome=chrome)["credits"] == credits(
        ("byline", "Mark Delgado"))
    assert extract_credits(["Story."], chrome=["Kenya’s parliament approves new levy", "Share"])["credits"] == []


def test_agency_credited_instead_of_a_person():
    assert [agency_name(x) for x in ("Press Trust of India", "Story by AFP", "PTI", "The Associated Press",
                                     "FRANCE 24", "Al Jazeera and news agencies", None)] == \
           ["PTI", "AFP", "PTI", "AP", None, None, None]
    assert byline_agency(authors="PTI") == "PTI"
    assert byline_agency(chrome=["India News | Press Trust of India | Updated: February 27, 2025 10:12 pm IST"]) == "PTI"
    assert byline_agency(chrome=["Markets", "Reuters", "·3-min read"]) == "Reuters"
    assert byline_agency(bylines=["By Rana Jaber"], chrome=["Source: Al Jazeera and news agencies",
                                                            "[File: Haider Kareem/Reuters]"]) is None
    assert byline_agency(chrome=["Megan Jelinger | Bloomberg | Getty Images"]) is None   # a photo credit


@pytest.mark.parametrize("bylines, authors, agency", [
    ((), "Jordan Whitlock, The Canadian Press", "The Canadian Press"),   # CBC running CP copy
    (["By Marie Tremblay, Canadian Press"], None, "The Canadian Press"),
    (["By Euronews with AFP"], None, "AFP"),
    (["By Rahul Mehta | PTI"], None, "PTI"),
    ((), "Siti Aminah; Bernama", "Bernama"),
    (["By Mercy Juma, BBC News, Nairobi"], "Mercy Juma", None),
    (["By Jane Doe and John Roe"], None, None),
])
def test_agency_in_a_part_of_the_byline_or_author(bylines, authors, agency):
    assert byline_agency(bylines, authors) == agency


def test_a_credit_line_with_no_names_goes_and_credits_nobody():
    out = extract_credits(["The story.", "Reporting by Reuters staff; Editing by the Bengaluru newsroom"])
    assert out == {"paragraphs": ["The story."], "credits": []}


@given(st.lists(st.text(max_size=120), max_size=6), st.lists(st.text(max_size=60), max_size=3),
       st.one_of(st.none(), st.text(max_size=60)))
def test_extract_credits_never_raises_and_only_removes(paragraphs, bylines, authors):
    out = extract_credits(paragraphs, bylines, authors)
    remaining = iter(paragraphs)
    assert all(any(p == q for q in remaining) for p in out["paragraphs"])   # an ordered subsequence
    assert all(c["role"] in ROLES and c["name"] for c in out["credits"])


@given(st.text(max_size=200))
def test_line_parsers_never_raise(text):
    for parse in (parse_role_line, parse_contributor_line, parse_label_line, parse_byline):
        result = parse(text)
        assert result is None or isinstance(result, list)
