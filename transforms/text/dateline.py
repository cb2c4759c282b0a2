"""Datelines: the place (and often date and agency) that opens a wire story (plain functions).

    WASHINGTON (Reuters) -            TOKYO, March 5 (Reuters) -       NAIROBI, Kenya (AP) —
    Gaza City (Palestinian Territories) (AFP) –                         Madrid, 9 ene (EFE).-
    (Bloomberg) --                    New Delhi:                       BEIJING —
    TOKYO, Feb. 20 Kyodo -            (Kyodo style: a known wire service, no parentheses)

The dateline stays in the body; this module only reads it.
"""
from __future__ import annotations

import re

from transforms.text.credits import WIRE_AGENCIES, agency_name
from transforms.text.dates import month_number
from transforms.text.places import SENTENCE_OPENERS, dateline_country

# A word of a place name: "WASHINGTON", "Gaza", "St.", "N.Y.", "Aix-en-Provence", "O'Hare".
_WORD = r"[^\W\d_][^\W\d_'’.]*(?:[.'’][^\W\d_]*)*(?:-[^\W\d_]+[.'’]?)*"
_NAME = rf"{_WORD}(?:[ ]{_WORD}){{0,4}}"   # [ ]: a space that survives re.VERBOSE
_DAY_MONTH = r"(?:[^\W\d_]{3,10}\.?[ ]\d{1,2}|\d{1,2}[ ][^\W\d_]{3,10}\.?|\d{1,2})"
# A wire service's own name, as written (longest first: "Kyodo News" before "Kyodo").
_WIRE_NAME = "|".join(re.escape(alias) for alias in sorted(
    {alias for aliases in WIRE_AGENCIES.values() for alias in aliases}, key=len, reverse=True))
_DATELINE = re.compile(
    rf"""(?P<head>
           (?P<city>{_NAME}(?:\s?/\s?{_NAME})*)            # one city, or several: "WASHINGTON/NEW YORK"
           (?P<parts>(?:,\ ?(?:{_DAY_MONTH}|{_NAME}))*)     # ", Kenya", ", March 5", ", Calif., Jan. 8"
         )?
         (?P<parens>(?:\ ?\([^()\n]{{1,60}}\))*)          # "(Palestinian Territories)", "(AFP)"
         (?:\ (?P<bare_agency>{_WIRE_NAME})(?=\ ?\.?\ ?(?:--|[-–—])))?   # "Kyodo", before a dash only
         (?P<sep>\ ?\.?\ ?(?:--|[-–—])|:)?                 # " -", " —", ".-", " --", ":"
    """, re.VERBOSE)
_AGENCY = re.compile(r"[A-Za-z][\w&'’.]*(?:[ /-][A-Za-z][\w&'’.]*){0,3}")
_FIRST_CITY = re.compile(rf"{_NAME}")
# What follows a dateline without an agency opens the story: a capital, a quote, or a
# number and a word ("MUMBAI: 12 people..."), never a widget's value ("Jos: 24°C, Sunny").
_QUOTE_OR_COUNT = re.compile(r"""["“‘'«]|\d[\d,.]*\s+[^\W\d_]""")
# Sentences, not datelines, open with these: "In Washington (...) -", "But he said: ...".
# "The" stays allowed: "THE HAGUE (Reuters) -".
_SENTENCE_STARTS = SENTENCE_OPENERS - {"the"}
# Small words inside place names: "Rio de Janeiro", "Stratford upon Avon", "Frankfurt am Main".
_PARTICLES = frozenset("de del der di da das do dos du la le les los am an im upon on y el al of and".split())


def _name_words_ok(name: str) -> bool:
    """Capitalised words (particles aside), not opening like a sentence."""
    words = name.replace("/", " ").split()
    if not words or words[0].lower() in _SENTENCE_STARTS:
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words) and words[-1][0].isupper()


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _agency(text: str) -> str | None:
    """The agency of a parenthesis ("Reuters", "AP", "dpa"), or None for prose."""
    text = text.strip()
    if not _AGENCY.fullmatch(text):
        return None
    words = text.replace("/", " ").split()
    if any(w.lower() in _SENTENCE_STARTS for w in words):
        return None
    if all(w[0].isupper() for w in words) or (len(words) == 1 and len(text) <= 4):
        return text
    return None


def _is_known_place(city: str, regions: list, gazetteer) -> bool:
    """Without an agency, a dateline names a gazetteer place or gives its country
    ("Chibayish, Iraq –"); with no gazetteer to ask, it is in capitals ("BEIJING —")."""
    if gazetteer is None:
        return _is_upper(city)
    return gazetteer.is_place(city) or any(gazetteer.region_countries(region) for region in regions)


