"""Stage 4 (transforms/nlp.py): model loading, the annotation of one article, the gold
figures on the gold bodies, and the Beam transform."""
from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.utils.shared import Shared
from hypothesis import given, settings
from hypothesis import strategies as st

import transforms.nlp as nlp_stage
from tests.nlp_harness import MODELS, annotate_gold, evaluate, gold_records, model
from transforms.nlp import (MAX_TOKEN_CHARS, AnnotateArticles, AnnotateBatchFn, annotate, load_model, model_pieces,
                            model_text, pipe_groups)
from transforms.text.quotes import MAX_QUOTE_CHARS, MAX_QUOTE_PARAGRAPHS

SEED = "000_870e9f19021f3a5b#0"


def test_only_the_entity_recogniser_is_loaded():
    assert model("en").pipe_names == ["ner"]
    assert load_model(MODELS["es"]).pipe_names == ["ner"]


def test_an_article_without_a_model_gets_quotes_but_no_entities():
    article = {"body": 'Der Streik geht weiter.\n\n"Wir geben nicht auf", sagte er.', "language": "de"}
    problems = annotate(article, None, 200_000)
    assert article["entities"] == [] and article["mentions"] == []
    assert [q["text"] for q in article["quotes"]] == ["Wir geben nicht auf"]
    assert problems == {}


def test_body_past_max_chars_is_cut_for_entities_and_quotes():
    body = 'Ana Morales spoke. "We will win," she said. ' + "x" * 100 + ' "Later," said Tom Berg.'
    article = {"body": body, "language": "en"}
    annotate(article, model("en")(body[:60]), 60)
    assert all(m["end"] <= 60 for m in article["mentions"])
    assert [q["text"] for q in article["quotes"] if q["kind"] != "indirect"] == ["We will win,"]


def test_gold_figures_on_dev_and_seeds_meet_the_targets():
    records = gold_records(("dev", "seeds"))
    figures = evaluate(records, annotate_gold(records, {language: model(language) for language in ("en", "es")}))
    assert figures["quote_f1"] >= 0.9
    assert figures["speaker_surname_acc"] >= 0.9
    assert figures["speaker_fullname_acc"] >= 0.85
    assert figures["entity_recall"] >= 0.9
    assert figures["entity_leaks"] == 0


def speakers(article: dict) -> list[tuple[str, str]]:
    return [(q["text"][:30], q["speaker"]) for q in article["quotes"] if q["kind"] != "indirect"]


def test_speakers_are_full_names_after_titles_and_honorifics_with_the_model():
    body = ("SINGAPORE – Hawker centres in Toa Payoh will trial cashless payment kiosks from May, the Housing "
            "Board said on Tuesday.\n\n"
            "“Older customers still prefer cash, so we will keep both options,” said Minister of State for "
            "Manpower and Home Affairs Koh Pei Shan during a visit to a market on Tuesday.\n\n"
            "Madam Ng Soo Hwa, 66, who sells kaya toast there, said she was worried about fees.\n\n"
            "“I earn very little per cup of coffee. If the bank takes a cut, what is left?” said Madam Ng.\n\n"
            "Assistant Professor Lau Chee Keong of the Singapore Management University said: “Small merchants "
            "need fee caps written into the contract.”")
    article = {"body": body, "language": "en"}
    annotate(article, model("en")(body), 200_000)
    assert speakers(article) == [("Older customers still prefer c", "Koh Pei Shan"),
                                 ("I earn very little per cup of ", "Ng Soo Hwa"),
                                 ("Small merchants need fee caps ", "Lau Chee Keong")]
    assert {"Koh Pei Shan", "Ng Soo Hwa", "Lau Chee Keong"} <= {
        e["name"] for e in article["entities"] if e["label"] == "PERSON"}


def test_spanish_titles_give_the_person_and_surnames_the_full_name_with_the_model():
    body = ("Buenos Aires, 3 mar (EFE).- La pesca de calamar se reducirá un 15 % esta temporada.\n\n"
            "«No es una crisis, pero hay que ser prudentes», afirmó el secretario de Agricultura, Ganadería y "
            "Pesca, Martín Olmedo, en una rueda de prensa.\n\n"
            "La bióloga del CONICET Lucía Ferreyra advirtió que la especie está «bajo presión».\n\n"
            "«Los juveniles no llegan a reproducirse», dijo Ferreyra a EFE.")
    article = {"body": body, "language": "es",
               "dateline": {"raw": "Buenos Aires, 3 mar (EFE).-", "city": "Buenos Aires", "agency": "EFE"}}
    annotate(article, model("es")(body), 200_000)
    assert speakers(article) == [("No es una crisis, pero hay que", "Martín Olmedo"),
                                 ("bajo presión", "Lucía Ferreyra"),
                                 ("Los juveniles no llegan a repr", "Lucía Ferreyra")]
    assert {e["name"] for e in article["entities"] if e["label"] == "PERSON"} == {"Martín Olmedo", "Lucía Ferreyra"}


# -- Beam ----------------------------------------------------------------------------------------

