"""Countries of places and stories (transforms/text/places.py)."""
import pytest
from hypothesis import given, strategies as st

from transforms.text.places import (Region, content_country, dateline_country, fold, gazetteer_tables, load_gazetteer,
                                    place_mentions, url_country)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_the_gazetteer_from_the_child_process_holds_the_tables_built_here(gazetteer):
    tables = gazetteer_tables()
    assert gazetteer.cities == tables["cities"] and gazetteer.cities["paris"].split()[0] == "FR"
    assert gazetteer.countries == tables["countries"] and gazetteer.content_names == tables["content_names"]
    assert gazetteer.us_states == tables["us_states"]
    assert gazetteer.subdivisions == {key: set(found) for key, found in tables["subdivisions"].items()}
    assert gazetteer.regions == tables["regions"] and all(isinstance(r, Region) for r in gazetteer.regions.values())


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


def test_names_at_the_end_or_start_of_a_sentence_count(gazetteer):
    assert place_mentions(gazetteer, "The ship docked in Kenya. Officials said it was late.") == {"KE": 1}
    assert place_mentions(gazetteer, "Talks ended on Monday. Kenya said no deal was near.") == {"KE": 1}
    assert place_mentions(gazetteer, "Made in the USA. India bought most of it.") == {"US": 1, "IN": 1}
    assert place_mentions(gazetteer, "He moved to St. Petersburg Kenya Airways said.") == {}   # "St." abbreviates


@pytest.mark.parametrize("text, expected", [
    # ABC: a story about South Australia names only small towns besides its state.
    ("Farmers on South Australia's Limestone Coast are selling stock. Naracoorte and Penola had little rain.",
     {"AU": 1}),
    ("Growers in New South Wales and Western Australia expect a smaller harvest.", {"AU": 2}),
    ("Flooding in Tamil Nadu and Andhra Pradesh cut power to thousands of homes.", {"IN": 2}),
    ("Officials in British Columbia said the wildfire was contained.", {"CA": 1}),
    # A single-word region counts on its own when the text says what it is.
    ("Officials in Iwate Prefecture said the clinic had closed.", {"JP": 1}),
    ("The helicopter crashed in Logar province on Tuesday.", {"AF": 1}),
    ("Police in the state of Maharashtra said.", {"IN": 1}),
    # Single-word regions need another sign of their country: the country's name, or a second region.
    ("Farmers in Ontario and Quebec face new tariffs.", {"CA": 2}),
    ("Farmers in Ontario face tariffs, Canada's trade minister said.", {"CA": 2}),
    ("The plant in Maharashtra is India's largest.", {"IN": 2}),
    ("The plant in Maharashtra is the largest.", {}),
    ("Brewers in Bavaria, like the rest of Germany, raised prices.", {"DE": 2}),
    ("Farmers in Ontario face new tariffs.", {}),
    # ... and are no region when they open a sentence, name a brand or a person, or are written otherwise.
    ("Facebook owner Meta said it would cut jobs in the United States.", {"US": 1}),
    ("Meta Platforms said on Monday that Meta would cut jobs in Colombia.", {"CO": 1}),
    ("Juan Herrera, the mayor of a town in Panama, said Herrera would run again.", {"PA": 1}),
    ("Delta said flights to Nigeria would resume.", {"NG": 1}),
    ("ONTARIO FARMERS WARN OF LOSSES as Canada weighs a response.", {"CA": 1}),
    ("He lost in Santa Fe, New Mexico, on Sunday.", {"US": 1}),   # a US city, not Argentina's province
    ("Shipping through the Red Sea fell, Egypt said.", {"EG": 1}),   # generic words name no region
])
def test_other_countries_states_and_provinces_count(gazetteer, text, expected):
    assert place_mentions(gazetteer, text) == expected


def test_a_story_about_a_region_gets_its_country(gazetteer):
    abc = ("Limestone Coast farmers sell stock and truck in feed as record dry bites\n\n"
           "Farmers on South Australia's Limestone Coast are selling off breeding stock and trucking in feed from "
           "interstate after the region recorded its driest 18 months since records began. Parts of the region, "
           "including Naracoorte and Penola, received less than 60 per cent of their average rainfall.")
    assert content_country(gazetteer, abc, "https://www.abc.net.au/news/rural/2025-03-04/x/105001234") == "AU"
    assert content_country(gazetteer, abc) == "AU"


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
