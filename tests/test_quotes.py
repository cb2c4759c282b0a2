"""Quotes and speakers (transforms/text/quotes.py).

Most tests give the entity mentions by hand, so that they test the quote rules and not
the model; the gold tests at the end run the real model on the gold bodies."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.nlp_harness import annotate_gold, gold_records, model
from transforms.text.quotes import CONTINUATION, MAX_QUOTE_CHARS, extract_quotes


def mentions(body: str, *entities: tuple) -> list[dict]:
    """Mentions of every occurrence of each (surface, label[, canonical name])."""
    out = []
    for surface, label, *name in entities:
        for m in re.finditer(rf"\b{re.escape(surface)}\b", body):
            out.append({"text": surface, "label": label, "start": m.start(), "end": m.end(),
                        "name": name[0] if name else surface})
    return out


def quotes(body: str, *entities: tuple, language: str = "en") -> list[dict]:
    found, _ = extract_quotes(body, mentions(body, *entities), language)
    return [q for q in found if q["kind"] != "indirect"]


def pairs(found: list[dict]) -> list[tuple]:
    return [(q["text"], q["speaker"]) for q in found]


# -- marks and spans ----------------------------------------------------------------------------

def test_straight_quote_attribution_after_with_told():
    body = '"We will not back down," Transport Minister Ana Morales told reporters on Monday.'
    found = quotes(body, ("Ana Morales", "PERSON"))
    assert pairs(found) == [("We will not back down,", "Ana Morales")]
    assert found[0]["cue"] == "told" and found[0]["kind"] == "direct"
    assert body[found[0]["start"]:found[0]["end"]] == "We will not back down,"


def test_curly_quote_attribution_before_with_colon():
    body = "Ana Morales, the transport minister, said in a statement: “The strike must end today.”"
    assert pairs(quotes(body, ("Ana Morales", "PERSON"))) == [("The strike must end today.", "Ana Morales")]


def test_said_after_the_name_with_appositive():
    body = '"Prices will keep rising," said Tomas Berg, an economist at Nordbank, on Tuesday.'
    assert pairs(quotes(body, ("Tomas Berg", "PERSON"), ("Nordbank", "ORG"))) == \
        [("Prices will keep rising,", "Tomas Berg")]


def test_attribution_in_the_middle_gives_both_halves_one_speaker():
    body = ('Jana Novak said the plan was sound.\n\n'
            '"This is a good first step," she said. "But we will watch every line of it."')
    assert pairs(quotes(body, ("Jana Novak", "PERSON"))) == [
        ("This is a good first step,", "Jana Novak"), ("But we will watch every line of it.", "Jana Novak")]


def test_other_reporting_verbs_and_according_to():
    body = ('"The dam is not safe," warned Pedro Alves.\n\n'
            '"We need more time," Lina Haddad insisted.\n\n'
            'The project is "years behind schedule," according to Omar Kel, a consultant.')
    found = quotes(body, ("Pedro Alves", "PERSON"), ("Lina Haddad", "PERSON"), ("Omar Kel", "PERSON"))
    assert [(q["speaker"], q["cue"]) for q in found] == [
        ("Pedro Alves", "warned"), ("Lina Haddad", "insisted"), ("Omar Kel", "according to")]


def test_guillemets_and_low_high_marks():
    french = "« Nous ne céderons pas », a déclaré la ministre, Claire Martin, lors d'une conférence."
    assert pairs(quotes(french, ("Claire Martin", "PERSON"), language="fr")) == \
        [("Nous ne céderons pas", "Claire Martin")]
    german = "„Wir geben nicht auf“, sagte sie."
    assert [q["text"] for q in quotes(german, language="de")] == ["Wir geben nicht auf"]


def test_curly_quotes_nested_in_guillemets_stay_inside():
    body = "« Ils parlent de “liberté”, mais nous n'avons rien », a-t-elle dit."
    assert [q["text"] for q in quotes(body, language="fr")] == ["Ils parlent de “liberté”, mais nous n'avons rien"]


def test_nested_single_quotes_stay_inside():
    body = "\"They call it 'temporary', but nothing changes,\" said Ruth Alder."
    assert pairs(quotes(body, ("Ruth Alder", "PERSON"))) == \
        [("They call it 'temporary', but nothing changes,", "Ruth Alder")]


def test_quote_over_two_paragraphs_is_one_quote():
    body = ("Residents were angry.\n\n"
            "“The water has been off for a week. Nobody tells us anything.\n\n"
            "“We are not asking for favours,” said Mary Okafor, who lives nearby.")
    found = quotes(body, ("Mary Okafor", "PERSON"))
    assert pairs(found) == [("The water has been off for a week. Nobody tells us anything. "
                             "We are not asking for favours,", "Mary Okafor")]
    span = body[found[0]["start"]:found[0]["end"]]
    assert "\n\n" in span and CONTINUATION.sub(" ", span) == found[0]["text"]


def test_unclosed_quote_takes_the_speaker_of_the_quote_that_continues_it():
    body = ('"Every family here has lost someone.\n\n'
            'The town has 4,000 residents.\n\n'
            '"We want answers," said Ivo Petrov, the mayor.')
    found = quotes(body, ("Ivo Petrov", "PERSON"))
    assert pairs(found) == [("Every family here has lost someone.", "Ivo Petrov"), ("We want answers,", "Ivo Petrov")]


# -- partial quotes and scare quotes ------------------------------------------------------------

def test_partial_quotes_take_the_subject_of_the_reporting_clause():
    body = ('Opposition leader Ravi Menon called the budget "a missed chance" on Friday.\n\n'
            'Sara Lind, an analyst at Kapital Partners, described the cuts as "deeper than feared".\n\n'
            'Ravi Menon said the government would "pay a price" at the polls.')
    found = quotes(body, ("Ravi Menon", "PERSON"), ("Sara Lind", "PERSON"), ("Kapital Partners", "ORG"))
    assert [(q["text"], q["speaker"], q["kind"]) for q in found] == [
        ("a missed chance", "Ravi Menon", "partial"), ("deeper than feared", "Sara Lind", "partial"),
        ("pay a price", "Ravi Menon", "partial")]


def test_scare_quotes_around_names_and_titles_are_not_quotes():
    body = ('The drug lord known as "El Gato" was arrested in 2019.\n\n'
            'Her memoir "The Long Way Home" sold a million copies.\n\n'
            'The so-called "peace dividend" never came.')
    assert quotes(body) == []


def test_organisation_can_speak():
    body = 'Nordwind Energy said it would appeal, noting that "the ruling ignores the evidence."'
    assert pairs(quotes(body, ("Nordwind Energy", "ORG"))) == [("the ruling ignores the evidence.", "Nordwind Energy")]


def test_a_second_fragment_in_a_reported_sentence_is_speech_too():
    body = "Le maire, Paul Girard, a jugé la décision « absurde » alors que « rien n'est prêt » dans la ville."
    assert pairs(quotes(body, ("Paul Girard", "PERSON"), language="fr")) == [
        ("absurde", "Paul Girard"), ("rien n'est prêt", "Paul Girard")]


# -- speakers -------------------------------------------------------------------------------------

def test_surname_and_pronoun_resolve_to_the_canonical_full_name():
    body = ('Finance Minister Paulo Reis said on Monday the deficit would narrow.\n\n'
            '"We have done the hard part," Reis told Reuters.\n\n'
            '"The rest is discipline," he added.')
    found = quotes(body, ("Paulo Reis", "PERSON"), ("Reis", "PERSON", "Paulo Reis"), ("Reuters", "ORG"))
    assert pairs(found) == [("We have done the hard part,", "Paulo Reis"), ("The rest is discipline,", "Paulo Reis")]


def test_pronoun_prefers_the_last_speaker_over_a_person_only_mentioned():
    body = ('Union leader Kofi Mensah said members had voted to strike and called on Ama Owusu to resign.\n\n'
            '"We have been patient for two years," he said.')
    assert pairs(quotes(body, ("Kofi Mensah", "PERSON"), ("Ama Owusu", "PERSON")))[0][1] == "Kofi Mensah"


def test_the_minister_and_the_statement_resolve_to_who_was_introduced_so():
    body = ('Health Minister Dina Saleh visited the hospital.\n\n'
            '"We will rebuild it," the minister said.\n\n'
            'In a statement signed by its director, Karl Weiss, the charity called for calm.\n\n'
            '"Violence helps nobody," the statement said.')
    found = quotes(body, ("Dina Saleh", "PERSON"), ("Karl Weiss", "PERSON"))
    assert pairs(found) == [("We will rebuild it,", "Dina Saleh"), ("Violence helps nobody,", "Karl Weiss")]


def test_quoted_paragraph_after_an_attributed_one_inherits_its_speaker():
    body = ('Mayor Lucia Ferri told reporters: "The bridge will reopen in May."\n\n'
            '"Until then, take the ferry."')
    assert pairs(quotes(body, ("Lucia Ferri", "PERSON"))) == [
        ("The bridge will reopen in May.", "Lucia Ferri"), ("Until then, take the ferry.", "Lucia Ferri")]


def test_unnamed_subject_is_not_replaced_by_a_name_earlier_in_the_sentence():
    body = 'The report, which was sent to Parliament, was "deeply flawed," critics said.'
    assert pairs(quotes(body, ("Parliament", "ORG"))) == [("deeply flawed,", None)]


def test_question_mark_does_not_end_the_attribution():
    body = '"Who will pay for this?" asked Nadia Rahman, a shop owner.'
    assert pairs(quotes(body, ("Nadia Rahman", "PERSON"))) == [("Who will pay for this?", "Nadia Rahman")]


def test_indirect_speech_is_reported_with_its_speaker():
    body = "Chancellor Erik Lund said that the rate cut would come in June."
    found, _ = extract_quotes(body, mentions(body, ("Erik Lund", "PERSON")))
    assert [(q["text"], q["speaker"], q["kind"]) for q in found] == \
        [("the rate cut would come in June", "Erik Lund", "indirect")]
    assert body[found[0]["start"]:found[0]["end"]] == found[0]["text"]


def test_the_person_wins_over_the_organisation_in_their_appositive():
    body = ('Ana Ruiz, a sociologist at the Complutense University, called the plan "too little, too late".\n\n'
            'Kenji Mori, a director of the Japan Nursing Association, described it as "a useful start" on Monday.')
    assert pairs(quotes(body, ("Ana Ruiz", "PERSON"), ("Complutense University", "ORG"), ("Kenji Mori", "PERSON"),
                        ("Japan Nursing Association", "ORG"))) == [
        ("too little, too late", "Ana Ruiz"), ("a useful start", "Kenji Mori")]


def test_the_subject_noun_still_speaks_without_an_appositive():
    body = ('The Japan Nursing Association welcomed the plan. The association called it "a useful start".')
    assert pairs(quotes(body, ("Japan Nursing Association", "ORG"))) == [
        ("a useful start", "Japan Nursing Association")]


def test_speaker_after_a_long_title():
    body = ('"We will keep hawker food affordable," said Minister of State for Trade and Industry Chua Mei Ling '
            "during a visit to Jurong on Friday.")
    assert pairs(quotes(body, ("Chua Mei Ling", "PERSON"), ("Jurong", "GPE"))) == [
        ("We will keep hawker food affordable,", "Chua Mei Ling")]


def test_named_person_in_apposition_to_a_title_wins_over_the_organisation_in_it():
    body = ("«No habrá despidos», afirmó el presidente de la Cámara Minera del Sur, Pablo Quiroga, "
            "en una rueda de prensa.")
    assert pairs(quotes(body, ("Cámara Minera del Sur", "ORG"), ("Pablo Quiroga", "PERSON"), language="es")) == [
        ("No habrá despidos", "Pablo Quiroga")]


# -- bad input ------------------------------------------------------------------------------------

def test_a_quote_that_never_closes_ends_with_its_paragraph():
    body = 'He said "we will win this.\n\nThe vote is on Sunday.'
    found, problems = extract_quotes(body)
    assert [q["text"] for q in found if q["kind"] != "indirect"] == ["we will win this."]
    assert problems["unclosed"] == 1


def test_runaway_quote_in_a_huge_paragraph_is_dropped_and_counted():
    body = 'Officials said "the ' + " ".join(["word"] * 5000) + '.\n\n"Short one," she said.'
    found, problems = extract_quotes(body)
    assert [q["text"] for q in found if q["kind"] != "indirect"] == ["Short one,"]
    assert problems["too_long"] == 1
    assert all(q["end"] - q["start"] <= MAX_QUOTE_CHARS for q in found)


@pytest.mark.parametrize("body", ["", '"', '""', "”unbalanced“ marks ” and “", "no sentence at all " * 300,
                                  "«««»»»", '"\n\n"\n\n"', "x" * 10_000])
def test_bad_input_never_raises(body):
    found, _ = extract_quotes(body, [], "en")
    assert all(0 <= q["start"] <= q["end"] <= len(body) for q in found)


# Text made of quote marks, punctuation, paragraph breaks, a reporting verb, a pronoun and a name.
_MARKY_TEXT = st.lists(st.sampled_from(list('ab C,.:"“”«»„\'’\n ') + ["\n\n", " said ", " he ", "Jo Ko"]),
                       max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MARKY_TEXT)
def test_spans_always_index_the_quote_text(body):
    mention_list = mentions(body, ("Jo Ko", "PERSON"))
    found, _ = extract_quotes(body, mention_list, "en")
    for q in found:
        assert 0 <= q["start"] <= q["end"] <= len(body)
        span = body[q["start"]:q["end"]]
        if q["kind"] == "indirect":
            assert span == q["text"]
        else:
            assert CONTINUATION.sub(" ", span) == q["text"]
        assert q["speaker"] in (None, "Jo Ko")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["en", "fr", "es", "de", None]))
def test_arbitrary_text_never_raises(body, language):
    extract_quotes(body, [], language)


# -- gold -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gold_quotes():
    records = gold_records(("dev", "seeds"))
    models = {language: model(language) for language in {"en", "es"}}
    return {name: article["quotes"] for (name, _), article in zip(records, annotate_gold(records, models))}


def test_seed_quotes_and_speakers(gold_quotes):
    found = [(q["text"], q["speaker"]) for q in gold_quotes["000_870e9f19021f3a5b#0"] if q["kind"] != "indirect"]
    assert found == [
        ("Unfortunately, not only has there been no response to those overtures, but the response we’ve seen … "
         "has been renewed missile tests, something that is profoundly destabilizing. It’s dangerous and it "
         "contravenes a whole host of U.N. Security Council resolutions,", "Antony Blinken"),
        ("I think some of this is North Korea trying to get attention,", "Antony Blinken"),
        ("It’s done that in the past. They’ll probably continue to do that.", "Antony Blinken"),
        ("provocation", "Wi Sung-lac"),
        ("in a square manner.", "Wi Sung-lac"),
    ]


def test_dev01_two_paragraph_quote(gold_quotes):
    ekdahl = [q for q in gold_quotes["dev01#0"] if q["text"].startswith("Steel users")]
    assert [(q["text"], q["speaker"]) for q in ekdahl] == [(
        "Steel users will pay for this, and the Commission's own impact study talks about 'moderate price effects' "
        "without putting a number on it. We want a clear review clause so the measure can be loosened if prices "
        "spike,", "Lars Ekdahl")]


def test_dev04_organisation_speaker_and_spanish_inverted_attribution(gold_quotes):
    assert ("France already has some of the strictest rules in Europe,", "Airbnb") in \
        [(q["text"], q["speaker"]) for q in gold_quotes["dev04#0"]]
    spanish = [(q["text"], q["speaker"]) for q in gold_quotes["dev08#1"] if q["kind"] != "indirect"]
    assert ("No vamos a permitir que los jóvenes tengan que dedicar la mitad de su sueldo al alquiler",
            "Carmen Ortega") in spanish
