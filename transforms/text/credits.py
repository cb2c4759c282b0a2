"""Journalist credits and the credit lines that leave the body (plain functions).

    (Reporting by A, B and C; Additional reporting by D in Kyiv; Writing by E; Editing by F)
    Associated Press writers A and B contributed to this report.
    --With assistance from A.  /  To contact the reporter on this story: A in Jakarta at a@b.net
    Editor: A  ·  Edited by: A  ·  Reporters: A, B
    By EVELYN MWANGI and DAVID OKORO  ·  By Aoife Brennan, Property Editor  ·  Dana Whitfield@dwhitfield
    Jana Krüger (a bare name: the page's byline line)  ·  Natalie Kwok + FOLLOW
    Story by AFP  ·  (EFE)  ·  mgr/amg  ·  (With inputs from PTI)

A credit is {"role", "name"} with a person's name in natural case. Agencies, outlets and
job titles are never people: "Story by AFP" is a byline line that credits nobody.
"""
from __future__ import annotations

import re

from transforms.text.dates import parse_stamp

ROLES = ("reporting", "additional_reporting", "writing", "editing", "compiling", "graphics", "contributing",
         "byline")

# Wire services by the name their datelines use, with the other names bylines give them.
WIRE_AGENCIES = {
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "EFE": ("EFE", "Agencia EFE"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS", "Indo-Asian News Service"),
    "ANI": ("ANI", "Asian News International"),
    "UNI": ("UNI", "United News of India"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "Xinhua": ("Xinhua", "Xinhua News Agency"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "ANSA": ("ANSA",),
    "UPI": ("UPI", "United Press International"),
    "The Canadian Press": ("The Canadian Press", "Canadian Press", "CP"),
    "AAP": ("AAP", "Australian Associated Press"),
    "PA": ("PA", "PA Media", "Press Association"),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
    "TASS": ("TASS",),
    "Interfax": ("Interfax",),
    "Bernama": ("Bernama",),
    "Antara": ("Antara",),
    "Jiji": ("Jiji", "Jiji Press"),
    "Lusa": ("Lusa",),
    "Europa Press": ("Europa Press",),
    "Belga": ("Belga",),
    "ANP": ("ANP",),
    "WAM": ("WAM", "Emirates News Agency"),
    "SPA": ("SPA", "Saudi Press Agency"),
    "KUNA": ("KUNA", "Kuwait News Agency"),
    "IRNA": ("IRNA",),
    "Ukrinform": ("Ukrinform",),
}
_AGENCY_OF_NAME = {alias.casefold(): agency for agency, aliases in WIRE_AGENCIES.items() for alias in aliases}

# "Reporting by", "additional reporting by", "Edited by"... (Reuters-style role phrases).
_ROLE_PHRASE = re.compile(
    r"\b(?P<role>additional\s+reporting|additional\s+writing|reporting|reported|writing|written|editing|edited|"
    r"compiled|compiling|graphics?|photography|photos?|production|produced|research|fact-checking|"
    r"translation|translated|video)\s+by\b:?", re.IGNORECASE)
_ROLE_OF_PHRASE = {
    "additional reporting": "additional_reporting", "reporting": "reporting", "reported": "reporting",
    "additional writing": "writing", "writing": "writing", "written": "writing",
    "editing": "editing", "edited": "editing", "compiled": "compiling", "compiling": "compiling",
    "graphics": "graphics", "graphic": "graphics",
}
# A role as a label (Xinhua's "Editor: Wang Xiaoyu", "Reporters: A, B"): the names only.
_ROLE_LABEL = re.compile(
    r"^(?:(?:web|copy|desk|responsible|chief|managing)\s+)?(?P<label>editor|reporter|writer)s?\s*:\s*(?P<who>.{3,300})$",
    re.IGNORECASE | re.DOTALL)
_ROLE_OF_LABEL = {"editor": "editing", "reporter": "reporting", "writer": "writing"}
# "Associated Press writers A and B contributed to this report." / "... contributed reporting."
_CONTRIBUTED = re.compile(
    r"^(?P<who>.{3,300}?)\s+contributed(?:\s+(?:reporting|to\s+this\s+(?:report|story|article)))?"
    r"(?:\s+from\s+[^.]{1,60})?\.?$", re.IGNORECASE | re.DOTALL)
# "Contributing: A, B" (contributing); Bloomberg's "--With assistance from A" (additional reporting).
_CONTRIBUTORS = re.compile(
    r"^(?:(?P<contributing>contributing)|with\s+(?:additional\s+)?assistance\s+from)\s*:?\s*(?P<who>.{3,300}?)\.?$",
    re.IGNORECASE | re.DOTALL)
# Who contributed, before the names: "Associated Press writer", "AP video journalist".
_CONTRIBUTOR_TITLE = re.compile(
    r"^(?:the\s+)?(?:[\w&.'’-]+\s+){0,3}?(?:staff\s+)?(?:video\s+|news\s+)?"
    r"(?:writers?|reporters?|journalists?|correspondents?|photographers?|researchers?|producers?)\s+",
    re.IGNORECASE)
_OUTLET_POSSESSIVE = re.compile(r"^[\w&.-]+(?:\s[\w&.-]+)?['’]s\s+")   # "CNN's Jane Doe"
# Bloomberg's contact block: a label, then one "Name in City at email" per line.
_CONTACT_LABEL = re.compile(r"^to\s+contact\s+the\s+(?P<who>reporters?|editors?)\b[^:]{0,60}:(?P<rest>.*)$",
                            re.IGNORECASE | re.DOTALL)
_EMAIL = re.compile(r"\s*(?:\bat\s+)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BYLINE_LEAD = re.compile(r"^\s*(?:(?:story|text|words|written|reported|article)\s+)?(?:by|por|par)\b\s*:?\s*",
                          re.IGNORECASE)
_HANDLE = re.compile(r"\s*@\w+$")   # CNBC: "Dana Whitfield@danawhitfieldtv"
_FOLLOW_BUTTON = re.compile(r"\s*\+?\s*\bfollow\s*$", re.IGNORECASE)   # SCMP: "Natalie Kwok + FOLLOW"
_IN_PLACE = re.compile(r"\s+(?:in|from|at)\s+[A-Z].*$", re.DOTALL)
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_HAS_PLACE = re.compile(r"\s(?:in|from|at)\s+[A-Z]")
_AND = re.compile(r",?\s+and\s+|\s*&\s*")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.IGNORECASE)
_CHROME_SEPARATOR = re.compile(r"\s+[|·•]\s+")
# The parts of a byline or author field that may name an agency: "Jordan Whitlock, The
# Canadian Press", "By Euronews with AFP".
_CREDIT_PARTS = re.compile(r"\s*(?:[,;|·•&]|\band\b|\bwith\b)\s*", re.IGNORECASE)
_SEPARATOR_LINE = re.compile(r"^[_\-–—*=~•·\s]{3,}$")
# Agency sign-offs at the end of a story: "(EFE)", "mgr/amg", "EFE kms/sst", "(With inputs from PTI)".
_SIGN_OFF = re.compile(
    r"^(?:\(?\s*[A-Za-z][\w&-]{1,15}\s*\)?\.?\s*)?(?:[a-z]{1,6}(?:[-/][a-z]{1,6})*/[a-z]{1,6})$"   # initials
    r"|^\(\s*[A-Z][\w&'’-]{1,15}(?:[ /][A-Za-z][\w&'’-]{1,15}){0,2}\s*\)\.?$"                   # (EFE)
    r"|^\(?\s*with\s+inputs?\s+from\s+[^()]{2,60}\)?\.?$"                                      # (With inputs from PTI)
    r"|^\([^()]{0,300}syndicated\s+feed[^()]{0,100}\)\.?$",                                    # syndication notes
    re.IGNORECASE)
_NAME_TOKEN = re.compile(
    r"^(?:[A-Z]\.){1,3}$|^(?:[OD]['’]|Mc|Mac|[Aa]l-|[Ee]l-)?[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?$")
# Lower-case words inside names: "Ana de la Cruz", "Ursula von der Leyen", "Salman bin Hamad".
_NAME_PARTICLES = frozenset("de del della der den di da das do dos du la le van von ter ten bin bint ibn al el y e"
                            .split())
# Words of a job title: "Property Editor", "Senior Correspondent", "Staff Writer".
_JOB_TITLE_WORDS = frozenset("""
    desk staff editor editors editorial correspondent correspondents reporter reporters writer writers contributor
    contributors columnist analyst producer journalist journalists photographer chief senior deputy managing special
    property political economics business sports health science technology world international national foreign
    affairs
""".split())
# Words that make a byline part an outlet, a desk or a job title, never a person.
_NOT_PERSON_WORDS = _JOB_TITLE_WORDS | frozenset("""
    agence agencies agency associated press news newsroom wire wires service services media network bureau team
    online digital times post journal herald tribune gazette telegraph magazine television radio tv channel daily
    weekly bbc cnn cnbc ndtv jazeera france-presse the independent standard guardian observer mirror express
    chronicle courier inquirer globe examiner dispatch bulletin sentinel monitor insider economist politico euronews
    yahoo finance asia welle spiegel zeitung monde figaro país mundo nación corriere repubblica stampa hindu
""".split()) | frozenset(alias for alias in _AGENCY_OF_NAME if " " not in alias)


def agency_name(text: str | None) -> str | None:
    """The wire service ``text`` names, as datelines write it ("Press Trust of India" ->
    "PTI", "Story by AFP" -> "AFP"), or None."""
    if not text or not isinstance(text, str):
        return None
    lead = _BYLINE_LEAD.match(text)
    text = text[lead.end():] if lead else text
    return _AGENCY_OF_NAME.get(" ".join(text.split()).strip(" .").casefold())


def natural_case(name: str) -> str:
    """"EVELYN MWANGI" -> "Evelyn Mwangi", "Jane DOE" -> "Jane Doe"; mixed case is kept."""
    words = []
    for word in name.split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            word = word.lower() if word.lower() in _NAME_PARTICLES and words else _capitalise(word)
        words.append(word)
    return " ".join(words)


def _capitalise(word: str) -> str:
    # str.title() would also capitalise after an apostrophe-s; do it per hyphen/apostrophe part.
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), word)