def _articles() -> list[dict]:
    seed = dict(next(rec for name, rec in gold_records(("seeds",)) if name == SEED))
    return [
        {"doc_id": "d1", "source_uri": "seed.txt", "source_record": 0, "body": seed["body"], "language": "en",
         "credits": seed["credits"], "dateline": None},
        {"doc_id": "d2", "source_uri": "es.jsonl", "source_record": 1, "language": "es", "credits": [], "dateline": None,
         "body": '"Es un buen plan", afirmó la ministra de Vivienda, Carmen Ortega, en Madrid.'},
        {"doc_id": "d3", "source_uri": "de.txt", "source_record": 0, "language": "de", "credits": [], "dateline": None,
         "body": 'Die Regierung in Berlin schweigt.\n\n"Wir warten", sagte Anna Schulz.'},
        {"doc_id": "d4", "source_uri": "broken.txt", "source_record": 0, "language": "en", "body": 12345},
    ]


def _summary(article: dict) -> tuple:
    return (article["source_uri"], sorted({e["name"] for e in article["entities"]} & {
        "Antony Blinken", "North Korea", "Carmen Ortega", "Madrid", "Berlin"}),
        sorted({q["speaker"] for q in article["quotes"] if q["kind"] != "indirect" and q["speaker"]}))


def test_annotate_articles_in_beam_loads_each_model_once(monkeypatch):
    loads = []

    def counting_load(package, *args):
        loads.append(package)
        return load_model(package, *args)

    monkeypatch.setattr(nlp_stage, "load_model", counting_load)
    models = {"en": MODELS["en"], "es": MODELS["es"]}
    pipeline = test_pipeline.TestPipeline()
    out = (pipeline | beam.Create(_articles())
           | AnnotateArticles(models, default_language="en", batch_size=1))
    assert_that(out["articles"] | beam.Map(_summary), equal_to([
        ("seed.txt", ["Antony Blinken", "North Korea"], ["Antony Blinken", "Wi Sung-lac"]),
        ("es.jsonl", ["Carmen Ortega", "Madrid"], ["Carmen Ortega"]),
        ("de.txt", [], []),
    ]), label="articles")
    assert_that(out["dead"] | beam.Map(lambda d: (d["source_uri"], d["stage"], d["reason"])),
                equal_to([("broken.txt", "nlp", "exception")]), label="dead")
    result = pipeline.run()
    result.wait_until_finish()
    counters = {c.key.metric.name: c.committed for c in result.metrics().query(
        MetricsFilter().with_namespace("wirebeam"))["counters"]}
    assert counters["nlp.no_model"] == 1 and counters["nlp.out"] == 3
    assert sorted(loads) == sorted(models.values())    # four batches, one load per model


def test_long_runs_are_blanked_for_the_model_with_offsets_kept():
    body = "Foreign Minister Ana Morales arrived in Madrid on Monday. " + '"' * 5000 + " She left Madrid."
    text, blanked = model_text(body, 200_000)
    assert blanked == 1 and len(text) == len(body) and '"' * (MAX_TOKEN_CHARS + 1) not in text
    article = {"body": body, "language": "en"}
    annotate(article, model("en")(text), 200_000)
    assert [(m["text"], body[m["start"]:m["end"]]) for m in article["mentions"]] == [
        ("Ana Morales", "Ana Morales"), ("Madrid", "Madrid"), ("Madrid", "Madrid")]


@pytest.mark.parametrize("body", ['"' * 5000, "«" + "mot " * 20_000, "\n\n".join(['"x'] * 3000)])
def test_pathological_bodies_are_annotated_without_runaway_quotes(body):
    article = {"body": body, "language": "en"}
    text, _ = model_text(body, 200_000)
    annotate(article, model("en")(text), 200_000)
    for q in article["quotes"]:
        assert len(q["text"]) <= MAX_QUOTE_CHARS
        assert body.count("\n\n", q["start"], q["end"]) < MAX_QUOTE_PARAGRAPHS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=400), st.integers(min_value=1, max_value=40))
def test_model_pieces_are_the_text_cut_at_breaks(text, piece_chars):
    pieces = model_pieces(text, piece_chars)
    assert "".join(pieces) == text
    assert all(len(piece) <= piece_chars for piece in pieces)
    for piece in pieces[:-1]:
        # A piece ends after a break whenever its window had one.
        assert piece.endswith((" ", "\n")) or not any(c in " \n" for c in piece[1:])


def test_pipe_groups_keep_order_and_the_character_budget():
    texts = ["a" * 30, "b" * 30, "c" * 50, "d" * 10, "e" * 90]
    assert list(pipe_groups(texts, budget=60)) == [texts[:2], texts[2:4], texts[4:]]


def test_a_long_body_is_read_in_pieces_with_the_entities_of_the_whole():
    paragraph = ("Harbour master Elena Varga said on Monday that cargo through Rotterdam had risen, "
                 "and Antony Blinken was expected in Hamburg.")
    body = "\n\n".join([paragraph] * 400)          # ~50,000 characters: three pieces
    assert len(model_pieces(body)) == 3
    fn = AnnotateBatchFn({"en": MODELS["en"]}, "en", Shared(), 200_000)
    fn.setup()
    [pieced] = fn._docs("en", [body])
    whole = model("en")(body)
    assert pieced.text == body
    assert [(e.start_char, e.end_char, e.label_) for e in pieced.ents] == \
        [(e.start_char, e.end_char, e.label_) for e in whole.ents]
