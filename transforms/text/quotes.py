"""Quotes of a story and who said them (plain functions, no spaCy).

A quote is the text between double quotation marks: straight ("), curly (“ ”),
guillemets (« ») or low-high („ “). Single marks are left inside the quote they sit in
('moderate price effects'), never taken as quotes of their own: in wire copy they are
nested quotes, headline quotes or apostrophes.

Spans: ``start``/``end`` are character offsets into the body and ``text`` is what lies
between the marks, without the marks and the surrounding blanks. For a quote in one
paragraph ``body[start:end] == text``. A quote running over several paragraphs (wire
style: an opening mark at each paragraph start, the closing mark only at the end) is ONE
quote: ``text`` is its paragraphs joined by a single space and ``[start, end)`` runs from
its first to its last character, paragraph breaks and continuation marks included, so
``CONTINUATION.sub(" ", body[start:end]) == text``.

Kinds: ``direct`` (a quoted sentence or clause standing on its own), ``partial`` (a
fragment inside reported speech: called the move "reckless"), ``indirect`` (reported
speech without marks: X said that ...; its text is the reported clause).

Speakers come from the entity mentions of the body (``mentions``: dicts with start, end,
name, label, where name is the canonical entity name). The attribution clause is looked
for after the closing mark ("...," X said / said X / according to X), then before the
opening mark (X said: "..."; X called it "..."). Pronouns and nouns ("she", "the
minister", "the statement") resolve to the most recent compatible person or
organisation that was a speaker or a sentence's first named subject. A quote without
its own attribution inherits the speaker of the quote before it in the paragraph, or of
the previous paragraph's quote when it opens its paragraph.

Bad input never raises: an unclosed quote ends with its paragraph, a quote longer than
``MAX_QUOTE_CHARS`` or ``MAX_QUOTE_PARAGRAPHS`` is dropped, and each case is counted
in the problems returned beside the quotes.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

# Past these an unbalanced mark has swallowed prose that nobody said.
MAX_QUOTE_CHARS = 3000
MAX_QUOTE_PARAGRAPHS = 6
# An attribution clause after a quote names its speaker within this many words.
MAX_ATTRIBUTION_WORDS = 20
# A quote that opens its paragraph and never closes is continued by a quote opening
# one of the next paragraphs (edited copy can put a paragraph between them).
FORWARD_PARAGRAPHS = 2

_DOUBLE_MARK = re.compile('["“”„«»‟＂]')
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
CONTINUATION = re.compile(r'(?:\s*\n\s*\n\s*["“”„«‟＂])+\s*')
_OPEN, _CLOSE, _EITHER = "open", "close", "either"
# Styles of double marks: a quote of one style can hold a quote of another ("... “liberté” ...").
_FAMILY = {'"': "straight", "＂": "straight", "“": "curly", "”": "curly", "„": "curly", "‟": "curly",
           "«": "guillemet", "»": "guillemet"}
# Characters after which a mark opens a quote, and before which it closes one.
_BEFORE_OPENING = "([{—–-/…‘'\u00a0"
_AFTER_CLOSING = ".,;:!?)]}—–-…'’\u00a0"

_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_BREAK_CANDIDATE = re.compile(r'[.!?]+[”»"’\')\]]*\s+')
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gov sen rep gen col lt capt sgt maj adm jr sr inc ltd co corp no vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt rev hon sra dña mme mlle".split())
_SENTENCE_FINAL = ".!?…"
_LAST_WORD = re.compile(r"[\w.]*$")
# A pronoun ending its clause: "according to her."
_WORD_ALONE = re.compile(r"\w+\s*[,.;:)]")
# A segment opening with a possessive is an appositive: ", Barclays' head of research,".
_POSSESSIVE_START = re.compile(r"\s*\w+['’]")


def _verb_forms(regular: str, irregular: dict[str, tuple[str, ...]], nounlike: str) -> frozenset:
    """Inflected English forms of reporting verbs: 3rd person, past and -ing (the forms
    attributions use). Verbs that are also common nouns ("reports", "calls") keep only
    their past and -ing forms, so that plural nouns are not taken for cues."""
    nouns = set(nounlike.split())
    forms = set()
    for lemma in regular.split():
        if lemma.endswith("e"):
            third, past, ing = lemma + "s", lemma + "d", lemma[:-1] + "ing"
        elif lemma.endswith("y") and lemma[-2] not in "aeiou":
            third, past, ing = lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
        elif lemma.endswith(("s", "sh", "ch", "x", "z")):
            third, past, ing = lemma + "es", lemma + "ed", lemma + "ing"
        else:
            third, past, ing = lemma + "s", lemma + "ed", lemma + "ing"
        forms.update((past, ing) if lemma in nouns else (third, past, ing))
    for lemma, irregular_forms in irregular.items():
        forms.add(lemma)
        forms.update(irregular_forms)
    return frozenset(forms)


# Reporting verbs (textacy's REPORTING_VERBS and the Gender Gap Tracker's quote verbs are
# the public references), without the verbs of thought ("believe", "hope") that do not
# introduce speech.
_EN_VERBS = _verb_forms(
    "accuse acknowledge add affirm agree allege announce answer argue ask assert assure boast caution "
    "charge claim comment complain concede conclude confirm contend counter declare decry deny "
    "describe emphasise emphasize exclaim explain insist joke lament maintain mention note observe "
    "plead pledge post promise protest recall recount reiterate remark repeat reply report "
    "respond retort scoff shout state stress suggest testify threaten tweet urge vow warn call",
    {"say": ("said", "says", "saying"), "tell": ("told", "tells", "telling"),
     "speak": ("spoke", "speaks", "speaking"), "write": ("wrote", "writes", "writing"),
     "admit": ("admitted", "admits", "admitting"), "swear": ("swore", "swears"),
     "quip": ("quipped", "quips")},
    "answer call charge claim comment counter joke note pledge post promise protest remark "
    "repeat reply report retort shout state stress tweet",
)
_ES_VERBS = frozenset(
    "dijo dice decía diciendo afirmó afirma afirmando añadió añade agregó agrega señaló señala "
    "explicó explica aseguró asegura declaró declara indicó indica subrayó subraya advirtió "
    "advierte apuntó apunta manifestó manifiesta sostuvo sostiene insistió insiste destacó "
    "destaca recalcó recalca comentó comenta criticó critica calificó califica denunció denuncia "
    "lamentó lamenta reconoció reconoce precisó precisa defendió defiende concluyó concluye "
    "preguntó pregunta respondió responde admitió admite anunció anuncia reiteró reitera alertó "
    "alerta consideró considera opinó opina recordó recuerda expresó expresa aseveró enfatizó "
    "detalló detalla describió describe tildó tilda prometió promete reaccionó sentenció zanjó "
    "ironizó resumió apostilló remarcó valoró argumentó justificó relató relata contó cuenta".split())
_FR_VERBS = frozenset(
    "dit déclaré déclare affirmé affirme ajouté ajoute souligné souligne expliqué explique "
    "estimé estime indiqué indique assuré assure averti avertit prévenu prévient insisté insiste "
    "martelé martèle lancé lance jugé juge confié confie précisé précise reconnu reconnaît "
    "dénoncé dénonce qualifié qualifie répondu répond rappelé rappelle annoncé annonce regretté "
    "regrette promis promet observé observe noté note commenté commente admis admet "
    "déploré déplore fustigé fustige réagi réagit plaidé plaide tranché tranche résumé résume "
    "ironisé ironise protesté proteste poursuivi poursuit conclu conclut avancé avance relevé relève "
    "argué argue répliqué réplique raconté raconte témoigné témoigne".split())
SPEECH_VERBS = {"en": _EN_VERBS, "es": _ES_VERBS, "fr": _FR_VERBS}
# "according to X": the speaker follows the cue.
_ACCORDING = {"en": re.compile(r"\baccording to\b", re.I), "es": re.compile(r"\bseg[úu]n\b", re.I),
              "fr": re.compile(r"\b(?:selon|d['’]apr[èe]s)\b", re.I)}
_PRONOUNS = {"en": frozenset({"he", "she"}), "es": frozenset({"él", "ella"}),
             "fr": frozenset({"il", "elle"})}
_OBJECT_PRONOUNS = {"en": frozenset({"him", "her"}), "es": frozenset({"él", "ella"}),
                    "fr": frozenset({"lui", "elle"})}
_IT_PRONOUNS = {"en": frozenset({"it", "they"}), "es": frozenset({"ellos"}),
                "fr": frozenset({"ils", "elles"})}
_DETERMINERS = frozenset("the this that its his her their a an el la los las su sus le les l "
                         "ce cette son sa ses leur un una une".split())
# Nouns that stand for a person ("the minister said") ...
_PERSON_NOUNS = frozenset(
    "minister spokesman spokeswoman spokesperson secretary president official director chairman "
    "chairwoman chair leader lawmaker legislator senator governor mayor ambassador commissioner "
    "adviser advisor analyst economist researcher professor expert executive chief head manager "
    "founder negotiator lawyer attorney prosecutor judge commander officer diplomat envoy aide "
    "strategist scientist engineer doctor nurse teacher resident owner activist organizer organiser "
    "campaigner candidate deputy premier chancellor general woman man "
    "ministra ministro portavoz presidente presidenta secretario secretaria directora economista "
    "analista alcalde alcaldesa diputado diputada líder jefe jefa experto experta investigador "
    "investigadora responsable consejero consejera delegado delegada "
    "ministre porte-parole président présidente directeur directrice secrétaire maire député "
    "députée économiste analyste chercheur chercheuse dirigeant dirigeante chef experte".split())
# ... an organisation ("the company said") ...
_ORG_NOUNS = frozenset(
    "company firm group ministry department agency government bank union party council commission "
    "organisation organization association institute office court military army police embassy "
    "utility regulator authority board committee foundation charity airline carrier retailer "
    "lender insurer operator fund university hospital think-tank network coalition alliance "
    "empresa compañía ministerio gobierno partido sindicato banco organización asociación "
    "fundación entreprise société groupe ministère gouvernement parti syndicat banque".split())
# ... or a statement, which speaks for whoever issued or read it.
_STATEMENT_NOUNS = frozenset("statement communique communiqué release comunicado nota".split())
_INDEFINITE = frozenset("a an un una une".split())
_COORDINATORS = frozenset("and but or y pero e et mais ou".split())
_AGE = re.compile(r"\d+-year-old")
# Words between a subject and its reporting verb ("X also said", "X has said").
_AUXILIARIES = frozenset(
    "also later then had has have was were is are would will could can may might should did does do "
    "again once never not only still already further first earlier previously "
    "a ont avait ha han había también aussi ya déjà encore pas ne aussitôt ensuite alors hier ayer "
    "luego después hoy".split())
_ADVERB_ENDINGS = {"en": ("ly",), "es": ("mente",), "fr": ("ment",)}
# Words that open a phrase fronted before the subject.
_FRONTING = frozenset(
    "in at after before during while with without since despite following on for under amid as "
    "when although though if from by en durante tras después antes con dans après avant lors pendant "
    "avec".split())
# Scare quotes around names nobody said: 'known as "El Chapo"', 'the so-called "deal"'.
_NAMING = re.compile(r"(?:\b(?:known as|dubbed|nicknamed|so-called|titled|entitled|named|the words?|"
                     r"the term|the phrase|slogan|hashtag|brand(?:ed)?|conocid[oa] como|"
                     r"llamad[oa]|baptisé|surnommé)|#)\s*$", re.I)
_SMALL_WORDS = frozenset("of the and a an in on for to at by with de del la las los el y le les "
                         "des du et".split())
_SPEAKER_LABELS = ("PERSON", "ORG")
# A title between a reporting verb and the name of its speaker, however long: "said
# Minister of State for Trade and Industry Chua Mei Ling", "afirmó el secretario de
# Agricultura, Ganadería y Pesca, Martín Olmedo".
_TITLE_RUN = re.compile(
    r"(?:\s+(?:the|el|la|los|las|le|les)\b)?(?:\s+[a-zà-ÿ\-]+)?"
    r"(?:,?\s+[A-ZÀ-Þ][\w'’\-.]*|\s+(?:(?:of|for|and|the|de|del|la|las|los|y|e|du|des)(?!\w)|&))+")


@dataclass
class _Attribution:
    cue: str
    position: int                       # where the cue is: the speaker history is ordered by it
    name: str | None = None             # a named speaker (canonical entity name) ...
    label: str | None = None
    reference: str | None = None        # ... or a pronoun or noun to resolve ("she", "minister")
    reference_kind: str | None = None   # person | org | statement
    definite: bool = True               # "the adviser" was named before, "an adviser" may be after
    subject_start: int | None = None    # where a named speaker is, when it is in the clause


@dataclass
class _Quote:
    pieces: list                        # [(start, end)] of the text, one per paragraph
    opener: int                         # index of the opening mark
    closer: int | None                  # index of the closing mark; None when it never closed
    first_paragraph: int
    last_paragraph: int
    text: str = ""
    kind: str = "direct"
    attribution: _Attribution | None = None
    speaker: str | None = None
    label: str | None = None
    cue: str | None = None

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


@dataclass
class _Text:
    """The body and what the rules need from it: paragraphs, a copy with quote interiors
    blanked (so that words said inside a quote are never read as its attribution),
    sentence starts, and the entity mentions outside quotes."""
    body: str
    language: str
    paragraphs: list
    verbs: frozenset
    according: re.Pattern
    masked: str = ""
    breaks: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    mention_starts: list = field(default_factory=list)


def speech_verbs(language: str | None) -> frozenset:
    """The reporting verb forms of a language (English for a language without a lexicon)."""
    return SPEECH_VERBS.get((language or "en")[:2], _EN_VERBS)


def according_pattern(language: str | None) -> re.Pattern:
    return _ACCORDING.get((language or "en")[:2], _ACCORDING["en"])


def extract_quotes(body: str, mentions: list[dict] | None = None, language: str | None = "en",
                   text_start: int = 0) -> tuple[list[dict], Counter]:
    """(quotes, problems) of ``body``, whose story starts at ``text_start`` (after the
    dateline: a sentence starts there).

    quotes: {text, speaker, cue, kind, start, end} in body order. problems counts what
    bad input did: "unclosed" (a quote ended with its paragraph or at the next opening
    mark), "too_long" (dropped), "stray_close" (a closing mark with no quote open)."""
    problems: Counter = Counter()
    body = body or ""
    language = (language or "en")[:2]
    text = _Text(body, language, _paragraphs(body), speech_verbs(language), according_pattern(language))
    found = _find_quotes(text, problems)
    _index(text, found, mentions or [], text_start)
    quotes = [q for k, q in enumerate(found) if _classify(text, q, *_neighbours(found, k))]
    for k, q in enumerate(quotes):
        q.attribution = _attribute(text, q, *_neighbours(quotes, k))
    indirect = _indirect_speech(text, quotes)
    _resolve_speakers(text, quotes + indirect)
    indirect = [q for q in indirect if q.speaker]
    _inherit_speakers(text, quotes)
    out = [{"text": q.text, "speaker": q.speaker, "cue": q.cue, "kind": q.kind,
            "start": q.start, "end": q.end} for q in quotes + indirect]
    return sorted(out, key=lambda q: q["start"]), problems


# -- finding the quotes -------------------------------------------------------------------

def _paragraphs(body: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(body)))
    return [span for span in (_strip(body, s, e) for s, e in spans) if span[1] > span[0]]


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _mark_role(body: str, i: int) -> str:
    """Whether the double mark at ``i`` opens or closes a quote, from the characters around
    it: guillemets and „ say it themselves; “ and ” usually do but are misused (German
    closes with “), so spacing decides; a straight mark is known by spacing alone."""
    mark = body[i]
    if mark in "„«":
        return _OPEN
    if mark == "»":
        return _CLOSE
    before = body[i - 1] if i > 0 else " "
    after = body[i + 1] if i + 1 < len(body) else " "
    opens = not after.isspace() and (before.isspace() or before in _BEFORE_OPENING)
    closes = not before.isspace() and (after.isspace() or after in _AFTER_CLOSING)
    if opens != closes:
        return _OPEN if opens else _CLOSE
    return {"“": _OPEN, "”": _CLOSE}.get(mark, _EITHER)


def _find_quotes(text: _Text, problems: Counter) -> list[_Quote]:
    body, paragraphs = text.body, text.paragraphs
    quotes: list[_Quote] = []
    current: _Quote | None = None    # the open quote, carried over paragraph breaks
    piece_start = 0

    def close(end: int, closer: int | None) -> None:
        current.pieces.append(_strip(body, piece_start, end))
        current.pieces = [(s, e) for s, e in current.pieces if e > s] or current.pieces[-1:]
        current.closer = closer
        current.text = " ".join(body[s:e] for s, e in current.pieces)
        if len(current.text) > MAX_QUOTE_CHARS:
            problems["too_long"] += 1
        elif _WORD.search(current.text):
            quotes.append(current)

    for p, (p_start, p_end) in enumerate(paragraphs):
        marks = [m.start() for m in _DOUBLE_MARK.finditer(body, p_start, p_end)]
        if current is not None:    # continued: the paragraph opens with its continuation mark
            piece_start, marks = marks[0] + 1, marks[1:]
            current.last_paragraph = p
        nested = None    # the family of a quote of another style inside the open one
        for i in marks:
            if current is not None and body[current.opener] == "«" and body[i] != "»":
                continue    # “ ” nested in « »
            role = _mark_role(body, i)
            if current is not None and _FAMILY[body[i]] != _FAMILY[body[current.opener]]:
                if nested is None and role == _OPEN:
                    nested = _FAMILY[body[i]]
                    continue
                if nested == _FAMILY[body[i]] and role != _OPEN:
                    nested = None
                    continue
            if current is None:
                if role == _CLOSE:
                    problems["stray_close"] += 1
                    continue
                current, piece_start = _Quote([], i, None, p, p), i + 1
            elif role == _OPEN:    # a quote opening inside an open one: that one never closed
                problems["unclosed"] += 1
                close(i, None)
                current, piece_start = _Quote([], i, None, p, p), i + 1
            else:
                close(i, i)
                current = None
        if current is None:
            continue
        following = paragraphs[p + 1][0] if p + 1 < len(paragraphs) else None
        carried = sum(e - s for s, e in current.pieces) + p_end - piece_start
        if (following is not None and _DOUBLE_MARK.match(body, following)
                and _mark_role(body, following) != _CLOSE
                and len(current.pieces) + 1 < MAX_QUOTE_PARAGRAPHS and carried <= MAX_QUOTE_CHARS):
            current.pieces.append(_strip(body, piece_start, p_end))
            continue
        problems["unclosed"] += 1
        close(p_end, None)
        current = None
    return quotes


def _index(text: _Text, quotes: list[_Quote], mentions: list[dict], text_start: int) -> None:
    """Blanks quote interiors but for their last character (a quote ending in a full stop
    ends its sentence too), finds the sentence starts and keeps the mentions outside quotes."""
    chars = list(text.body)
    inside = []
    for q in quotes:
        for s, e in q.pieces:
            chars[s:e - 1] = " " * max(e - 1 - s, 0)
            inside.append((s, e))
    text.masked = "".join(chars)
    breaks = {s for s, _ in text.paragraphs} | ({text_start} if 0 < text_start < len(text.body) else set())
    for p_start, p_end in text.paragraphs:
        for match in _BREAK_CANDIDATE.finditer(text.masked, p_start, p_end):
            if _is_sentence_break(text.masked, match):
                breaks.add(match.end())
    text.breaks = sorted(breaks)
    inside.sort()
    inside_starts = [s for s, _ in inside]
    for mention in sorted(mentions, key=lambda m: m["start"]):
        k = bisect.bisect_right(inside_starts, mention["start"]) - 1
        if k < 0 or mention["start"] >= inside[k][1]:
            text.mentions.append(mention)
    text.mention_starts = [m["start"] for m in text.mentions]


def _is_sentence_break(masked: str, match: re.Match) -> bool:
    following = masked[match.end():match.end() + 1]
    if not following or not (following.isupper() or following.isdigit() or following in '"“„«‘(¿¡'):
        return False
    if masked[match.start()] != ".":
        return True
    word = _LAST_WORD.search(masked[max(0, match.start() - 24):match.start()]).group()
    if "." in word or (len(word) == 1 and word.isupper()):    # U.S., J. Smith
        return False
    return word.lower() not in _ABBREVIATIONS


def _sentence_bounds(text: _Text, position: int) -> tuple[int, int]:
    """The sentence holding ``position``, never beyond its paragraph."""
    k = bisect.bisect_right(text.breaks, position) - 1
    start = text.breaks[k] if k >= 0 else 0
    end = text.breaks[k + 1] if k + 1 < len(text.breaks) else len(text.body)
    p = bisect.bisect_right(text.paragraphs, (position, len(text.body))) - 1
    if p >= 0:
        start, end = max(start, text.paragraphs[p][0]), min(end, text.paragraphs[p][1])
    return start, end


def _sentences(text: _Text):
    """(start, end) of every sentence."""
    for k, start in enumerate(text.breaks):
        end = text.breaks[k + 1] if k + 1 < len(text.breaks) else len(text.body)
        p = bisect.bisect_right(text.paragraphs, (start, len(text.body))) - 1
        yield start, min(end, text.paragraphs[p][1])


def _neighbours(quotes: list[_Quote], k: int) -> tuple[_Quote | None, _Quote | None]:
    """The quotes just before and after quotes[k] when they share its paragraph."""
    q = quotes[k]
    previous = quotes[k - 1] if k > 0 and quotes[k - 1].last_paragraph == q.first_paragraph else None
    following = quotes[k + 1] if k + 1 < len(quotes) and quotes[k + 1].first_paragraph == q.last_paragraph \
        else None
    return previous, following


def _before_context(text: _Text, q: _Quote, previous: _Quote | None) -> tuple[int, int]:
    start = _sentence_bounds(text, q.opener)[0]
    if previous is not None and previous.closer is not None and previous.closer >= start:
        start = previous.closer + 1
    return start, q.opener


def _after_context(text: _Text, q: _Quote, following: _Quote | None) -> tuple[int, int]:
    end = _sentence_bounds(text, q.closer)[1]
    if following is not None and following.opener < end:
        end = following.opener
    return q.closer + 1, end


def _classify(text: _Text, q: _Quote, previous: _Quote | None, following: _Quote | None) -> bool:
    """Sets the quote's kind; False for scare quotes (names and titles nobody said)."""
    words = _WORD.findall(q.text)
    if len(words) <= 6 and q.text.rstrip("'’ ")[-1:] not in _SENTENCE_FINAL + "," and _is_title(words):
        return False
    b_start, _ = _before_context(text, q, previous)
    lead = text.masked[b_start:q.opener].strip()
    lead_words = _WORD.findall(lead.lower())
    if not lead or lead.endswith(":") or (
            q.text[:1].isupper() and (lead.endswith(",") or (lead_words and lead_words[-1] in text.verbs))):
        q.kind = "direct"
        return True
    q.kind = "partial"
    if _NAMING.search(lead):
        return False
    # A fragment is speech only when its sentence reports someone's words, before an
    # earlier fragment too: a jugé la décision « absurde » alors que « rien n'est prêt »
    after_end = _after_context(text, q, following)[1] if q.closer is not None else q.end
    return bool(_cues(text, _sentence_bounds(text, q.opener)[0], q.opener) or _cues(text, q.end, after_end))


