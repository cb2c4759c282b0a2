"""Language identification with py3langid's offline model (plain functions)."""
from __future__ import annotations

import functools
import re

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this probability the page's declared language (html lang, a JSONL field) wins.
CONFIDENT = 0.9
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*")


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Loaded on first use in each worker, never at import time.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str | None, sample_chars: int = 5000) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) of ``text``, or None for text too short to tell."""
    sample = (text or "")[:sample_chars]
    if len(sample.split()) < 3:
        return None
    lang, probability = _identifier().classify(sample)
    return lang, float(probability)


def detect_language(text: str | None, sample_chars: int = 5000) -> str | None:
    """ISO 639-1 code of ``text``, or None for text too short to tell."""
    found = identify_language(text, sample_chars)
    return found[0] if found else None


def language_tag(value: str | None) -> str | None:
    """The primary language of a declared tag: "en-US" -> "en", "es_ES" -> "es"."""
    if not value or not isinstance(value, str):
        return None
    match = _TAG.fullmatch(value.strip())
    return match.group(1).lower() if match else None


def article_language(text: str | None, declared: str | None = None) -> str | None:
    """The language of an article's text: what the model says when it is sure, else what
    the page declares, else the model's best guess. Site templates often declare one
    language for every page, so a confident reading of the text wins over the tag."""
    found = identify_language(text)
    declared = language_tag(declared)
    if found and (found[1] >= CONFIDENT or not declared):
        return found[0]
    return declared
