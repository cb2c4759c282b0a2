"""Datelines (transforms/text/dateline.py)."""
import pytest
from hypothesis import given, strategies as st

from transforms.text.credits import WIRE_AGENCIES
from transforms.text.dateline import find_dateline, parse_dateline
from transforms.text.places import load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize("paragraph, raw, city, agency, regions, month, day", [
    ("WASHINGTON (Reuters) - North Korea's missile tests", "WASHINGTON (Reuters) -", "WASHINGTON", "Reuters",
     [], None, None),
    ("WASHINGTON (Reuters) -North Korea's missile tests", "WASHINGTON (Reuters) -", "WASHINGTON", "Reuters",
     [], None, None),
    ("TOKYO, March 5 (Reuters) - Japan will release", "TOKYO, March 5 (Reuters) -", "TOKYO", "Reuters", [], 3, 5),
    ("SEOUL, Jan 8 (Reuters) - South Korea's finance ministry", "SEOUL, Jan 8 (Reuters) -", "SEOUL", "Reuters",
     [], 1, 8),
    ("LONDON, Feb 3 (Reuters) - Britain's", "LONDON, Feb 3 (Reuters) -", "LONDON", "Reuters", [], 2, 3),
    ("NAIROBI, Kenya (AP) — Thousands of doctors", "NAIROBI, Kenya (AP) —", "NAIROBI", "AP", ["Kenya"], None, None),
    ("UNITED NATIONS (AP) — The Security Council", "UNITED NATIONS (AP) —", "UNITED NATIONS", "AP", [], None, None),
    ("Paris (AFP) - The French government", "Paris (AFP) -", "Paris", "AFP", [], None, None),
    ("Gaza City (Palestinian Territories) (AFP) – Israeli strikes", "Gaza City (Palestinian Territories) (AFP) –",
     "Gaza City", "AFP", ["Palestinian Territories"], None, None),
    ("Madrid, 9 ene (EFE).- El Consejo de Ministros", "Madrid, 9 ene (EFE).-", "Madrid", "EFE", [], 1, 9),
    ("(Bloomberg) -- Asian stocks rose", "(Bloomberg) --", None, "Bloomberg", [], None, None),
    ("SAN JUAN, Puerto Rico, Sept. 12 (AP) — Crews", "SAN JUAN, Puerto Rico, Sept. 12 (AP) —", "SAN JUAN", "AP",
     ["Puerto Rico"], 9, 12),
    ("WASHINGTON/NEW YORK, March 5 (Reuters) - U.S. lawmakers", "WASHINGTON/NEW YORK, March 5 (Reuters) -",
     "WASHINGTON", "Reuters", [], 3, 5),
    ("New Delhi, Jan 8 (PTI) The Union Cabinet", "New Delhi, Jan 8 (PTI)", "New Delhi", "PTI", [], 1, 8),
    ("Berlin (dpa) - Die Bundesregierung", "Berlin (dpa) -", "Berlin", "dpa", [], None, None),
    ("  MEXICO CITY (AP) — Mexico City authorities", "MEXICO CITY (AP) —", "MEXICO CITY", "AP", [], None, None),
    # Kyodo style: a known wire service's bare name between the date and the dash.
    ("TOKYO, Feb. 20 Kyodo - Japan's health ministry", "TOKYO, Feb. 20 Kyodo -", "TOKYO", "Kyodo", [], 2, 20),
    ("OSAKA, March 9 Kyodo News - Police", "OSAKA, March 9 Kyodo News -", "OSAKA", "Kyodo", [], 3, 9),
    ("SEOUL, March 4 Yonhap -- South Korea's", "SEOUL, March 4 Yonhap --", "SEOUL", "Yonhap", [], 3, 4),
    ("ANKARA, 12 March Anadolu Agency — Turkey's", "ANKARA, 12 March Anadolu Agency —", "ANKARA", "Anadolu", [],
     3, 12),
])
def test_dateline_families(paragraph, raw, city, agency, regions, month, day):
    dateline = parse_dateline(paragraph)
    assert dateline is not None
    assert (dateline["raw"], dateline["city"], dateline["agency"]) == (raw, city, agency)
    assert (dateline["regions"], dateline["month"], dateline["day"]) == (regions, month, day)
    assert paragraph[dateline["start"]:dateline["end"]] == raw
    if city:
        assert paragraph[dateline["city_start"]:dateline["city_end"]] == city


@pytest.mark.parametrize("paragraph, city, country", [
    ("New Delhi: The government on Monday", "New Delhi", "IN"),
    ("BEIJING — China's exports", "BEIJING", "CN"),
    ("NAIROBI, Kenya (AP) — Thousands", "NAIROBI", "KE"),
    ("BOGOTA, Colombia (AP) — Colombia’s government", "BOGOTA", "CO"),
    ("JOHANNESBURG (AP) — South Africa’s", "JOHANNESBURG", "ZA"),
    ("UNITED NATIONS (AP) — The Security Council", "UNITED NATIONS", "US"),
    ("Gaza City (Palestinian Territories) (AFP) – Strikes", "Gaza City", "PS"),
    ("PARIS, Texas (AP) — A tornado", "PARIS", "US"),
    ("HARLAN, Ky. (AP) — Coal miners", "HARLAN", "US"),
    ("Madrid, 9 ene (EFE).- El Consejo", "Madrid", "ES"),
    ("Chibayish, Iraq – For three generations", "Chibayish", "IQ"),   # unknown town, known country
    ("TOKYO, Feb. 20 Kyodo - Japan's health ministry", "TOKYO", "JP"),
    ("MUMBAI: 12 people were injured when", "MUMBAI", "IN"),          # a story may open with a number
    ("RIYADH: “Delivery is now part of daily life,”", "RIYADH", "SA"),
    ("OTTAWA —", "OTTAWA", "CA"),                                      # a dateline on a line of its own
])
def test_dateline_country_with_gazetteer(gazetteer, paragraph, city, country):
    dateline = parse_dateline(paragraph, gazetteer)
    assert (dateline["city"], dateline["country"]) == (city, country)


