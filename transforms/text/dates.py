"""Publication dates (plain functions).

Where a date comes from, best first: the page's metadata (JSON-LD, meta tags, a JSONL
field), a visible "Published/Updated ..." stamp among the chrome lines, the dateline's
day and month with a year found elsewhere in the file, a date in the URL. A value that
is not a full calendar date gives nothing: never the ingestion time, never "2 hours ago".
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zoneinfo

from dateutil import parser as dateparser

# Years outside this range are typos or garbage, not publication dates.
MIN_YEAR, MAX_YEAR = 1900, 2100

# Languages whose month names (from Babel's CLDR data) a stamp or dateline may use.
MONTH_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl")

# Zone abbreviations seen on news pages. A zone not listed leaves the clock time as UTC,
# which moves the date only for stamps within hours of midnight.
ZONES = {
    "GMT": "UTC", "UTC": "UTC", "Z": "UTC",
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "BST": "Europe/London", "CET": "Europe/Paris", "CEST": "Europe/Paris", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow", "IST": "Asia/Kolkata", "PKT": "Asia/Karachi",
    "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
}

_MONTH_WORD = r"[^\W\d_]{3,10}\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"   # no \b after it: "20259:12 AM" glues a time to the year


def _time(prefix: str = "") -> str:
    """A clock time with an optional AM/PM and zone; group names start with ``prefix``."""
    return (rf"(?P<{prefix}hour>\d{{1,2}})[:.](?P<{prefix}minute>\d{{2}})(?::\d{{2}})?"
            rf"\s*(?P<{prefix}ampm>[ap]\.?\s?m\.?)?"
            rf"(?:\s*(?P<{prefix}zone>(?-i:(?:GMT|UTC)\s?[+-]\s?\d{{1,2}}(?::?\d{{2}})?|[+-]\d{{2}}:?\d{{2}}"
            rf"|[A-Z]{{1,5}}(?![a-z]))))?")


_DATE_FORMS = (
    rf"(?P<month_a>{_MONTH_WORD})\s+(?P<day_a>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}",   # March 4, 2025 / Jan 8 2025
    rf"(?P<day_b>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<month_b>{_MONTH_WORD})\s+(?:de\s+)?"
    rf"(?P<year_b>(?:19|20)\d{{2}})",                                                      # 19 Nov 2024 / 9 de enero de 2025
    r"(?P<year_c>(?:19|20)\d{2})-(?P<month_c>\d{1,2})-(?P<day_c>\d{1,2})(?!\d)",          # 2025-03-04
    r"(?P<day_d>\d{1,2})[/.](?P<month_d>\d{1,2})[/.](?P<year_d>(?:19|20)\d{2})",          # 08/01/2025 (day first)
)
_DATE = "(?:" + "|".join(f"(?:{form})" for form in _DATE_FORMS) + ")"
# A label that says what the stamp is; the kind decides which stamp is the publication date.
_LABEL = (r"(?P<label>(?:first\s+)?published|posted|issued|released|date|publi[ée]e?|publicado|"
          r"ver[öo]ffentlicht|pubblicato|(?:last\s+)?updated|modified|mis\s+[àa]\s+jour|actualizado|"
          r"aktualisiert|aggiornato)(?:\s+(?:on|at|le|el|am|il))?\s*[:\-–—]?\s*")
_WEEKDAY = r"(?:[^\W\d_]{3,9}\.?,?\s+)"
_STAMP = re.compile(rf"^\s*(?:{_LABEL})?{_WEEKDAY}?(?:{_time('pre_')}\s*,?\s*)?"
                    rf"{_WEEKDAY}?{_DATE}(?:\s*[,/|-]?\s*(?:at\s+)?{_time()})?", re.IGNORECASE)
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
# Stamps often share a line with other chrome: "By Jane Doe | Published January 8, 2025".
_CHROME_SEPARATOR = re.compile(r"\s+[|·•]\s+")
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d{2}\s*[-–]\s*)?((?:19|20)\d{2})(?!\d)",
                             re.IGNORECASE)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([/-])(\d{1,2})\2(\d{1,2})(?!\d)")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")
_UPDATE_LABELS = re.compile(r"updated|modified|mis\s+[àa]\s+jour|actualizado|aktualisiert|aggiornato", re.I)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=1)
def _month_numbers() -> dict:
    """{folded month name or abbreviation: 1..12} in MONTH_LANGUAGES, from Babel's CLDR data."""
    from babel.dates import get_month_names  # noqa: PLC0415 - locale data loads on first use only
    months = {}
    for language in MONTH_LANGUAGES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    months[_fold(name).rstrip(".")] = number
    months["sept"] = 9  # the English abbreviation CLDR does not list ("Sept. 8")
    return months


def month_number(word: str | None) -> int | None:
    """1..12 for a month name or abbreviation ("March", "Jan.", "ene", "janv."), else None."""
    if not word:
        return None
    return _month_numbers().get(_fold(word).rstrip("."))


def _aware_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
               zone: str | None = None) -> dt.datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        local = dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return local.replace(tzinfo=_tzinfo(zone)).astimezone(dt.timezone.utc)


def _tzinfo(zone: str | None) -> dt.tzinfo:
    if not zone:
        return dt.timezone.utc
    zone = zone.upper().replace(" ", "")
    offset = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", zone)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes > 59:
            return dt.timezone.utc
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    name = ZONES.get(zone)
    return zoneinfo.ZoneInfo(name) if name else dt.timezone.utc


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An explicit metadata timestamp (ISO 8601, RFC 2822, epoch seconds or milliseconds)
    to an aware UTC datetime, or None. A value without a zone is taken as UTC; a value
    missing its year, month or day is no timestamp (dateutil would fill them from today)."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if _EPOCH.fullmatch(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        parsed = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None
    try:
        # Two different defaults: a field the value does not give differs between the two.
        first = dateparser.parse(value, default=dt.datetime(1904, 1, 1))
        second = dateparser.parse(value, default=dt.datetime(1908, 2, 2))
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    if first is None or first.date() != second.date() or not MIN_YEAR <= first.year <= MAX_YEAR:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.timezone.utc)
    try:
        return first.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        return None