def _opens_story(text: str) -> bool:
    """Nothing (a dateline on a line of its own), or the start of a story's sentence."""
    text = text.strip()
    return not text or text[0].isupper() or bool(_QUOTE_OR_COUNT.match(text))


def _day_month(part: str) -> tuple[int, int] | None:
    """(month, day) of ", March 5" / ", 9 ene" / (month None) ", 9"; None when not a date."""
    tokens = part.split()
    numbers = [int(t) for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    if len(numbers) != 1 or not 1 <= numbers[0] <= 31 or len(words) > 1:
        return None
    if not words:
        return (None, numbers[0])
    month = month_number(words[0])
    return (month, numbers[0]) if month else None


def parse_dateline(paragraph: str | None, gazetteer=None) -> dict | None:
    """The dateline opening ``paragraph``, or None.

    Returns {raw, city, country, agency, regions, month, day, start, end, city_start,
    city_end}: ``raw`` is paragraph[start:end] (separator included, the space after it
    not), ``city`` paragraph[city_start:city_end] as written ("WASHINGTON", "Paris"; the
    first of "WASHINGTON/NEW YORK"; None for "(Bloomberg) --"), ``regions`` the country
    or state parts ("Kenya", "Palestinian Territories"), ``month``/``day`` the date part.

    With an agency in parentheses, or a known wire service's bare name before the dash
    ("TOKYO, Feb. 20 Kyodo -", ``agency`` then as WIRE_AGENCIES names it), any capitalised
    place name passes; without one, the place or its country must be in ``gazetteer`` (or
    the place in capitals when no gazetteer is given) and what follows must open a
    sentence ("Jos: 24°C, Sunny" is a weather widget); ``country`` is filled only with a
    gazetteer."""
    if not paragraph or not isinstance(paragraph, str):
        return None
    match = _DATELINE.match(paragraph, len(paragraph) - len(paragraph.lstrip()))
    if not match or not (match.group("head") or match.group("parens")):
        return None
    city_field, parts_field, parens, bare_agency, sep = match.group("city", "parts", "parens", "bare_agency", "sep")
    parens_texts = re.findall(r"\(([^()]*)\)", parens or "")
    if bare_agency:
        agency, regions = agency_name(bare_agency), [text.strip() for text in parens_texts]
    else:
        agency = _agency(parens_texts[-1]) if parens_texts else None
        if parens_texts and agency is None:
            return None
        regions = [text.strip() for text in parens_texts[:-1]]
    if sep is None:
        # Without a separator only "New Delhi, Jan 8 (PTI) The government..." is a dateline.
        story = paragraph[match.end():].lstrip()[:1]
        if agency is None or not (story.isupper() or story in "\"“‘'"):
            return None

    month = day = None
    for part in filter(None, (p.strip() for p in (parts_field or "").split(","))):
        date = _day_month(part)
        if date:
            month, day = date
        elif _name_words_ok(part):
            regions.append(part)
        else:
            return None

    city = city_start = city_end = None
    if city_field:
        if not _name_words_ok(city_field):
            return None
        first = _FIRST_CITY.match(city_field)
        city, city_start, city_end = first.group(0), match.start("city"), match.start("city") + first.end()
        if agency is None and not (_is_known_place(city, regions, gazetteer) and _opens_story(paragraph[match.end():])):
            return None
    elif agency is None or sep is None:
        return None  # "(Bloomberg) --" is the only dateline without a place

    raw = paragraph[match.start():match.end()].rstrip()
    country = dateline_country(gazetteer, city, regions) if gazetteer is not None and city else None
    return {"raw": raw, "city": city, "country": country, "agency": agency, "regions": regions,
            "month": month, "day": day, "start": match.start(), "end": match.start() + len(raw),
            "city_start": city_start, "city_end": city_end}


def find_dateline(paragraphs, gazetteer=None, max_lead_words: int = 30) -> tuple[int, dict] | None:
    """(index, dateline) of the first story paragraph's dateline. Short paragraphs before
    the story (a stray chrome line) are looked past; the first long one ends the search."""
    for index, paragraph in enumerate(paragraphs or ()):
        dateline = parse_dateline(paragraph, gazetteer)
        if dateline:
            return index, dateline
        if len((paragraph or "").split()) >= max_lead_words:
            return None
    return None