@pytest.mark.parametrize("paragraph", [
    "Reporting by Tom Verhaegen and Ines Carvalho; Editing by Edmund Hardwick",
    "(Reporting by Tom Verhaegen and Ines Carvalho; Editing by Edmund Hardwick)",
    'But he said: "We will not sign."',
    "Officials said: the talks are over.",
    "In Washington (Reuters) - officials said the talks were over.",
    "In Washington (where the talks were held) - officials left early.",
    "EDITOR’S NOTE — This story contains graphic details.",
    "The European Commission proposed on Tuesday to cut quotas.",
    "“We cannot stand by,” Commission spokesperson Katrien Vandermeulen said.",
    "Apple (AAPL) shares rose 2%",
    "Jos: 24°C, Sunny",                                  # a weather widget, not a dateline
    "London: +2.3% | Tokyo: -0.4%",
    "Paris: see our guide to the city",
    "Sources told Reuters - the talks were over.",
    "LONDON, March 5 Reuters said - the talks were over.",
    "",
])
def test_lines_that_are_not_datelines_stay_body(gazetteer, paragraph):
    assert parse_dateline(paragraph, gazetteer) is None


def test_without_agency_a_place_must_be_known(gazetteer):
    assert parse_dateline("NATO — The alliance said", gazetteer) is None
    assert parse_dateline("Meanwhile — the alliance said", gazetteer) is None
    assert parse_dateline("However, Kenya — the talks", gazetteer) is None
    assert parse_dateline("Chibayish — For three generations", gazetteer) is None
    assert parse_dateline("NATO — The alliance said")["city"] == "NATO"   # no gazetteer: capitals pass
    assert parse_dateline("Beijing — China's exports") is None             # ... and nothing else


def test_find_dateline_looks_past_a_stray_short_line_not_past_the_story(gazetteer):
    assert find_dateline(["Reuters", "BRUSSELS (Reuters) - The European Commission proposed"], gazetteer)[0] == 1
    story = "The European Commission proposed on Tuesday to cut tariff-free steel import quotas by almost " \
            "half and to impose a 50% duty on volumes above them, saying a surge of cheap metal threatened jobs."
    assert find_dateline([story, "BRUSSELS (Reuters) - The Commission"], gazetteer) is None


@given(st.text(max_size=200))
def test_parse_dateline_never_raises_and_spans_index_the_input(text):
    dateline = parse_dateline(text)
    if dateline:
        assert text[dateline["start"]:dateline["end"]] == dateline["raw"]
        assert dateline["raw"] and dateline["raw"] in text
        if dateline["city"] is not None:
            assert text[dateline["city_start"]:dateline["city_end"]] == dateline["city"]
            assert dateline["city"] in dateline["raw"]


_CITIES = st.sampled_from(["WASHINGTON", "NEW YORK", "Paris", "MEXICO CITY", "Rio de Janeiro", "ST. LOUIS",
                            "AIX-EN-PROVENCE", "São Paulo"])
_DATES = st.sampled_from(["", ", March 5", ", Jan. 8", ", 9 ene", ", 12"])
_AGENCIES = st.sampled_from(["Reuters", "AP", "AFP", "EFE", "dpa", "Reuters Breakingviews"])
_SEPARATORS = st.sampled_from([" -", " —", " –", " --", ".-"])


@given(_CITIES, _DATES, _AGENCIES, _SEPARATORS, st.sampled_from([" ", ""]), st.text(max_size=40))
def test_composed_datelines_parse_back_to_their_parts(city, date, agency, separator, space, story):
    raw = f"{city}{date} ({agency}){separator}"
    paragraph = f"{raw}{space}The {story}"
    dateline = parse_dateline(paragraph)
    assert (dateline["raw"], dateline["city"], dateline["agency"]) == (raw, city, agency)
    assert paragraph[dateline["city_start"]:dateline["city_end"]] == city


_WIRE_SERVICES = st.sampled_from([(agency, alias) for agency, aliases in WIRE_AGENCIES.items() for alias in aliases])


@given(_CITIES, st.sampled_from([", March 5", ", Jan. 8", ", 9 ene"]), _WIRE_SERVICES, _SEPARATORS,
       st.text(max_size=40))
def test_composed_bare_agency_datelines_parse_back_to_their_parts(city, date, wire_service, separator, story):
    agency, alias = wire_service
    raw = f"{city}{date} {alias}{separator}"
    dateline = parse_dateline(f"{raw} The {story}")
    assert (dateline["raw"], dateline["city"], dateline["agency"]) == (raw, city, agency)
