"""Precision and recall of FindNearDuplicates (transforms/dedup.py) on generated syndication.

    python tools/dedup_eval.py [--seed 7] [--stories 0 (all)] [--thresholds 0.3,0.4,...]

The corpus is generated, deterministically from the seed, from the gold bodies of
tests/data/dev and tests/corpus (fictional wire stories of 150+ words):

Copies of a story (same gold cluster as the original), one of each type:
- chrome:     2-4 site chrome lines (Advertisement, Read more..., image credits) leaked
              into the body between paragraphs
- rewritten:  one paragraph after the first replaced by different text
- trimmed:    the last 1 to 35% of the paragraphs dropped (wire copy is cut from the end)
- dateline:   the dateline restyled ("BRUSSELS (Reuters) -" -> "Brussels, March 4
              (Thomson Reuters) —", or dropped)
- typography: straight/curly quotes swapped, dashes, double spaces, hard line wraps
- edited:     another house style: "5%" / "5 percent", "on Tuesday" / "Tuesday", single
              digits spelled out, British / American spellings, "Mr." / "Mr"
- combined:   chrome + dateline + typography + house style + a rewritten paragraph +
              up to 20% trimmed

Distinct stories (each its own cluster), the hard negatives:
- same-event: a fresh story about the same event: sentences recombined from many other
              stories (one or two from each), their names and figures replaced by this
              story's, so the entities overlap but the text does not
- follow-up:  a new lead written the same way, then two background paragraphs of the
              original kept verbatim, as wire follow-ups do
- templated:  the original's very wording with every name and figure replaced by other
              ones: a different story from the same template (results, weather, sport)

Pairs: two articles are predicted together when they share coalesce(duplicate_of,
doc_id). Precision and recall are over all unordered pairs; per-type recall is the
share of copies put with their original; per-type false links the share of negatives
put with any other story.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import itertools
import json
import os
import random
import re
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from math import comb

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from transforms.dedup import (DEFAULT_SHINGLE_SIZE, DEFAULT_THRESHOLD, FindNearDuplicates, lsh_bands,  # noqa: E402
                              shingles)
STORY_GLOBS = ("tests/data/dev/*.gold.json", "tests/corpus/*.gold.json")
MIN_STORY_WORDS = 150
COPY_TYPES = ("chrome", "rewritten", "trimmed", "dateline", "typography", "edited", "combined")
NEGATIVE_TYPES = ("same-event", "follow-up", "templated")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

CHROME_LINES = ("Advertisement", "Share this article", "Sign up for our morning briefing", "Skip to content",
                "Related coverage", "Follow us on X and Facebook", "This story has been updated.",
                "Photo: REUTERS/Staff", "AFP via Getty Images", "Copyright 2025 The Associated Press.",
                "Most read", "Listen to this article · 4 min", "Comments are closed for this story.")
AGENCY_NAMES = {"Reuters": "Thomson Reuters", "AP": "Associated Press", "AFP": "Agence France-Presse",
                "PTI": "Press Trust of India", "EFE": "Agencia EFE"}
MONTHS = ("January", "February", "March", "April", "May", "June")
_DATELINE = re.compile(r"^(?P<city>[A-ZÀ-Þ][A-ZÀ-Þ'’ .-]+?)(?:,\s*(?P<region>[^()\n]{1,40}?))?\s*"
                       r"\((?P<agency>[^)]{1,30})\)\s*[-—–]+\s*")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\b[A-ZÀ-Þ][\w’'-]*(?:\s+[A-ZÀ-Þ][\w’'-]*)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DIGIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# One outlet's house style against another's: each entry's alternatives are the two
# directions of one rule (or its one direction).
HOUSE_STYLES = (
    ((r"(\d)%", r"\1 percent"), (r"(\d) per ?cent\b", r"\1%")),
    ((r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", r"\1"),),
    ((r"\b([1-9]) (?=[a-z])", lambda m: _DIGIT_WORDS[int(m.group(1)) - 1] + " "),),
    ((r"\b(organi|recogni|criti|emphasi|apologi|mobili|prioriti)s(e|ed|es|ing|ation)\b", r"\1z\2"),
     (r"\b(organi|recogni|criti|emphasi|apologi|mobili|prioriti)z(e|ed|es|ing|ation)\b", r"\1s\2")),
    ((r"\b(lab|fav|neighb|hon|col|behavi)our", r"\1or"),),
    ((r"\b(Mr|Mrs|Ms|Dr)\. ", r"\1 "), (r"\b(Mr|Mrs|Ms|Dr) (?=[A-Z])", r"\1. ")),
)
# Capitalised words that are no names (sentence starts).
_NOT_NAMES = {"The", "A", "An", "He", "She", "It", "They", "We", "I", "But", "And", "In", "On", "At", "For",
              "If", "As", "This", "That", "There", "Its", "His", "Her", "Their", "Le", "La", "Les", "El",
              "Los", "Las", "Un", "Une", "Il", "Elle", "Mr", "Ms", "Mrs", "Dr", "After", "While", "Some"}


def load_stories(root: str = ROOT) -> list[str]:
    """Gold bodies of at least MIN_STORY_WORDS words, in file order."""
    stories = []
    for pattern in STORY_GLOBS:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            with open(path, encoding="utf-8") as f:
                gold = json.load(f)
            for record in gold.get("records", [gold]):
                body = record.get("body") or ""
                if len(body.split()) >= MIN_STORY_WORDS:
                    stories.append(body)
    return stories


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def sentences(body: str) -> list[str]:
    return [s for p in paragraphs(body) for s in _SENTENCE_END.split(p) if len(s.split()) >= 6]


def names(text: str) -> list[str]:
    """Capitalised word runs that are not sentence-start function words, most frequent first."""
    found = Counter()
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if words and len(" ".join(words)) > 2:
            found[" ".join(words)] += 1
    return [name for name, _ in found.most_common()]


def swap_entities(text: str, new_names: list[str], new_figures: list[str]) -> str:
    """``text`` with its names replaced by ``new_names`` (the most frequent by the first,
    and so on, cycling) and its figures by ``new_figures`` (cycling)."""
    if new_names:
        mapping = {old: new_names[i % len(new_names)] for i, old in enumerate(names(text))}
        if mapping:
            longest_first = re.compile("|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)))
            text = longest_first.sub(lambda m: mapping[m.group(0)], text)
    if new_figures:
        figures = itertools.cycle(new_figures)
        text = _NUMBER.sub(lambda m: next(figures), text)
    return text


# ---- copies -----------------------------------------------------------------------------

def with_chrome(body: str, rng: random.Random) -> str:
    paras = paragraphs(body)
    for line in rng.sample(CHROME_LINES, rng.randint(2, 4)):
        paras.insert(rng.randint(0, len(paras)), line)
    return "\n\n".join(paras)


def rewritten(body: str, rng: random.Random, other_bodies: list[str]) -> str:
    paras = paragraphs(body)
    index = rng.randint(1, len(paras) - 1)
    paras[index] = rng.choice(paragraphs(rng.choice(other_bodies)))
    return "\n\n".join(paras)


def trimmed(body: str, rng: random.Random, most: float = 0.35) -> str:
    paras = paragraphs(body)
    drop = rng.randint(1, max(1, round(len(paras) * most)))
    return "\n\n".join(paras[:len(paras) - drop])


def restyled_dateline(body: str, rng: random.Random) -> str:
    match = _DATELINE.match(body)
    if not match:
        return f"{rng.choice(['LONDON', 'PARIS', 'NEW DELHI'])} (Reuters) - {body}"
    city, agency = match.group("city").strip(), match.group("agency")
    styles = (f"{city.title()}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({AGENCY_NAMES.get(agency, agency)}) — ",
              f"{city} ({agency}) -- ",
              f"{city.title()} — ",
              "")
    return rng.choice(styles) + body[match.end():]


def retyped(body: str, rng: random.Random) -> str:
    if "“" in body or "’" in body:
        text = body.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    else:
        text = re.sub(r'"([^"]*)"', r"“\1”", body).replace("'", "’")
    text = text.replace(" — ", " -- ").replace(". ", ".  ")
    wrapped = []
    for para in paragraphs(text):
        words, lines, line = para.split(" "), [], ""
        for word in words:
            if len(line) + len(word) > rng.randint(60, 80):
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        wrapped.append("\n".join(lines + [line]))
    return "\n\n".join(wrapped)


def edited(body: str, rng: random.Random) -> str:
    for alternatives in HOUSE_STYLES:
        if rng.random() < 0.8:
            pattern, replacement = rng.choice(alternatives)
            body = re.sub(pattern, replacement, body)
    return body


def combined(body: str, rng: random.Random, other_bodies: list[str]) -> str:
    body = rewritten(trimmed(body, rng, most=0.2), rng, other_bodies)
    return with_chrome(retyped(edited(restyled_dateline(body, rng), rng), rng), rng)


# ---- distinct stories -------------------------------------------------------------------

def fresh_text(body: str, rng: random.Random, other_bodies: list[str], n_sentences: int) -> str:
    """Sentences recombined from many other stories (at most two from each), with this
    story's names and figures: about the same event, in other words."""
    donors = rng.sample(other_bodies, min(len(other_bodies), max(1, (n_sentences + 1) // 2)))
    picked = [s for donor in donors for s in rng.sample(sentences(donor), min(2, len(sentences(donor))))]
    rng.shuffle(picked)
    text = swap_entities(" ".join(picked[:n_sentences]), names(body)[:8], _NUMBER.findall(body)[:8])
    words = text.split(" ")
    cuts = sorted(rng.sample(range(20, len(words) - 10), min(3, max(0, len(words) // 60)))) if len(words) > 40 else []
    parts = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)])]
    return "\n\n".join(parts)


def same_event(body: str, rng: random.Random, other_bodies: list[str]) -> str:
    return fresh_text(body, rng, other_bodies, max(8, len(sentences(body)) - 2))


def follow_up(body: str, rng: random.Random, other_bodies: list[str]) -> str:
    paras = paragraphs(body)
    start = rng.randint(2, max(2, len(paras) - 2))
    return fresh_text(body, rng, other_bodies, 6) + "\n\n" + "\n\n".join(paras[start:start + 2])


def templated(body: str, rng: random.Random, other_bodies: list[str]) -> str:
    donor = rng.choice(other_bodies)
    figures = [str(rng.randint(2, 900)) for _ in range(12)]
    return swap_entities(body, names(donor)[:12], figures)


# ---- corpus -----------------------------------------------------------------------------

def make_corpus(seed: int, stories: list[str]) -> list[dict]:
    """Articles (doc_id, source_uri, source_record, body, published_at) with their gold
    cluster and type ("original", a copy type or a negative type) under ``gold``."""
    rng = random.Random(seed)
    articles = []

    def add(body, cluster, kind, story, published):
        uri = f"synthetic://{kind}/{story:03d}/{len(articles):05d}.html"
        articles.append({"doc_id": f"{story:03d}-{kind}-{len(articles):05d}", "source_uri": uri, "source_record": 0,
                         "body": body, "published_at": published,
                         "gold": {"cluster": cluster, "kind": kind, "story": story}})

    copy_makers = {"chrome": lambda b, o: with_chrome(b, rng), "rewritten": lambda b, o: rewritten(b, rng, o),
                   "trimmed": lambda b, o: trimmed(b, rng), "dateline": lambda b, o: restyled_dateline(b, rng),
                   "typography": lambda b, o: retyped(b, rng), "edited": lambda b, o: edited(b, rng),
                   "combined": lambda b, o: combined(b, rng, o)}
    negative_makers = {"same-event": same_event, "follow-up": follow_up, "templated": templated}
    for story, body in enumerate(stories):
        others = stories[:story] + stories[story + 1:]
        base = dt.datetime(2025, 1, 1, 6, tzinfo=dt.timezone.utc) + dt.timedelta(days=story)
        add(body, f"story-{story}", "original", story, base)
        for kind in COPY_TYPES:
            published = None if rng.random() < 0.15 else base + dt.timedelta(minutes=rng.randint(-30, 600))
            add(copy_makers[kind](body, others), f"story-{story}", kind, story, published)
        for kind in NEGATIVE_TYPES:
            published = base + dt.timedelta(minutes=rng.randint(-120, 1440))
            add(negative_makers[kind](body, rng, others), f"{kind}-{story}", kind, story, published)
    return articles


def run_stage(articles: list[dict], threshold: float, **params) -> dict[str, str | None]:
    """{doc_id: duplicate_of} from FindNearDuplicates on the DirectRunner (None for an
    article it does not link)."""
    options = PipelineOptions(["--direct_running_mode=in_memory", "--direct_num_workers=1"])
    inputs = [{k: v for k, v in a.items() if k != "gold"} for a in articles]
    with tempfile.TemporaryDirectory() as tmp:
        with beam.Pipeline(options=options) as pipeline:
            _ = (pipeline
                 | beam.Create(inputs)
                 | FindNearDuplicates(threshold=threshold, **params)
                 | beam.MapTuple(lambda doc_id, first: json.dumps([doc_id, first]))
                 | beam.io.WriteToText(os.path.join(tmp, "marks")))
        marks = dict.fromkeys((a["doc_id"] for a in articles), None)
        for path in glob.glob(os.path.join(tmp, "marks*")):
            with open(path, encoding="utf-8") as f:
                marks.update(json.loads(line) for line in f)
    return marks


def score(articles: list[dict], marks: dict[str, str | None]) -> dict:
    """Pair precision/recall, per-type copy recall and per-type negative false links."""
    predicted = {a["doc_id"]: marks[a["doc_id"]] or a["doc_id"] for a in articles}
    gold = {a["doc_id"]: a["gold"]["cluster"] for a in articles}
    pairs = lambda groups: sum(comb(n, 2) for n in Counter(groups).values())  # noqa: E731
    true_pairs = pairs((predicted[d], gold[d]) for d in predicted)
    predicted_pairs, gold_pairs = pairs(predicted.values()), pairs(gold.values())
    clusters_of = defaultdict(set)
    for doc_id, cluster in predicted.items():
        clusters_of[cluster].add(gold[doc_id])
    original = {a["gold"]["story"]: a["doc_id"] for a in articles if a["gold"]["kind"] == "original"}
    found, total = Counter(), Counter()
    for a in articles:
        kind = a["gold"]["kind"]
        if kind in COPY_TYPES:
            total[kind] += 1
            found[kind] += predicted[a["doc_id"]] == predicted[original[a["gold"]["story"]]]
        elif kind in NEGATIVE_TYPES:
            total[kind] += 1
            found[kind] += len(clusters_of[predicted[a["doc_id"]]]) > 1
    return {"precision": true_pairs / predicted_pairs if predicted_pairs else 1.0,
            "recall": true_pairs / gold_pairs if gold_pairs else 1.0,
            "predicted_pairs": predicted_pairs, "true_pairs": true_pairs, "gold_pairs": gold_pairs,
            "per_type": {kind: found[kind] / total[kind] for kind in COPY_TYPES + NEGATIVE_TYPES if total[kind]}}


def jaccard_by_type(articles: list[dict], shingle_size: int) -> dict[str, tuple[float, float, float]]:
    """(min, median, max) exact Jaccard similarity of each type's shingles to its original's."""
    original = {a["gold"]["story"]: shingles(a["body"], shingle_size) for a in articles
                if a["gold"]["kind"] == "original"}
    values = defaultdict(list)
    for a in articles:
        if a["gold"]["kind"] != "original":
            mine, theirs = shingles(a["body"], shingle_size), original[a["gold"]["story"]]
            values[a["gold"]["kind"]].append(len(mine & theirs) / len(mine | theirs))
    return {kind: (min(v), statistics.median(v), max(v)) for kind, v in values.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stories", type=int, default=0, help="use the first N stories (0: all)")
    ap.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    ap.add_argument("--shingle_size", type=int, default=DEFAULT_SHINGLE_SIZE)
    ap.add_argument("--num_perm", type=int, default=128)
    args = ap.parse_args(argv)
    stories = load_stories()[:args.stories or None]
    articles = make_corpus(args.seed, stories)
    print(f"{len(stories)} stories -> {len(articles)} articles (seed {args.seed}, shingles of "
          f"{args.shingle_size} words, {args.num_perm} permutations)\n")
    print("exact Jaccard to the original (min / median / max):")
    for kind, (low, mid, high) in jaccard_by_type(articles, args.shingle_size).items():
        print(f"  {kind:<11} {low:.2f} / {mid:.2f} / {high:.2f}")
    header = "threshold  bands x rows  precision  recall  pairs(pred/true/gold)  " + "  ".join(
        f"{k[:10]:>10}" for k in COPY_TYPES + NEGATIVE_TYPES)
    print("\nper type: share of copies found with their original | share of negatives wrongly linked\n")
    print(header)
    defaults = (DEFAULT_THRESHOLD, DEFAULT_SHINGLE_SIZE)
    for threshold in (float(t) for t in args.thresholds.split(",")):
        result = score(articles, run_stage(articles, threshold, shingle_size=args.shingle_size,
                                           num_perm=args.num_perm))
        bands, rows = lsh_bands(threshold, args.num_perm)
        print(f"{threshold:<9}{'*' if (threshold, args.shingle_size) == defaults else ' '} {bands:>4} x {rows:<6} "
              f"{result['precision']:>9.3f} {result['recall']:>7.3f}  "
              f"{result['predicted_pairs']:>6}/{result['true_pairs']}/{result['gold_pairs']:<10}  "
              + "  ".join(f"{result['per_type'][k]:>10.2f}" for k in COPY_TYPES + NEGATIVE_TYPES))
    print("\n* the default threshold of FindNearDuplicates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