def _is_title(words: list[str]) -> bool:
    """Every word capitalised but small words: a name or a title, not speech."""
    content = [w for n, w in enumerate(words) if n == 0 or w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


# -- attribution ----------------------------------------------------------------------------

def _words(text: _Text, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text.masked, start, end)]


def _cues(text: _Text, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_according) of the reporting cues in [start, end)."""
    found = [(m.start(), m.end(), False) for m in _WORD.finditer(text.masked, start, end)
             if m.group().islower() and m.group() in text.verbs]    # "States" is no verb
    found += [(m.start(), m.end(), True) for m in text.according.finditer(text.masked, start, end)]
    return sorted(found)


def _mentions_in(text: _Text, start: int, end: int) -> list[dict]:
    k = bisect.bisect_left(text.mention_starts, start)
    out = []
    while k < len(text.mentions) and text.mentions[k]["start"] < end:
        if text.mentions[k]["end"] <= end:
            out.append(text.mentions[k])
        k += 1
    return out


def _named(mentions: list[dict], labels=_SPEAKER_LABELS) -> dict | None:
    """The first person among ``mentions``, else the first organisation: the subject of a
    clause comes before the appositives that may name others."""
    for label in labels:
        for mention in mentions:
            if mention["label"] == label:
                return mention
    return None


def _reference(text: _Text, words: list[tuple[str, int, int]]) -> tuple[str, str, bool] | None:
    """A pronoun or a determined noun standing for the speaker, what it can stand for and
    whether it is definite: ("she", "person", True), ("minister", "person", True),
    ("company", "org", True), ("statement", "statement", True), ("adviser", "person", False)
    for "an adviser", whose name, if any, comes later."""
    pronouns = _PRONOUNS.get(text.language, _PRONOUNS["en"])
    it_pronouns = _IT_PRONOUNS.get(text.language, _IT_PRONOUNS["en"])
    for n, (word, _, _) in enumerate(words):
        tail = word.split("-")[-1]    # French "a-t-elle"
        if tail in pronouns:
            return tail, "person", True
        if _AGE.fullmatch(word) and n > 0 and words[n - 1][0] in _DETERMINERS:    # "said the 52-year-old"
            return word, "person", words[n - 1][0] not in _INDEFINITE
        if tail in it_pronouns:
            return tail, "org", True
        determiners = [w for w, _, _ in words[max(0, n - 3):n] if w in _DETERMINERS or w.endswith(("'s", "’s"))]
        if not determiners:
            continue
        for kind, lexicon in (("person", _PERSON_NOUNS), ("org", _ORG_NOUNS), ("statement", _STATEMENT_NOUNS)):
            if word in lexicon:
                return word, kind, determiners[0] not in _INDEFINITE
    return None


def _refer(found: _Attribution, reference: tuple[str, str, bool]) -> _Attribution:
    found.reference, found.reference_kind, found.definite = reference
    return found


def _name(found: _Attribution, mention: dict) -> _Attribution:
    found.name, found.label, found.subject_start = mention["name"], mention["label"], mention["start"]
    return found


def _clause_start(text: _Text, start: int, end: int) -> int:
    """Skips the phrases fronted before a clause's subject ("In a submission to the
    Treasury, ...", "Addressing a think-tank, ..."): their names are not the speaker."""
    for _ in range(3):
        words = _words(text, start, end)
        if not words or not (words[0][0] in _FRONTING or words[0][0].endswith("ing")):
            break
        comma = text.masked.find(",", start, end)
        if comma < 0:
            break
        start = comma + 1
    return start