def is_person_name(name: str) -> bool:
    """Two to five name words, capitalised (particles aside), none an outlet or title word."""
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    for word in words:
        if word.lower().strip(".") in _NOT_PERSON_WORDS:
            return False
        if word.lower() in _NAME_PARTICLES:
            continue
        if not _NAME_TOKEN.match(word) or not word[0].isupper():
            return False
    return True


def _names(text: str) -> tuple[list[str], bool]:
    """(people, clean) of a list of names: "A, B and C in London". ``clean`` is False when
    a part is prose rather than a name, a place, an outlet or a title."""
    people, clean = [], True
    for part in _NAME_SEPARATORS.split(text.strip().rstrip(".")):
        part = _THE.sub("", _IN_PLACE.sub("", part.strip()).strip(" ."))   # "the Bengaluru newsroom"
        if not part:
            continue
        if is_person_name(part):
            people.append(natural_case(part))
        elif len(part.split()) > 4 or not part[0].isupper():
            clean = False
    return people, clean


def _people_after_places(text: str) -> list[str]:
    """Names in "A in Kampala, Uganda, and B in Nairobi, Kenya": after "X in Place", the
    comma parts up to the next "and" are the place, not people."""
    people = []
    for chunk in _AND.split(text.strip().rstrip(".,")):
        if not _HAS_PLACE.search(chunk):
            people.extend(_names(chunk)[0])
            continue
        for position, part in enumerate(chunk.split(",")):
            if position == 0 or _HAS_PLACE.search(part):
                people.extend(_names(part)[0])
    return people


