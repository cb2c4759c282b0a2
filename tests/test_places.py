"""Countries of places and stories (transforms/text/places.py)."""
import pytest
from hypothesis import given, strategies as st

from transforms.text.places import content_country, dateline_country, fold, load_gazetteer, place_mentions, url_country


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize("city, regions, expected", [
    ("BRUSSELS", [], "BE"), ("TOKYO", [], "JP"), ("Paris", [], "FR"), ("MEXICO CITY", [], "MX"),
    ("SEOUL", [], "KR"), ("WASHINGTON", [], "US"), ("BOGOTA", ["Colombia"], "CO"), ("NAIROBI", ["Kenya"], "KE"),
    ("KIEV", [], "UA"), ("FRANKFURT", [], "DE"), ("HONG KONG", [], "HK"), ("SINGAPORE", [], "SG"),
    ("VALENCIA", ["Spain"], "ES"),           # a country in the dateline beats the bigger namesake (Venezuela)
    ("PARIS", ["Texas"], "US"), ("ATLANTA", ["Georgia"], "US"), ("SPRINGFIELD", ["Ill."], "US"),
    ("LONDON", ["England"], "GB"), ("BELFAST", ["Northern Ireland"], "GB"),
    ("UNITED NATIONS", [], "US"), ("Gaza City", ["Palestinian Territories"], "PS"), ("VATICAN CITY", [], "VA"),
    ("TORIBIO", ["Colombia"], "CO"),         # too small for the gazetteer: the explicit country still says it
    ("NOWHEREVILLE", [], None),
])
def test_dateline_country(gazetteer, city, regions, expected):
    assert dateline_country(gazetteer, city, regions) == expected


def test_region_countries(gazetteer):
    assert gazetteer.region_countries("Kenya") == ["KE"]
    assert gazetteer.region_countries("Calif.") == ["US"]
    assert gazetteer.region_countries("N.Y.") == ["US"]
    assert gazetteer.region_countries("Georgia") == ["GE", "US"]
    assert gazetteer.region_countries("Ont.") == []
    assert gazetteer.region_countries("") == []


def test_content_country_counts_names_that_stand_alone(gazetteer):
    guardian = ("Councils in England warn of wave of effective bankruptcies as care costs soar\n\n"
                "Councils across England have warned that as many as one in four could be forced to declare "
                "effective bankruptcy. Eight councils, including Birmingham, Nottingham and Woking, have issued "
                "section 114 notices since 2018.")
    assert content_country(gazetteer, guardian) == "GB"
    irish = ("Irish housing completions hit highest level in more than a decade\n\nIreland completed 33,900 new "
             "homes last year. Completions rose 4% on 2023, driven by apartment schemes in Dublin and Cork, "
             "said Ciarán Byrne, head of policy at the charity Focus Ireland.")
    assert content_country(gazetteer, irish) == "IE"
    assert place_mentions(gazetteer, "Kenya Airways and Paris Hilton met in Kenya’s capital.") == {"KE": 1}
    assert place_mentions(gazetteer, "In Kenya, as across Latin America, the charity Focus Ireland.") == {"KE": 1}
    assert place_mentions(gazetteer, "The U.S. and the United States of America; Britain.") == {"US": 2, "GB": 1}
    assert place_mentions(gazetteer, "Officials in Papua New Guinea met officials from Guinea.") == \
           {"PG": 1, "GN": 1}


def test_us_states_count_for_the_united_states(gazetteer):
    cnbc = ("Shares of Pinecrest Foods tumbled 12% on Tuesday. The Cincinnati-based company said it would review "
            "its Michigan business, which has lagged the rest of the chain.")
    assert content_country(gazetteer, cnbc) == "US"
    assert place_mentions(gazetteer, "Georgia and Armenia signed a deal.") == {"GE": 1, "AM": 1}  # countries win


def test_content_country_ties(gazetteer):
    assert content_country(gazetteer, "Kenya and Uganda signed.", "https://news.example.ug/a") == "UG"
    assert content_country(gazetteer, "Kenya and Uganda signed.", "https://example.com/a") == "KE"
    assert content_country(gazetteer, "Nothing about any place here.") is None


@pytest.mark.parametrize("url, expected", [
    ("https://www.dublinpost.ie/property/x", "IE"), ("https://www.bbc.co.uk/news/x", "GB"),
    ("https://www.reuters.com/x", None), ("http://localhost/x", None), ("not a url", None), (None, None),
    ("http://[::1", None),
])
def test_url_country(url, expected):
    assert url_country(url) == expected


def test_fold():
    assert fold("Bogotá") == fold("BOGOTA") == "bogota"
    assert fold("St. Louis") == fold("ST LOUIS")


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_place_functions_never_raise(text, url):
    gazetteer = load_gazetteer()
    country = content_country(gazetteer, text, url)
    assert country is None or (len(country) == 2 and country.isupper())
    found = dateline_country(gazetteer, text[:40], [text[40:60]])
    assert found is None or len(found) == 2
    assert url_country(url) is None or len(url_country(url)) == 2