def _unnamed_subject(text: _Text, lead: list[tuple[str, int, int]], c_start: int) -> bool:
    """Whether the word before the cue is a subject that is no name ("critics say",
    "officials said"): then no name earlier in the clause is the speaker."""
    for word, w_start, w_end in reversed(lead):
        if "," in text.masked[w_end:c_start] or not text.body[w_start:w_end].islower() \
                or _in_mention(text, w_start):
            return False    # an appositive closes before the cue, or a name is there
        if _is_auxiliary(word, text.language):
            c_start = w_start
            continue
        return True
    return False


def _is_auxiliary(word: str, language: str) -> bool:
    """An auxiliary or adverb between a subject and its verb ("has", "also", "a aussitôt")."""
    return word in _AUXILIARIES or word.endswith(_ADVERB_ENDINGS.get(language, ("ly",)))


def _in_mention(text: _Text, position: int) -> bool:
    k = bisect.bisect_right(text.mention_starts, position) - 1
    return k >= 0 and text.mentions[k]["end"] > position


def _indefinite_subject(text: _Text, position: int) -> str | None:
    """The role of an unnamed subject opening the sentence at ``position`` ("an adviser
    to the candidate ... spoke ... what he called"): "he" is that adviser, not the last
    person named."""
    s_start, _ = _sentence_bounds(text, position)
    words = _words(text, _clause_start(text, s_start, position), position)[:8]
    if not words or words[0][0] not in _INDEFINITE:
        return None
    return next((w for w, _, _ in words[1:] if w in _PERSON_NOUNS), None)


