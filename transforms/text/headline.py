"""Headlines: page titles without the site's name (plain functions)."""
from __future__ import annotations

import re

# "Headline | Site", "Headline - Site", "Headline — Section | Site"
_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")
_TRAILING_SEPARATOR = re.compile(r"\s*(?:\||-|–|—|::|·|•)\s*$")


def _same_site(segment: str, sitename: str) -> bool:
    strip = lambda s: re.sub(r"^the\s+", "", s.strip().lower())  # noqa: E731
    return bool(sitename) and strip(segment) == strip(sitename)


def strip_site_suffix(title: str | None, sitename: str | None = None) -> str | None:
    """``title`` without trailing site or section names ("... | The Dublin Post").

    A trailing segment goes when it is the known site name, or when it is short and
    name-like (at most 5 words, no sentence punctuation) and what remains still reads as
    a headline (4+ words). Segments go from the end, one at a time, so "Section | Site"
    both go while "Hamas - Israel talks resume" stays whole."""
    if not title:
        return title
    title = re.sub(r"\s+", " ", title).strip()
    while True:
        separators = list(_SEPARATOR.finditer(title))
        if not separators:
            return title
        last_sep = separators[-1]
        head, last = title[: last_sep.start()].strip(), title[last_sep.end():].strip()
        name_like = len(last.split()) <= 5 and not re.search(r"[.?!]$", last)
        if len(head.split()) < 4 or not (_same_site(last, sitename or "") or name_like):
            return title
        title = _TRAILING_SEPARATOR.sub("", head)
