"""Publication dates (plain functions).

Where a date comes from, best first: the page's metadata (JSON-LD, meta tags, a JSONL
field), a visible "Published/Updated ..." stamp among the chrome lines, the dateline's
day and month with a year found elsewhere in the file, a date in the URL. A value that
is not a full calendar date gives nothing: never the ingestion time, never "2 hours ago".

Each source gives two things: the instant in UTC (``published_at``) and the local date,
the calendar date where the story was published: the date in the timestamp's own offset
or named zone ("2025-03-05T06:00:00+08:00" is 5 March, though 4 March in UTC), the date
a visible stamp, a dateline or a URL prints.

An all-numeric date ("03/12/2025") is read, in this order: as the spelled-out date next
to it ("03/12/2025March 12, 2025"); as the only reading that is a calendar date
("12/31/2025"); as the reading that falls on the weekday the stamp prints ("Wed
03/12/2025"); as the reading that agrees with the day and month the file gives elsewhere
(its dateline, its URL); else day first, as most of the world's outlets print it.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zoneinfo
from typing import NamedTuple

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
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "ACDT": "Australia/Adelaide", "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "WIB": "Asia/Jakarta", "PHT": "Asia/Manila", "MYT": "Asia/Kuala_Lumpur", "GST": "Asia/Dubai",
    "EAT": "Africa/Nairobi", "WAT": "Africa/Lagos", "CAT": "Africa/Maputo", "SAST": "Africa/Johannesburg",
    "BRT": "America/Sao_Paulo", "ART": "America/Argentina/Buenos_Aires",
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
    r"(?P<day_d>\d{1,2})(?P<sep_d>[/.-])(?P<month_d>\d{1,2})(?P=sep_d)(?P<year_d>(?:19|20)\d{2})",   # 08/01/2025
)
_DATE = "(?:" + "|".join(f"(?:{form})" for form in _DATE_FORMS) + ")"
# A label that says what the stamp is; the kind decides which stamp is the publication date.
_LABEL = (r"(?P<label>(?:(?:first|originally)\s+)?(?:published|posted)|issued|released|created|"
          r"(?:publication\s+)?date(?:\s+published)?|publi[ée]e?|publicado|ver[öo]ffentlicht|pubblicato|"
          r"(?:last\s+)?(?:updated|modified)|mis\s+[àa]\s+jour|actualizado|aktualisiert|aggiornato)"
          r"(?:\s+(?:on|at|le|el|am|il))?\s*[:\-–—]?\s*")


def _weekday(name: str) -> str:
    return rf"(?:(?P<{name}>[^\W\d_]{{3,9}})\.?,?\s+)"


# "03/12/2025March 12, 2025" (DW): an all-numeric date glued to, or set beside, the same
# date spelled out; the spelled-out one is read.
_NUMERIC_TWIN = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\s*[|·•,-]?\s*"
                 r"(?=[^\W\d_]|\d{1,2}(?:st|nd|rd|th)?\.?\s+[^\W\d_]))?")
_STAMP = re.compile(rf"^\s*(?:{_LABEL})?{_weekday('weekday')}?(?:{_time('pre_')}\s*,?\s*)?"
                    rf"{_weekday('weekday_b')}?{_NUMERIC_TWIN}{_DATE}(?:\s*[,/|-]?\s*(?:at\s+)?{_time()})?",
                    re.IGNORECASE)
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
# Stamps often share a line with other chrome: "By Jane Doe | Published January 8, 2025".
_CHROME_SEPARATOR = re.compile(r"\s+[|·•]\s+")
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d{2}\s*[-–]\s*)?((?:19|20)\d{2})(?!\d)",
                             re.IGNORECASE)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([/-])(\d{1,2})\2(\d{1,2})(?!\d)")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")
# "GMT+3" in a metadata value: dateutil would read it the POSIX way, as three hours behind.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s?([+-])(\d{1,2})(?::?(\d{2}))?\b")
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


@functools.lru_cache(maxsize=1)
def _weekday_numbers() -> dict:
    """{folded weekday name or abbreviation: 0 (Monday)..6} in MONTH_LANGUAGES."""
    from babel.dates import get_day_names  # noqa: PLC0415 - locale data loads on first use only
    weekdays = {}
    for language in MONTH_LANGUAGES:
        for width in ("abbreviated", "wide"):
            for number, name in get_day_names(width, "format", language).items():
                weekdays[_fold(name).rstrip(".")] = number
    weekdays.update({"tues": 1, "thur": 3, "thurs": 3})   # English abbreviations CLDR does not list
    return weekdays


@functools.lru_cache(maxsize=1)
def _zone_infos() -> dict:
    """ZONES as tzinfo objects, for dateutil to read the named zones of metadata values."""
    return {name: _tzinfo(name) for name in ZONES}


def load_date_tables() -> None:
    """The month, weekday and zone tables, built once per process: call it from DoFn.setup."""
    _month_numbers()
    _weekday_numbers()
    _zone_infos()


def month_number(word: str | None) -> int | None:
    """1..12 for a month name or abbreviation ("March", "Jan.", "ene", "janv."), else None."""
    if not word:
        return None
    return _month_numbers().get(_fold(word).rstrip("."))


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           zone: str | None = None) -> dt.datetime | None:
    """The aware datetime a page prints, in its own zone (UTC when it names none)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.datetime(year, month, day, hour, minute, tzinfo=_tzinfo(zone))
    except ValueError:
        return None


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