def _slot(text: _Text, start: int, end: int, cue: tuple[int, int, bool],
          after_quote: bool) -> _Attribution | None:
    """The speaker of the cue in the clause [start, end): a named person or organisation
    before it (X said), after it (said X, according to X), or a pronoun or noun."""
    c_start, c_end, according = cue
    found = _Attribution(cue=text.body[c_start:c_end], position=c_start)
    following = _words(text, c_end, end)
    if according:
        mention = _named(_mentions_in(text, c_end, following[5][2] if len(following) > 5 else end))
        if mention:
            return _name(found, mention)
        if following and following[0][0] in _OBJECT_PRONOUNS.get(text.language, ()) and (
                text.language != "en" or _WORD_ALONE.match(text.masked, following[0][1])):
            return _refer(found, (following[0][0], "person", True))    # "according to her.", "selon lui"
        reference = _reference(text, following[:4])
        if reference and reference[1] != "statement":    # "according to a statement": whose?
            return _refer(found, reference)
        return None
    start = _clause_start(text, start, c_start)
    lead = _words(text, start, c_start)
    core = list(lead)    # the words before the cue without "has", "also", French "a"...
    while core and _is_auxiliary(core[-1][0], text.language):
        core.pop()
    if core and core[-1][0] in _COORDINATORS and not found.cue.endswith("ing"):
        # "X called it "..." and said ...": the subject of the verb before
        earlier = [c for c in _cues(text, start, core[-1][1]) if not c[2]]
        shared = _slot(text, start, end, earlier[-1], after_quote) if earlier else None
        if shared:
            shared.cue, shared.position = found.cue, found.position
        return shared
    reference = _reference(text, core[-4:])
    # "she said", "the minister said"; not "X, a sociologist at the university, called":
    # a noun closing an appositive is not the subject,
    # nor "X of the Singapore Management University said": a noun in a name is no reference
    if reference and core[-1][0].split("-")[-1] == reference[0] and "," not in text.masked[core[-1][2]:c_start] \
            and not _in_mention(text, core[-1][1]):
        role = _indefinite_subject(text, c_start) if reference[1] == "person" else None
        return _refer(found, (role, "person", False) if role else reference)
    if core and not found.cue.endswith("ing") and _unnamed_subject(text, lead, c_start):
        return None
    subject = _subject_start(text, start, c_start)
    before = _mentions_in(text, subject, c_start)
    mention = _named(before)
    if mention is None and len(before) == 1 and before[0]["label"] == "GPE" \
            and not text.masked[subject:before[0]["start"]].strip(" ,") \
            and not text.masked[before[0]["end"]:c_start].strip():
        mention = before[0]    # "China said"
    if mention:
        return _name(found, mention)
    if reference:
        return _refer(found, reference)
    if not after_quote or core:
        return None
    # ', said Jane Doe, a nurse' / ', added the minister' / ', a déclaré la ministre, X,' /
    # ', said Minister of State for Trade and Industry Chua Mei Ling'
    window = following[7][2] if len(following) > 7 else end
    title = _TITLE_RUN.match(text.masked, c_end, end)
    mention = _named(_mentions_in(text, c_end, max(window, title.end() if title else 0)))
    if mention:
        return _name(found, mention)
    reference = _reference(text, following[:4])
    return _refer(found, reference) if reference else None


