"""Entities and mentions (transforms/text/entities.py).

The rule tests give the model's spans by hand (``spans``), the gold tests run the model."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.nlp_harness import annotate_gold, article_from_gold, gold_records, model
from transforms.nlp import annotate
from transforms.text.entities import entities_from_spans, extract_entities


def spans(body: str, *tagged: tuple[str, str]) -> list[tuple[int, int, str]]:
    """The model's spans: every occurrence of each (text, label)."""
    return sorted((m.start(), m.end(), label) for text, label in tagged
                  for m in re.finditer(re.escape(text), body))


def table(body: str, *tagged, **kwargs) -> dict[str, str]:
    entities, _ = entities_from_spans(body, spans(body, *tagged), **kwargs)
    return {e["name"]: e["label"] for e in entities}


# -- names ----------------------------------------------------------------------------------------

def test_dash_possessive_and_article_are_trimmed_with_offsets_kept():
    body = "SEOUL (Reuters) -North Korea's army fired again, the United Nations said."
    entities, mentions = entities_from_spans(body, spans(body, ("-North Korea's", "GPE"),
                                                         ("the United Nations", "ORG")))
    assert [(m["text"], m["name"]) for m in mentions] == [
        ("North Korea", "North Korea"), ("United Nations", "United Nations")]
    assert {e["name"] for e in entities} == {"North Korea", "United Nations"}
    assert all(body[m["start"]:m["end"]] == m["text"] for m in mentions)


def test_surname_joins_the_full_name_whatever_the_model_called_it():
    body = "Foreign Minister Lena Vogt arrived on Monday. Vogt said talks would go on. Vogt left."
    entities, mentions = entities_from_spans(body, [(17, 26, "PERSON"), (46, 50, "GPE"), (79, 83, "ORG")])
    assert [(e["name"], e["label"], e["count"]) for e in entities] == [("Lena Vogt", "PERSON", 3)]
    assert [m["name"] for m in mentions] == ["Lena Vogt"] * 3


def test_first_part_of_a_name_joins_it_when_the_model_says_person():
    body = "Economist Kim Soo-yeon disagreed. The forecast is too rosy, according to Kim."
    assert table(body, ("Kim Soo-yeon", "PERSON"), ("Kim.", "PERSON")) == {"Kim Soo-yeon": "PERSON"}


def test_acronym_in_parentheses_and_initials_join_the_full_name():
    body = ("The Local Government Association (LGA) said councils were short. "
            "The LGA wants help from the World Trade Organization, and the WTO agreed.")
    assert table(body, ("Local Government Association", "ORG"), ("LGA", "ORG"),
                 ("World Trade Organization", "ORG"), ("WTO", "ORG")) == {
        "Local Government Association": "ORG", "World Trade Organization": "ORG"}


def test_one_label_per_entity_by_evidence():
    body = ("Amira Saleh, a researcher at the charity Green Futures, spoke in Marseille. "
            "Saleh said Green Futures would sue.")
    assert table(body, ("Amira Saleh", "GPE"), ("Saleh", "PERSON"), ("Green Futures", "GPE"),
                 ("Marseille", "PERSON")) == {"Amira Saleh": "PERSON", "Green Futures": "ORG", "Marseille": "GPE"}


def test_names_the_model_missed_are_found_from_their_context():
    body = ("Villagers fled the town of Toribio. Ana Lucia Prado, a nurse, treated them. "
            "COGAT said the road was open.")
    found = table(body)
    assert found == {"Toribio": "GPE", "Ana Lucia Prado": "PERSON", "COGAT": "ORG"}


def test_name_cut_after_a_role_takes_in_its_first_name():
    body = "Regional Governor Efrain Tarazona Ramirez called the decree late."
    assert table(body, ("Tarazona Ramirez", "PERSON")) == {"Efrain Tarazona Ramirez": "PERSON"}


# -- what is never an entity ----------------------------------------------------------------------

def test_journalists_are_never_entities_in_any_case():
    body = "Talks resumed, said Evelyn Mwangi.\n\n(Reporting by Tom Brandt; Editing by Ana Ruiz)"
    credits = [{"role": "byline", "name": "EVELYN MWANGI"}, {"role": "reporting", "name": "Tom Brandt"}]
    assert table(body, ("Evelyn Mwangi", "PERSON"), ("Tom Brandt", "PERSON"), ("Ana Ruiz", "PERSON"),
                 credits=credits) == {}