def parse_role_line(paragraph: str) -> list[dict] | None:
    """Credits of a Reuters-style line ("(Reporting by A and B; Editing by C)"), [] for
    one that names nobody ("Reporting by Reuters staff"), None for no such line."""
    text = paragraph.strip()
    if text.startswith("(") and text.rstrip(".").endswith(")"):
        text = text.rstrip(".")[1:-1]
    phrases = list(_ROLE_PHRASE.finditer(text))
    if not phrases or phrases[0].start() != 0 or len(text) > 600:
        return None
    credits = []
    for phrase, following in zip(phrases, phrases[1:] + [None]):
        segment = text[phrase.end(): following.start() if following else len(text)]
        segment = re.sub(r"[;,]?\s*(?:and\s*)?$", "", segment.strip())
        people, clean = _names(segment)
        if not clean:
            return None
        role = _ROLE_OF_PHRASE.get(re.sub(r"\s+", " ", phrase.group("role").lower()))
        if role:
            credits.extend({"role": role, "name": person} for person in people)
    return credits


def parse_label_line(paragraph: str) -> list[dict] | None:
    """Credits of a label line ("Editor: Wang Xiaoyu", "Reporters: A and B"), or None: a
    label that names nobody is a transcript's speaker ("Reporter: Is that true?")."""
    match = _ROLE_LABEL.match(" ".join(paragraph.split()).strip("[]() "))
    if not match:
        return None
    people, clean = _names(match.group("who"))
    if not people or not clean:
        return None
    return [{"role": _ROLE_OF_LABEL[match.group("label").lower()], "name": person} for person in people]


