"""Plain-text page dumps to article parts (plain functions)."""
from __future__ import annotations

import re

_BLANK = re.compile(r"\n\s*\n")


def clean_text_dump(text: str, site_chrome: frozenset = frozenset()) -> dict:
    """{"headline", "paragraphs", "captions", "meta"} of a text dump."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in _BLANK.split(text) if b.strip()]
    if not blocks:
        return {"headline": None, "paragraphs": [], "captions": [], "meta": {}}
    first_line, _, rest = blocks[0].partition("\n")
    paragraphs = ([rest.strip()] if rest.strip() else []) + blocks[1:]
    return {"headline": first_line.strip(), "paragraphs": paragraphs, "captions": [], "meta": {}}
