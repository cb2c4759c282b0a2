"""Publication dates (transforms/text/dates.py)."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from transforms.text.dates import (date_from_url, find_stamp, find_year, month_number, parse_stamp, parse_timestamp,
                                   publication_date)

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
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize("line, expected, kind", [
    ("Updated 3:14 PM GMT+1, March 4, 2025", utc(2025, 3, 4, 14, 14), "updated"),
    ("March 5, 20259:12 AM GMTUpdated 2 hours ago", utc(2025, 3, 5, 9, 12), "published"),
    ("Tue 19 Nov 2024 07.00 GMT", utc(2024, 11, 19, 7, 0), "published"),
    ("Published On 8 Jan 2025", utc(2025, 1, 8), "published"),
    ("Published Wed, Jan 8 20259:12 AM EST", utc(2025, 1, 8, 14, 12), "published"),
    ("Issued on: 08/01/2025 - 14:05", utc(2025, 1, 8, 14, 5), "published"),
    ("Modified: 08/01/2025 - 16:30", utc(2025, 1, 8, 16, 30), "updated"),
    ("Last Updated: January 08, 2025, 11:05 am IST", utc(2025, 1, 8, 5, 35), "updated"),
    ("Published - January 08, 2025 10:32 pm IST", utc(2025, 1, 8, 17, 2), "published"),
    ("9 de enero de 2025 13:25", utc(2025, 1, 9, 13, 25), "published"),
    ("July 3, 2025 at 9:00 a.m. ET", utc(2025, 7, 3, 13, 0), "published"),   # EDT in summer
])
def test_visible_stamps(line, expected, kind):
    assert parse_stamp(line) == (expected, kind)


@pytest.mark.parametrize("line", [
    "Updated 2 hours ago", "• 2h • 3 min read", "3 minute read",
    "A shopper looks at bags of rice at a supermarket in Tokyo, Japan, March 3, 2025. REUTERS/Ayumi Kojima",
    "Kenya’s parliament approves new health insurance levy despite protests",
    "Updated February 30, 2025", "Published 45/13/2025", "",
])
def test_lines_that_are_no_stamps(line):
    assert parse_stamp(line) is None


def test_find_stamp_prefers_the_published_stamp_and_reads_segments():
    assert find_stamp(["Updated Jan 9, 2025", "Published Jan 8, 2025"]) == utc(2025, 1, 8)
    assert find_stamp(["By Jane Doe | Published January 8, 2025"]) == utc(2025, 1, 8)
    assert find_stamp(["Menu", "Updated 3:14 PM GMT+1, March 4, 2025", "Share"]) == utc(2025, 3, 4, 14, 14)
    assert find_stamp(["Menu", "Share", "© 2025 Reuters"]) is None


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
    assert date_from_url(url) == expected


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
        "published_at": None, "date_source": None, "unparsed": []}


@given(st.text(max_size=80))
def test_date_parsers_never_raise_and_give_aware_utc(text):
    for found in (parse_timestamp(text), date_from_url(text), (parse_stamp(text) or (None,))[0]):
        assert found is None or (isinstance(found, dt.datetime) and found.utcoffset() == dt.timedelta(0))
    found = publication_date({"published": text, "modified": text, "chrome": [text], "url": text})
    assert found["date_source"] in (None, "metadata", "chrome-line", "url")
    assert (found["published_at"] is None) == (found["date_source"] is None)


@given(st.from_regex(r"(?:Updated |Published )?\d{1,2}:\d{2} [AP]M [A-Z]{2,4}(?:[+-]\d{1,2})?, [A-Z][a-z]{2,8} "
                     r"\d{1,2}, (?:19|20)\d{2}", fullmatch=True))
def test_stamp_shaped_text_never_raises(text):
    found = parse_stamp(text)
    assert found is None or found[0].utcoffset() == dt.timedelta(0)