def parse_contributor_line(paragraph: str) -> list[dict] | None:
    """Credits of an AP-style line ("Associated Press writer X in Y, Z, contributed to
    this report.", "Contributing: A, B", "--With assistance from A"), [] for one that
    names nobody ("The Associated Press contributed to this report."), None for no such line."""
    text = " ".join(paragraph.split()).lstrip("-–— ")
    match = _CONTRIBUTED.match(text)
    role = "contributing"
    if not match:
        match = _CONTRIBUTORS.match(text)
        if not match:
            return None
        role = "contributing" if match.group("contributing") else "additional_reporting"
    who = match.group("who")
    if len(who.split()) > 40:
        return None
    titled = _CONTRIBUTOR_TITLE.match(who)
    who = who[titled.end():] if titled else _OUTLET_POSSESSIVE.sub("", who)
    people = _people_after_places(who)
    if not people and not titled and not all(w.lower().strip(".,") in _NOT_PERSON_WORDS | {"the", "and"}
                                             for w in who.split()):
        return None  # "Rising costs contributed to the decline."
    return [{"role": role, "name": person} for person in people]


def _contact_people(line: str) -> list[str]:
    """People of one contact line ("Naomi Hartanto in Jakarta at nhartanto@bloomberg.net")."""
    people, clean = _names(_EMAIL.sub("", line))
    return people if clean else []


def parse_contact_block(lines, start: int = 0) -> tuple[list[dict], int] | None:
    """(credits, end) of a Bloomberg contact block starting at ``lines[start]`` ("To contact
    the reporter on this story:" then one name per line, in the same paragraph or the
    following ones), or None. ``lines[start:end]`` is the block."""
    label = _CONTACT_LABEL.match(lines[start].strip())
    if not label:
        return None
    role = "reporting" if label.group("who").lower().startswith("reporter") else "editing"
    people = [person for piece in label.group("rest").splitlines() for person in _contact_people(piece)]
    end = start + 1
    while end < len(lines) and not _CONTACT_LABEL.match(lines[end].strip()):
        found = _contact_people(lines[end])
        if not found:
            break
        people.extend(found)
        end += 1
    return [{"role": role, "name": person} for person in people], end


def parse_byline(line: str) -> list[str] | None:
    """People of a byline ("By EVELYN MWANGI and DAVID OKORO", "By Aoife Brennan, Property
    Editor", "By THABO MOKOENA Associated Press", "Text by: Jane DOE", "Dana Whitfield@dw",
    a bare "Jana Krüger", "Natalie Kwok + FOLLOW"); [] for an agency or outlet ("Story by
    AFP", "By Reuters"); None when ``line`` is no byline (a bare outlet name among them)."""
    if not line or not isinstance(line, str):
        return None
    text = _FOLLOW_BUTTON.sub("", " ".join(line.split()))
    lead = _BYLINE_LEAD.match(text)
    body = text[lead.end():] if lead else text
    if not body or len(body.split()) > 25:
        return None
    people, clean = [], True
    for part in _NAME_SEPARATORS.split(body):
        part = _HANDLE.sub("", part).strip(" .")
        if not part:
            continue
        person = _leading_capitals(part) or _name_before_title(part) or part
        if is_person_name(person):
            people.append(natural_case(person))
        elif not _is_outlet_title_or_place(part):
            clean = False
    if not clean or (lead is None and not people):
        return None
    return people


def _is_outlet_title_or_place(part: str) -> bool:
    """"BBC News", "Property Editor", "FRANCE 24", "Nairobi": what a byline names besides people."""
    words = part.split()
    if not part[0].isupper() or len(words) > 5:
        return False
    return len(words) <= 2 or any(w.lower().strip(".") in _NOT_PERSON_WORDS for w in words)


def _name_before_title(part: str) -> str | None:
    """"Ng Wei Ling" of "Ng Wei Ling Senior Correspondent": a person's name followed by a
    job title only (an outlet's last word, "South China Morning Post", is no title)."""
    words = part.split()
    for end in range(len(words) - 1, 1, -1):
        if words[end].lower().strip(".") not in _JOB_TITLE_WORDS:
            break
        if is_person_name(" ".join(words[:end])):
            return " ".join(words[:end])
    return None