class Dated(NamedTuple):
    """A publication instant and the calendar date where it was published."""
    published_at: dt.datetime    # aware, UTC
    local_date: str | None       # "YYYY-MM-DD"; None when the source prints no calendar (epoch seconds)


def _dated(local: dt.datetime | None) -> Dated | None:
    if local is None:
        return None
    try:
        return Dated(local.astimezone(dt.timezone.utc), local.date().isoformat())
    except (ValueError, OverflowError):
        return None


def read_timestamp(value: str | None) -> Dated | None:
    """An explicit metadata timestamp (ISO 8601, RFC 2822, epoch seconds or milliseconds)
    as (UTC instant, local date), or None. A value without a zone is taken as UTC; a value
    missing its year, month or day is no timestamp (dateutil would fill them from today)."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if _EPOCH.fullmatch(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        parsed = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        return Dated(parsed, None) if MIN_YEAR <= parsed.year <= MAX_YEAR else None
    value = _GMT_OFFSET.sub(lambda m: f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}", value)
    try:
        # Two different defaults: a field the value does not give differs between the two.
        first = dateparser.parse(value, default=dt.datetime(1904, 1, 1), tzinfos=_zone_infos())
        second = dateparser.parse(value, default=dt.datetime(1908, 2, 2), tzinfos=_zone_infos())
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    if first is None or first.date() != second.date() or not MIN_YEAR <= first.year <= MAX_YEAR:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.timezone.utc)
    return _dated(first)


def _date_readings(match: re.Match) -> list[dt.date]:
    """The readings of a _DATE match that are calendar dates, the preferred first: one for
    a spelled-out month, up to two for an all-numeric date (day first, then month first)."""
    g = match.groupdict()
    if g.get("month_a"):
        candidates = [(g["year"], month_number(g["month_a"]), g["day_a"])]
    elif g.get("month_b"):
        candidates = [(g["year_b"], month_number(g["month_b"]), g["day_b"])]
    elif g.get("month_c"):
        candidates = [(g["year_c"], g["month_c"], g["day_c"])]
    else:
        candidates = [(g["year_d"], g["month_d"], g["day_d"]), (g["year_d"], g["day_d"], g["month_d"])]
    readings = []
    for year, month, day in candidates:
        try:
            reading = dt.date(int(year), int(month), int(day)) if month else None
        except ValueError:
            continue
        if reading and reading not in readings:
            readings.append(reading)
    return readings


def _choose_reading(readings: list, weekday: str | None, known_days) -> dt.date | None:
    """The reading of an all-numeric date that the printed weekday or the file's known
    (month, day) pairs pick; else the first (day first)."""
    if len(readings) > 1:
        weekday_number = _weekday_numbers().get(_fold(weekday).rstrip(".")) if weekday else None
        if weekday_number is not None:
            on_weekday = [r for r in readings if r.weekday() == weekday_number]
            if len(on_weekday) == 1:
                return on_weekday[0]
        agreeing = [r for r in readings if (r.month, r.day) in set(known_days or ())]
        if len(agreeing) == 1:
            return agreeing[0]
    return readings[0] if readings else None


def _clock(hour: str | None, minute: str | None, ampm: str | None) -> tuple[int, int]:
    if hour is None:
        return 0, 0
    h, m = int(hour), int(minute)
    if ampm:
        pm = ampm.strip().lower().startswith("p")
        h = h % 12 + (12 if pm else 0)
    return (h, m) if h < 24 and m < 60 else (0, 0)


class Stamp(NamedTuple):
    """A visible date stamp, read."""
    published_at: dt.datetime    # aware, UTC
    kind: str                    # "published" (also for an unlabelled stamp) or "updated"
    local_date: str              # the date the stamp prints, "YYYY-MM-DD"


def parse_stamp(line: str | None, known_days=()) -> Stamp | None:
    """A visible date stamp ("Updated 3:14 PM GMT+1, March 4, 2025", "Tue 19 Nov 2024
    07.00 GMT", "March 5, 20259:12 AM GMTUpdated 2 hours ago", "Posted Tue 4 Mar 2025 at
    3:31pm") as a Stamp. ``known_days``: (month, day) pairs the file gives elsewhere, to
    read an all-numeric date (see the module's doc). None when the line does not start
    with a full date: a caption or a headline that holds a date is no stamp."""
    if not line or not isinstance(line, str):
        return None
    match = _STAMP.match(line)
    if not match:
        return None
    g = match.groupdict()
    reading = _choose_reading(_date_readings(match), g.get("weekday") or g.get("weekday_b"), known_days)
    if reading is None:
        return None
    if g.get("hour") is not None:
        hour, minute = _clock(g["hour"], g["minute"], g["ampm"])
        zone = g.get("zone")
    else:
        hour, minute = _clock(g.get("pre_hour"), g.get("pre_minute"), g.get("pre_ampm"))
        zone = g.get("pre_zone")
    dated = _dated(_local(reading.year, reading.month, reading.day, hour, minute, zone))
    if dated is None:
        return None
    kind = "updated" if g.get("label") and _UPDATE_LABELS.search(g["label"]) else "published"
    return Stamp(dated.published_at, kind, dated.local_date)


def find_stamp(lines, known_days=()) -> Stamp | None:
    """The publication stamp among chrome lines: the first "published" (or unlabelled)
    stamp, else the first "updated" one."""
    updated = None
    for line in lines or ():
        if not isinstance(line, str):
            continue
        for segment in _CHROME_SEPARATOR.split(line):
            stamp = parse_stamp(segment, known_days)
            if stamp is None:
                continue
            if stamp.kind == "published":
                return stamp
            updated = updated or stamp
    return updated


def find_year(lines, month: int | None = None, day: int | None = None) -> int | None:
    """The year a file gives outside its dateline: a full date with the dateline's month
    and day, else a copyright notice ("© 2025 Reuters"), else the first full date."""
    lines = [line for line in lines or () if isinstance(line, str)]
    full_dates = [reading for line in lines for m in _ANY_DATE.finditer(line) for reading in _date_readings(m)[:1]]
    for reading in full_dates:
        if (reading.month, reading.day) == (month, day):
            return reading.year
    for line in lines:
        copyright_year = _COPYRIGHT_YEAR.search(line)
        if copyright_year:
            return int(copyright_year.group(1))
    return full_dates[0].year if full_dates else None


def read_url_date(url: str | None) -> Dated | None:
    """A date in a URL path (/2025/01/08/, -2025-01-08), or None."""
    if not url or not isinstance(url, str):
        return None
    for match in _URL_DATE.finditer(url):
        found = _dated(_local(int(match.group(1)), int(match.group(3)), int(match.group(4))))
        if found is not None:
            return found
    return None


def publication_date(meta: dict, dateline: dict | None = None, captions=(), url: str | None = None) -> dict:
    """{"published_at", "local_date", "date_source", "unparsed"} of an article: the first
    source that gives a full date, in the order metadata ("published"), chrome-line,
    metadata ("modified"), dateline (+ a year from the chrome or captions), url.
    ``published_at`` is the UTC instant, ``local_date`` the calendar date where the story
    was published (see the module's doc); ``unparsed`` lists metadata values that were
    not dates."""
    unparsed = []

    def result(dated, source):
        return {"published_at": dated and dated.published_at, "local_date": dated and dated.local_date,
                "date_source": source, "unparsed": unparsed}

    def metadata(key):
        dated = read_timestamp(meta.get(key))
        if dated is None and meta.get(key):
            unparsed.append(meta[key])
        return dated

    dated = metadata("published")
    if dated is not None:
        return result(dated, "metadata")
    url_date = read_url_date(url or meta.get("url"))
    dateline_day = (dateline or {}).get("month"), (dateline or {}).get("day")
    # The day and month the file gives elsewhere decide how an all-numeric stamp reads.
    known_days = [dateline_day]
    if url_date is not None:
        known_days.append((url_date.published_at.month, url_date.published_at.day))
    chrome = [*(meta.get("date_lines") or ()), *(meta.get("chrome") or ())]
    stamp = find_stamp(chrome, known_days)
    if stamp is not None:
        return result(stamp, "chrome-line")
    dated = metadata("modified")
    if dated is not None:
        return result(dated, "metadata")
    if all(dateline_day):
        year = find_year([*chrome, *(captions or ())], *dateline_day)
        dated = _dated(_local(year, *dateline_day)) if year else None
        if dated is not None:
            return result(dated, "dateline")
    if url_date is not None:
        return result(url_date, "url")
    return result(None, None)
