"""Language identification with py3langid's offline model (plain functions)."""
from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Loaded on first use in each worker, never at import time.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, sample_chars: int = 5000) -> str | None:
    """ISO 639-1 code of ``text``, or None for text too short to tell."""
    sample = (text or "")[:sample_chars]
    if len(sample.split()) < 3:
        return None
    lang, _ = _identifier().classify(sample)
    return lang