def _leading_capitals(part: str) -> str | None:
    """"THABO MOKOENA" of "THABO MOKOENA Associated Press": a name in capitals followed by
    words that are not (the outlet or title)."""
    words = part.split()
    run = 0
    for word in words:
        if (word.isupper() and len(word) > 1) or (run and word.lower() in _NAME_PARTICLES):
            run += 1
        else:
            break
    return " ".join(words[:run]) if 2 <= run < len(words) else None


def _credit_lines(lines) -> tuple[list[dict], set]:
    """(credits, indices) of the credit lines among ``lines``: role lines, contributor
    lines, label lines and contact blocks."""
    credits, found_at = [], set()
    index = 0
    while index < len(lines):
        found = parse_role_line(lines[index])
        if found is None:
            found = parse_contributor_line(lines[index])
        if found is None:
            found = parse_label_line(lines[index])
        end = index + 1
        if found is None:
            block = parse_contact_block(lines, index)
            if block:
                found, end = block
        if found is not None:
            credits.extend(found)
            found_at.update(range(index, end))
        index = end
    return credits, found_at


def _is_byline_line(line: str) -> bool:
    return bool(_BYLINE_LEAD.match(line) or _HANDLE.search(line.strip()))


def extract_credits(paragraphs, bylines=(), authors: str | None = None, chrome=(), lead_paragraphs: int = 2) -> dict:
    """{"paragraphs", "credits"}: the story's paragraphs without credit lines, byline
    paragraphs, agency sign-offs and the "___" rules that set them off; and the people
    credited by the page's byline lines (``bylines``, else the first byline among the
    ``chrome`` lines the text cleaner removed), by credit lines in the paragraphs or the
    chrome, and, when no byline names a person, by the metadata authors ("A; B")."""
    paragraphs = [p for p in paragraphs or () if isinstance(p, str)]
    chrome = [line for line in chrome or () if isinstance(line, str)]
    credits, seen = [], set()

    def add(role, name):
        if (role, name.casefold()) not in seen:
            seen.add((role, name.casefold()))
            credits.append({"role": role, "name": name})

    byline_lines = [line for line in bylines or () if isinstance(line, str)]
    byline_lines += [p for p in paragraphs[:lead_paragraphs] if _BYLINE_LEAD.match(p) and parse_byline(p) is not None]
    if not byline_lines:
        byline_lines = [line for line in chrome if _is_byline_line(line) and parse_byline(line)][:1]
    for line in byline_lines:
        for person in parse_byline(line) or ():
            add("byline", person)

    found, removed = _credit_lines(paragraphs)
    found += _credit_lines(chrome)[0]
    for credit in found:
        add(credit["role"], credit["name"])
    removed.update(i for i, p in enumerate(paragraphs[:lead_paragraphs]) if p in byline_lines)
    removed.update(i for i in range(max(0, len(paragraphs) - 3), len(paragraphs))
                   if _SIGN_OFF.match(paragraphs[i].strip()))
    # A rule ("___") goes with the credit lines it sets off, and at the very end.
    removed.update(i for i, p in enumerate(paragraphs)
                   if _SEPARATOR_LINE.match(p) and (i + 1 in removed or i == len(paragraphs) - 1))

    # Metadata authors stand in for a byline only when none names a person: the page's own
    # line is exact, metadata may list an agency or an editor.
    if not any(credit["role"] == "byline" for credit in credits) and isinstance(authors, str):
        for author in authors.split(";"):
            for person in parse_byline(author) or ():
                add("byline", person)
    return {"paragraphs": [p for i, p in enumerate(paragraphs) if i not in removed], "credits": credits}


def byline_agency(bylines=(), authors: str | None = None, chrome=()) -> str | None:
    """The wire service a page credits instead of, or beside, a person: an agency byline
    ("Story by AFP", "By Euronews with AFP"), an agency author ("PTI"), one part of a
    byline or author ("Jordan Whitlock, The Canadian Press"), a chrome line that is an
    agency's name, or one part of the page's dated header line ("India News | Press Trust
    of India | Updated: ..."). Photo credits ("Name | Bloomberg | Getty Images") carry no
    date and do not count."""
    credited = [line for line in bylines or () if isinstance(line, str)]
    credited += authors.split(";") if isinstance(authors, str) else []
    candidates = [part for line in credited for part in (line, *_CREDIT_PARTS.split(line))]
    for line in chrome or ():
        if not isinstance(line, str):
            continue
        segments = _CHROME_SEPARATOR.split(line)
        candidates += segments if any(parse_stamp(segment) for segment in segments) else [line]
    for candidate in candidates:
        agency = agency_name(candidate)
        if agency:
            return agency
    return None
