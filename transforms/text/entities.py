"""Entities of a story from a spaCy Doc (plain functions)."""
from __future__ import annotations

from collections import Counter

KEPT_LABELS = {"PERSON", "PER", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}


def annotate_entities(article: dict, doc) -> dict:
    """Fills ``mentions`` and ``entities`` of ``article`` from the spaCy ``doc`` of its body."""
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        label = "PERSON" if ent.label_ == "PER" else ent.label_
        mentions.append({"text": ent.text, "label": label, "start": ent.start_char, "end": ent.end_char,
                         "name": ent.text})
    counts = Counter((m["name"], m["label"]) for m in mentions)
    article["mentions"] = mentions
    article["entities"] = [{"name": n, "label": l, "count": c} for (n, l), c in counts.items()]
    return article