def test_agency_in_the_dateline_is_no_entity_but_in_the_story_it_is():
    body = "Paris (AFP) - The minister told AFP that rents would be capped in Paris."
    dateline = {"raw": "Paris (AFP) - ", "city": "Paris", "country": "FR", "agency": "AFP"}
    entities, mentions = entities_from_spans(body, spans(body, ("AFP", "ORG"), ("Paris", "GPE")),
                                             dateline=dateline)
    assert {e["name"]: e["count"] for e in entities} == {"Paris": 2, "AFP": 1}
    assert [m["start"] for m in mentions if m["name"] == "AFP"] == [body.index("told AFP") + 5]


def test_dateline_found_without_the_enrich_stage_and_its_city_title_cased():
    body = "WASHINGTON (Reuters) - The Treasury said on Monday it would act."
    assert table(body, ("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("Treasury", "ORG"),
                 dateline={"city": "WASHINGTON", "agency": "Reuters"}) == {"Washington": "GPE", "Treasury": "ORG"}


def test_chrome_words_and_quoted_titles_are_not_entities():
    body = 'Oops! Something went wrong.\n\nShe spoke on CNBC\'s "Squawk Box" about Acme Corp.'
    assert table(body, ("Oops", "ORG"), ("Squawk Box", "ORG"), ("CNBC", "ORG"), ("Acme Corp", "ORG")) == {
        "CNBC": "ORG", "Acme Corp": "ORG"}


def test_spanish_labels_map_and_misc_is_dropped():
    body = "Madrid, 9 ene (EFE).- La ministra Carmen Ortega visitó Valencia con el Partido Popular."
    # es/fr models say PER/LOC/ORG/MISC; the stage maps them before the rules
    doc = model("es")(body)
    entities, _ = extract_entities(doc, "es", (), {"raw": "Madrid, 9 ene (EFE).- ", "city": "Madrid",
                                                  "agency": "EFE"})
    labels = {e["name"]: e["label"] for e in entities}
    assert labels.get("Carmen Ortega") == "PERSON" and labels.get("Valencia") == "GPE"
    assert set(labels.values()) <= {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
    assert "EFE" not in labels


# -- properties -----------------------------------------------------------------------------------

_LABELS = st.sampled_from(["PERSON", "PER", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("Ab Cd-'’s.,()\n\"") + ["The ", "Mr ", " said "]), max_size=80).map("".join),
       st.lists(st.tuples(st.integers(0, 200), st.integers(0, 30), _LABELS), max_size=8),
       st.sampled_from(["en", "es", "fr", None]))
def test_arbitrary_spans_never_raise_and_mentions_index_the_body(body, raw, language):
    model_spans = [(s, min(s + n, len(body)), label) for s, n, label in raw if s < len(body)]
    entities, mentions = entities_from_spans(body, model_spans, language)
    assert all(body[m["start"]:m["end"]] == m["text"] for m in mentions)
    assert sum(e["count"] for e in entities) == len(mentions)
    assert len({e["name"] for e in entities}) == len(entities)


# -- gold -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gold_articles():
    records = gold_records(("dev", "seeds"))
    models = {language: model(language) for language in {"en", "es"}}
    return {name: article for (name, _), article in zip(records, annotate_gold(records, models))}


def test_seed_canonical_names(gold_articles):
    article = gold_articles["000_870e9f19021f3a5b#0"]
    names = {e["name"]: e["label"] for e in article["entities"]}
    assert names["Antony Blinken"] == "PERSON" and names["North Korea"] == "GPE"
    assert "Blinken" not in names and "Reuters" not in names
    assert {m["name"] for m in article["mentions"] if m["text"] == "Blinken"} == {"Antony Blinken"}
    body = article["body"]
    assert all(body[m["start"]:m["end"]] == m["text"] for m in article["mentions"])


def test_dev_journalists_and_chrome_never_leak(gold_articles):
    records = dict(gold_records(("dev", "seeds")))
    for name, article in gold_articles.items():
        found = {e["name"].lower() for e in article["entities"]}
        assert not found & {n.lower() for n in records[name].get("not_entities", [])}, name


def test_dev04_agency_in_the_story_is_an_entity(gold_articles):
    article = gold_articles["dev04#0"]
    assert [m["text"] for m in article["mentions"] if m["name"] == "AFP"] == ["AFP"]
    assert article["body"].index("AFP") < [m["start"] for m in article["mentions"] if m["name"] == "AFP"][0]


def test_credit_names_in_capitals_are_dropped_from_a_body_that_names_them():
    name, record = next(r for r in gold_records(("dev",)) if r[0] == "dev02#0")
    article = article_from_gold(name, dict(record, body=record["body"] + "\n\nEvelyn Mwangi said so."))
    annotate(article, model("en")(article["body"]), 200_000)
    assert "Evelyn Mwangi" not in {e["name"] for e in article["entities"]}