def _subject_start(text: _Text, start: int, c_start: int) -> int:
    """Where the subject of the verb at ``c_start`` starts. "X, APPOSITIVE, said": the
    clause's start. Otherwise the comma-separated segment before the verb, extended back
    over appositives and relative clauses, which open with a small word (", a former
    adviser to ... told")."""
    segment_end = c_start
    while True:
        comma = text.masked.rfind(",", start, segment_end)
        if comma < 0:
            return start
        segment = text.masked[comma + 1:segment_end]
        words = _WORD.findall(segment)
        if not words:
            return start
        if words[0][:1].isupper() and words[0].lower() not in _DETERMINERS \
                and not _POSSESSIVE_START.match(segment):    # "Barclays' head of ...": an appositive
            return comma + 1
        segment_end = comma


def _attribute(text: _Text, q: _Quote, previous: _Quote | None,
               following: _Quote | None) -> _Attribution | None:
    """The quote's attribution clause: after the closing mark, else before the opening
    mark. A named speaker on either side wins over a pronoun or noun on the other."""
    weak = None
    if q.closer is not None:
        a_start, a_end = _after_context(text, q, following)
        ends_sentence = q.text.rstrip("'’ ")[-1:] in _SENTENCE_FINAL
        words = _words(text, a_start, a_end)
        # '"...?" said X' goes on after the mark: the next word is in lower case
        if not ends_sentence or len(words) <= 4 or (words and text.body[words[0][1]:words[0][2]].islower()):
            cues = [c for c in _cues(text, a_start, a_end)
                    if len(_words(text, a_start, c[0])) <= MAX_ATTRIBUTION_WORDS]
            if cues:
                weak = _slot(text, a_start, a_end, cues[0], after_quote=True)
                if weak and weak.name:
                    return weak
    b_start, b_end = _before_context(text, q, previous)
    cues = _cues(text, b_start, b_end)
    if cues:
        found = _slot(text, b_start, b_end, cues[-1], after_quote=False)
        if found and (found.name or weak is None):
            return found
    return weak


