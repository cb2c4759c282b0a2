"""Publication dates (transforms/text/dates.py)."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from transforms.text.dates import (Stamp, find_stamp, find_year, month_number, parse_stamp, publication_date,
                                   read_timestamp, read_url_date)

UTC = dt.timezone.utc


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("value, expected", [
    ("2025-01-08T03:10:00Z", utc(2025, 1, 8, 3, 10)),
    ("2025-01-09T13:25:00+01:00", utc(2025, 1, 9, 12, 25)),
    ("Fri, 10 Jan 2025 14:05:00 GMT", utc(2025, 1, 10, 14, 5)),
    ("2024-11-19T07:00:00Z", utc(2024, 11, 19, 7, 0)),
    ("2025-02-11", utc(2025, 2, 11)),
    ("1739307913000", utc(2025, 2, 11, 21, 5, 13)),
    ("2h", None), ("2 hours ago", None), ("March 4", None), ("2025", None), ("Friday", None),
    ("not a date", None), ("", None), (None, None), ("9999-01-01", None),
])
def test_metadata_timestamps(value, expected):
    found = read_timestamp(value)
    assert (found and found.published_at) == expected


@pytest.mark.parametrize("value, instant, local_date", [
    # The Straits Times: 06:00 on 5 March in Singapore is still 4 March in UTC.
    ("2025-03-05T06:00:00+08:00", utc(2025, 3, 4, 22, 0), "2025-03-05"),
    # An RFC 2822 pubDate late in the evening in Ottawa is the next day in UTC.
    ("Wed, 05 Mar 2025 21:40:00 -0500", utc(2025, 3, 6, 2, 40), "2025-03-05"),
    ("2025-02-20T08:37:00+09:00", utc(2025, 2, 19, 23, 37), "2025-02-20"),   # Kyodo, Tokyo morning
    ("2025-03-05 00:30 IST", utc(2025, 3, 4, 19, 0), "2025-03-05"),           # a named zone
    ("March 6, 2025 11:45 PM ET", utc(2025, 3, 7, 4, 45), "2025-03-06"),
    ("2025-03-05 23:10 GMT+3", utc(2025, 3, 5, 20, 10), "2025-03-05"),        # GMT+3 is ahead of UTC
    ("2025-03-03T17:40:12.000Z", utc(2025, 3, 3, 17, 40, 12), "2025-03-03"),
    ("2025-02-11", utc(2025, 2, 11), "2025-02-11"),                           # no zone: as printed
    ("1739307913000", utc(2025, 2, 11, 21, 5, 13), None),                     # epoch: no local calendar
])
def test_metadata_timestamps_keep_their_local_date(value, instant, local_date):
    found = read_timestamp(value)
    assert (found.published_at, found.local_date) == (instant, local_date)


@pytest.mark.parametrize("line, expected, kind, local_date", [
    ("Updated 3:14 PM GMT+1, March 4, 2025", utc(2025, 3, 4, 14, 14), "updated", "2025-03-04"),
    ("March 5, 20259:12 AM GMTUpdated 2 hours ago", utc(2025, 3, 5, 9, 12), "published", "2025-03-05"),
    ("Tue 19 Nov 2024 07.00 GMT", utc(2024, 11, 19, 7, 0), "published", "2024-11-19"),
    ("Published On 8 Jan 2025", utc(2025, 1, 8), "published", "2025-01-08"),
    ("Published Wed, Jan 8 20259:12 AM EST", utc(2025, 1, 8, 14, 12), "published", "2025-01-08"),
    ("Issued on: 08/01/2025 - 14:05", utc(2025, 1, 8, 14, 5), "published", "2025-01-08"),
    ("Modified: 08/01/2025 - 16:30", utc(2025, 1, 8, 16, 30), "updated", "2025-01-08"),
    ("Last Updated: January 08, 2025, 11:05 am IST", utc(2025, 1, 8, 5, 35), "updated", "2025-01-08"),
    ("Published - January 08, 2025 10:32 pm IST", utc(2025, 1, 8, 17, 2), "published", "2025-01-08"),
    ("9 de enero de 2025 13:25", utc(2025, 1, 9, 13, 25), "published", "2025-01-09"),
    ("July 3, 2025 at 9:00 a.m. ET", utc(2025, 7, 3, 13, 0), "published", "2025-07-03"),   # EDT in summer
    # The printed date is the local one, whatever the UTC instant's date.
    ("Published 12:40 AM HKT, Fri March 14, 2025", utc(2025, 3, 13, 16, 40), "published", "2025-03-14"),
    ("Updated: Feb 26, 2025, 01:15 IST", utc(2025, 2, 25, 19, 45), "updated", "2025-02-26"),
    ("Published 11:50 PM ET, Thu March 6, 2025", utc(2025, 3, 7, 4, 50), "published", "2025-03-06"),
    ("Published: 8:30pm, 14 Mar 2025", utc(2025, 3, 14, 20, 30), "published", "2025-03-14"),   # no zone
    ("Posted: Fri 14 Mar 2025 at 00:20 AEDT", utc(2025, 3, 13, 13, 20), "published", "2025-03-14"),
])
def test_visible_stamps(line, expected, kind, local_date):
    assert parse_stamp(line) == Stamp(expected, kind, local_date)


@pytest.mark.parametrize("line, local_date, kind", [
    # The label family: "Posted", "Published (on)", "First published", "Last updated", "Originally published"...
    ("Posted Tue 4 Mar 2025 at 3:31pm", "2025-03-04", "published"),
    ("Posted on March 4, 2025", "2025-03-04", "published"),
    ("Published on March 7, 2025", "2025-03-07", "published"),
    ("First published Thu 6 Mar 2025 07.30 GMT", "2025-03-06", "published"),
    ("Originally published: March 2, 2025 at 8:05 p.m.", "2025-03-02", "published"),
    ("Publication date: 11 March 2025", "2025-03-11", "published"),
    ("Last updated 9 Mar 2025 at 5:02pm", "2025-03-09", "updated"),
    ("Last modified on March 9, 2025", "2025-03-09", "updated"),
    ("Updated on: Mar 05, 2025 | 10:12 PM IST", "2025-03-05", "updated"),
])
def test_stamp_label_families(line, local_date, kind):
    stamp = parse_stamp(line)
    assert (stamp.local_date, stamp.kind) == (local_date, kind)


@pytest.mark.parametrize("line, local_date", [
    ("03/12/2025March 12, 2025", "2025-03-12"),          # DW: the spelled-out twin wins
    ("11/04/2025 | 4 November 2025", "2025-11-04"),
    ("04.11.2025 · November 4, 2025", "2025-11-04"),
    ("12/31/2025", "2025-12-31"),                        # only one reading is a date: month first
    ("31/12/2025", "2025-12-31"),
    ("Fri 07/03/2025", "2025-03-07"),                    # the printed weekday decides (7 March is a Friday)
    ("Thu 07/03/2025", "2025-07-03"),                    # ... and 3 July is a Thursday
    ("06/03/2025 - 14:32", "2025-03-06"),                # nothing decides: day first
    ("Updated: 05-03-2025 10:00", "2025-03-05"),
])
def test_all_numeric_dates(line, local_date):
    assert parse_stamp(line).local_date == local_date


def test_an_all_numeric_date_takes_the_reading_the_file_gives_elsewhere():
    assert parse_stamp("Posted 03/12/2025", known_days=[(3, 12)]).local_date == "2025-03-12"
    assert parse_stamp("Posted 03/12/2025", known_days=[(12, 3)]).local_date == "2025-12-03"
    assert parse_stamp("Posted 03/12/2025", known_days=[(5, 5)]).local_date == "2025-12-03"
    # A URL or a dateline of the same article gives the day and month.
    meta = {"date_lines": ["03/12/2025"], "url": "https://example.com/2025/03/12/berlin-rents"}
    assert publication_date(meta)["local_date"] == "2025-03-12"
    assert publication_date({"date_lines": ["03/12/2025"]}, {"month": 3, "day": 12})["local_date"] == "2025-03-12"
    assert publication_date({"date_lines": ["03/12/2025"]})["local_date"] == "2025-12-03"


@pytest.mark.parametrize("line", [
    "Updated 2 hours ago", "• 2h • 3 min read", "3 minute read",
    "A shopper looks at bags of rice at a supermarket in Tokyo, Japan, March 3, 2025. REUTERS/Ayumi Kojima",
    "Kenya’s parliament approves new health insurance levy despite protests",
    "Updated February 30, 2025", "Published 45/13/2025", "",
])
def test_lines_that_are_no_stamps(line):
    assert parse_stamp(line) is None


def test_find_stamp_prefers_the_published_stamp_and_reads_segments():
    assert find_stamp(["Updated Jan 9, 2025", "Published Jan 8, 2025"]).published_at == utc(2025, 1, 8)
    assert find_stamp(["By Jane Doe | Published January 8, 2025"]).published_at == utc(2025, 1, 8)
    assert find_stamp(["Menu", "Updated 3:14 PM GMT+1, March 4, 2025", "Share"]) == \
        Stamp(utc(2025, 3, 4, 14, 14), "updated", "2025-03-04")
    assert find_stamp(["Menu", "Share", "© 2025 Reuters"]) is None
    assert find_stamp(["© 2006-2025 The Plateau Herald", "Published on March 7, 2025"]).local_date == "2025-03-07"


def test_find_year():
    assert find_year(["© 2025 Reuters. All rights reserved"]) == 2025
    assert find_year(["Copyright 2019-2024 The Associated Press. All Rights Reserved."]) == 2024
    assert find_year(["Menu", "Photo taken March 5, 2024", "© 2025 Reuters"], month=3, day=5) == 2024
    assert find_year(["Menu", "Share"]) is None


def test_months_in_several_languages():
    assert [month_number(w) for w in ("March", "Jan.", "Sept.", "ene", "janv.", "Dezember", "foo", "")] == \
           [3, 1, 9, 1, 1, 12, None, None]


@pytest.mark.parametrize("url, expected", [
    ("https://www.reuters.com/markets/asia/south-korea-cuts-2025-growth-forecast-2025-01-08/", utc(2025, 1, 8)),
    ("https://efe.com/economia/2025-01-09/gobierno-plan-vivienda-asequible/", utc(2025, 1, 9)),
    ("https://www.theguardian.com/society/2024/nov/19/councils", None),
    ("https://apnews.com/article/2025/02/11/mexico-city-water", utc(2025, 2, 11)),
    ("https://www.dublinpost.ie/property/housing-completions-2024", None),
    ("https://example.com/2025/13/45/x", None),
    (None, None),
])
def test_url_dates(url, expected):
    found = read_url_date(url)
    assert (found and found.published_at) == expected
    assert (found and found.local_date) == (expected and expected.date().isoformat())


def test_sources_in_order():
    meta = {"published": "2025-01-08T03:10:00Z", "chrome": ["Updated 3:14 PM GMT+1, March 4, 2025"],
            "url": "https://x.com/2024/01/01/a"}
    assert publication_date(meta)["date_source"] == "metadata"
    meta["published"] = "sometime"
    found = publication_date(meta)
    assert (found["published_at"], found["date_source"], found["unparsed"]) == (
        utc(2025, 3, 4, 14, 14), "chrome-line", ["sometime"])
    meta["chrome"] = ["© 2025 Reuters"]
    found = publication_date(meta, {"month": 3, "day": 5})
    assert (found["published_at"], found["date_source"]) == (utc(2025, 3, 5), "dateline")
    assert publication_date(meta, {"month": None, "day": None})["date_source"] == "url"
    assert publication_date({"chrome": ["• 2h • 3 min read", "© 2025 Microsoft"]}) == {
        "published_at": None, "local_date": None, "date_source": None, "unparsed": []}


@pytest.mark.parametrize("meta, instant, local_date, source", [
    ({"published": "2025-03-05T06:00:00+08:00", "date_lines": ["Published Mar 05, 2025, 06:00 AM"]},
     utc(2025, 3, 4, 22, 0), "2025-03-05", "metadata"),
    ({"date_lines": ["Published 12:40 AM HKT, Fri March 14, 2025"]}, utc(2025, 3, 13, 16, 40), "2025-03-14",
     "chrome-line"),
    ({"modified": "Wed, 05 Mar 2025 21:40:00 -0500"}, utc(2025, 3, 6, 2, 40), "2025-03-05", "metadata"),
    ({"url": "https://www.abc.net.au/news/rural/2025-03-04/limestone-coast-drought/105001234"}, utc(2025, 3, 4),
     "2025-03-04", "url"),
])
def test_the_local_date_comes_with_the_instant_from_every_source(meta, instant, local_date, source):
    found = publication_date(meta)
    assert (found["published_at"], found["local_date"], found["date_source"]) == (instant, local_date, source)


@given(st.text(max_size=80))
def test_date_parsers_never_raise_and_give_aware_utc(text):
    for found in (read_timestamp(text), read_url_date(text), parse_stamp(text)):
        assert found is None or (isinstance(found.published_at, dt.datetime)
                                 and found.published_at.utcoffset() == dt.timedelta(0))
    found = publication_date({"published": text, "modified": text, "chrome": [text], "url": text})
    assert found["date_source"] in (None, "metadata", "chrome-line", "url")
    assert (found["published_at"] is None) == (found["date_source"] is None)
    if found["local_date"] is not None:
        local = dt.date.fromisoformat(found["local_date"])   # within a day of the UTC instant
        assert abs((local - found["published_at"].date()).days) <= 1


@given(st.from_regex(r"(?:Updated |Published )?\d{1,2}:\d{2} [AP]M [A-Z]{2,4}(?:[+-]\d{1,2})?, [A-Z][a-z]{2,8} "
                     r"\d{1,2}, (?:19|20)\d{2}", fullmatch=True))
def test_stamp_shaped_text_never_raises(text):
    found = parse_stamp(text)
    assert found is None or found.published_at.utcoffset() == dt.timedelta(0)