def _date_parts(match: re.Match) -> tuple[int, int, int] | None:
    """(year, month, day) of a _DATE match, or None when the month word is no month."""
    g = match.groupdict()
    if g.get("month_a"):
        month, day, year = month_number(g["month_a"]), g["day_a"], g["year"]
    elif g.get("month_b"):
        month, day, year = month_number(g["month_b"]), g["day_b"], g["year_b"]
    elif g.get("month_c"):
        month, day, year = int(g["month_c"]), g["day_c"], g["year_c"]
    else:
        month, day, year = int(g["month_d"]), g["day_d"], g["year_d"]
        if month > 12 >= int(day):  # 12/31/2025: an American month-first date
            month, day = int(day), month
    return (int(year), month, int(day)) if month else None


def _clock(hour: str | None, minute: str | None, ampm: str | None) -> tuple[int, int]:
    if hour is None:
        return 0, 0
    h, m = int(hour), int(minute)
    if ampm:
        pm = ampm.strip().lower().startswith("p")
        h = h % 12 + (12 if pm else 0)
    return (h, m) if h < 24 and m < 60 else (0, 0)


def parse_stamp(line: str | None) -> tuple[dt.datetime, str] | None:
    """A visible date stamp ("Updated 3:14 PM GMT+1, March 4, 2025", "Tue 19 Nov 2024
    07.00 GMT", "March 5, 20259:12 AM GMTUpdated 2 hours ago") to (UTC datetime, kind),
    kind "updated" or "published" (also for an unlabelled stamp). None when the line does
    not start with a full date: a caption or a headline that holds a date is no stamp."""
    if not line or not isinstance(line, str):
        return None
    match = _STAMP.match(line)
    if not match:
        return None
    parts = _date_parts(match)
    if parts is None:
        return None
    g = match.groupdict()
    if g.get("hour") is not None:
        hour, minute = _clock(g["hour"], g["minute"], g["ampm"])
        zone = g.get("zone")
    else:
        hour, minute = _clock(g.get("pre_hour"), g.get("pre_minute"), g.get("pre_ampm"))
        zone = g.get("pre_zone")
    when = _aware_utc(*parts, hour, minute, zone)
    if when is None:
        return None
    kind = "updated" if g.get("label") and _UPDATE_LABELS.search(g["label"]) else "published"
    return when, kind


def find_stamp(lines) -> dt.datetime | None:
    """The publication date among chrome lines: the first "published" (or unlabelled)
    stamp, else the first "updated" one."""
    updated = None
    for line in lines or ():
        if not isinstance(line, str):
            continue
        for segment in _CHROME_SEPARATOR.split(line):
            stamp = parse_stamp(segment)
            if stamp is None:
                continue
            when, kind = stamp
            if kind == "published":
                return when
            updated = updated or when
    return updated


def find_year(lines, month: int | None = None, day: int | None = None) -> int | None:
    """The year a file gives outside its dateline: a full date with the dateline's month
    and day, else a copyright notice ("© 2025 Reuters"), else the first full date."""
    lines = [line for line in lines or () if isinstance(line, str)]
    full_dates = [parts for line in lines for m in _ANY_DATE.finditer(line) if (parts := _date_parts(m))]
    for year, m, d in full_dates:
        if (m, d) == (month, day):
            return year
    for line in lines:
        copyright_year = _COPYRIGHT_YEAR.search(line)
        if copyright_year:
            return int(copyright_year.group(1))
    return full_dates[0][0] if full_dates else None


def date_from_url(url: str | None) -> dt.datetime | None:
    """A date in a URL path (/2025/01/08/, -2025-01-08), or None."""
    if not url or not isinstance(url, str):
        return None
    for match in _URL_DATE.finditer(url):
        when = _aware_utc(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if when is not None:
            return when
    return None


def publication_date(meta: dict, dateline: dict | None = None, captions=(), url: str | None = None) -> dict:
    """{"published_at", "date_source", "unparsed"} of an article: the first source that
    gives a full date, in the order metadata, chrome-line, dateline (+ a year from the
    chrome or captions), url. ``unparsed`` lists metadata values that were not dates."""
    unparsed = []
    published = meta.get("published")
    when = parse_timestamp(published)
    if when is None and published:
        unparsed.append(published)
    if when is not None:
        return {"published_at": when, "date_source": "metadata", "unparsed": unparsed}
    chrome = [*(meta.get("date_lines") or ()), *(meta.get("chrome") or ())]
    when = find_stamp(chrome)
    if when is not None:
        return {"published_at": when, "date_source": "chrome-line", "unparsed": unparsed}
    modified = meta.get("modified")
    when = parse_timestamp(modified)
    if when is None and modified:
        unparsed.append(modified)
    if when is not None:
        return {"published_at": when, "date_source": "metadata", "unparsed": unparsed}
    if dateline and dateline.get("month") and dateline.get("day"):
        year = find_year([*chrome, *(captions or ())], dateline["month"], dateline["day"])
        when = _aware_utc(year, dateline["month"], dateline["day"]) if year else None
        if when is not None:
            return {"published_at": when, "date_source": "dateline", "unparsed": unparsed}
    when = date_from_url(url or meta.get("url"))
    if when is not None:
        return {"published_at": when, "date_source": "url", "unparsed": unparsed}
    return {"published_at": None, "date_source": None, "unparsed": unparsed}