def _indirect_speech(text: _Text, quotes: list[_Quote]) -> list[_Quote]:
    """Reported speech in sentences without quotation marks: "X said (that) CLAUSE" and
    "CLAUSE, X said"; the text is the reported clause."""
    quoted = sorted((q.start, q.end) for q in quotes)
    starts = [s for s, _ in quoted]
    out = []
    for s_start, s_end in _sentences(text):
        k = bisect.bisect_left(starts, s_end)
        if k > 0 and quoted[k - 1][1] > s_start:
            continue
        for cue in _cues(text, s_start, s_end):
            if cue[2] or text.body[cue[0]:cue[1]].endswith("ing"):    # the clause is not what was said
                continue
            found = _slot(text, s_start, s_end, cue, after_quote=False)
            if found is None or not (found.name or found.reference in _PRONOUNS.get(text.language, ())):
                continue
            speech = _reported_clause(text, s_start, s_end, cue, found)
            if speech is not None:
                p = bisect.bisect_right(text.paragraphs, (s_start, len(text.body))) - 1
                out.append(_Quote([speech], s_start, None, p, p, text.body[speech[0]:speech[1]], "indirect", found))
                break
    return out


def _reported_clause(text: _Text, s_start: int, s_end: int, cue: tuple, found: _Attribution):
    """The clause reported by the cue of a sentence, or None when it is too short to be one."""
    c_start, c_end, _ = cue
    tail = _words(text, c_end, s_end)
    if len(tail) <= 4:    # "CLAUSE, X said (on Tuesday)."
        subject = found.subject_start if found.subject_start is not None else c_start
        comma = text.body.rfind(",", s_start, subject)
        if comma < 0:
            return None
        start, end = s_start, comma
    else:                 # "X said (that) CLAUSE", "X told reporters that CLAUSE"
        that = [w for w in tail[:6] if w[0] in ("that", "que", "qu")]
        start, end = (that[0][2] if that else c_end), s_end
    start, end = _strip(text.body, start, end)
    while end > start and text.body[end - 1] in ".,;:":
        end -= 1
    return (start, end) if len(_words(text, start, end)) >= 4 else None


# -- speakers -------------------------------------------------------------------------------

def _resolve_speakers(text: _Text, events: list[_Quote]) -> None:
    """Named speakers as they are; pronouns and nouns to the most recent compatible
    candidate: a speaker so far, or the first person or organisation named in a sentence."""
    history = _subjects(text)
    positions = [h[0] for h in history]
    introductions = _introductions(text)
    for q in sorted((e for e in events if e.attribution), key=lambda e: e.attribution.position):
        a = q.attribution
        q.cue = a.cue
        if a.name:
            q.speaker, q.label = a.name, a.label
        else:
            k = bisect.bisect_left(positions, a.position)
            found = _antecedent(text, history[:k], a, introductions)
            if found is None:
                continue
            q.speaker, q.label = found
        k = bisect.bisect_right(positions, a.position)
        history.insert(k, (a.position, q.speaker, q.label, True))
        positions.insert(k, a.position)


def _subjects(text: _Text) -> list[tuple[int, str, str, bool]]:
    """(position, name, label, spoke) of the first person and the first organisation
    named in each sentence: what a later "she" or "the company" can stand for."""
    history = []
    for s_start, s_end in _sentences(text):
        mentions = _mentions_in(text, s_start, s_end)
        for label in _SPEAKER_LABELS:
            first = next((m for m in mentions if m["label"] == label), None)
            if first:
                history.append((first["start"], first["name"], label, False))
    return sorted(history)


def _introductions(text: _Text) -> dict[str, str]:
    """The sentence that first names each entity, lower-cased: "the minister" is the
    person introduced as a minister."""
    out = {}
    for mention in text.mentions:
        if mention["name"] not in out:
            s, e = _sentence_bounds(text, mention["start"])
            out[mention["name"]] = text.body[s:e].lower()
    return out


def _antecedent(text: _Text, history, a: _Attribution, introductions: dict) -> tuple[str, str] | None:
    if not a.definite:    # "an adviser said": the adviser named next, if any
        return _named_later(text, a, introductions)
    kind, noun = a.reference_kind, a.reference
    labels = {"person": ("PERSON",), "org": ("ORG",), "statement": _SPEAKER_LABELS}[kind]
    candidates = [h for h in reversed(history) if h[2] in labels]
    if noun in _PERSON_NOUNS | _ORG_NOUNS | _STATEMENT_NOUNS:
        # "the minister": the last person introduced as one; "the statement": whoever's
        # statement the story mentioned
        for _, name, label, _ in candidates:
            if noun in name.lower() or re.search(rf"\b{re.escape(noun)}", introductions.get(name, "")):
                return name, label
        if kind == "org":    # "the company" that was never named: not just any organisation
            return next(((name, label) for _, name, label, spoke in candidates if spoke), None)
    return (candidates[0][1], candidates[0][2]) if candidates else None


def _named_later(text: _Text, a: _Attribution, introductions: dict) -> tuple[str, str] | None:
    """The first person named after an unnamed one ("an adviser") within the next
    paragraphs and introduced with the same role ("Wi, a foreign policy adviser")."""
    p = bisect.bisect_right(text.paragraphs, (a.position, len(text.body))) - 1
    last = text.paragraphs[min(p + FORWARD_PARAGRAPHS, len(text.paragraphs) - 1)][1]
    for mention in _mentions_in(text, a.position, last):
        if mention["label"] == "PERSON" and re.search(rf"\b{re.escape(a.reference)}",
                                                      introductions.get(mention["name"], "")):
            return mention["name"], "PERSON"
    return None


def _inherit_speakers(text: _Text, quotes: list[_Quote]) -> None:
    """A quote without an attribution of its own: "...," she said. "..." takes the speaker
    of the quote before it in the paragraph; a quote opening its paragraph continues the
    previous paragraph's quote, or, when it never closes, the quote that continues it."""
    for k, q in enumerate(quotes):
        if q.attribution is not None:
            continue
        previous, _ = _neighbours(quotes, k)
        source = previous
        if source is None and q.opener == text.paragraphs[q.first_paragraph][0]:
            if q.closer is None:
                source = next((r for r in quotes[k + 1:]
                               if r.first_paragraph <= q.last_paragraph + FORWARD_PARAGRAPHS
                               and r.attribution is not None
                               and r.opener == text.paragraphs[r.first_paragraph][0]), None)
            if source is None and k > 0 and quotes[k - 1].last_paragraph == q.first_paragraph - 1:
                source = quotes[k - 1]
        if source is not None:
            q.speaker, q.label, q.cue = source.speaker, source.label, source.cue
