"""Agency feed files: NITF 3.x, IPTC NewsML-G2 and IPTC ninjs 1.x/2.x (plain functions, no Beam).

Wire services deliver copy with the metadata the pipeline otherwise has to infer from the
text. ``sniff_feed`` recognises a feed from its first bytes (never from the file name);
``parse_feed`` turns a whole file into ``(index, FeedItem | FeedError)`` pairs, one per
item, where ``index`` is the item's 0-based position in the file: its rank among the
items of a newsMessage's itemSet or of a ninjs list, its line number in ninjs JSON Lines,
0 for a single NITF document, newsItem or ninjs object. A bad item is a FeedError in its
place while the other items go on; a file that cannot be read as a whole raises one.

FeedError reasons. Per item: not-text (pictures, video, packages...), wrong-type (a ninjs
field of the wrong JSON type), wrong-value (an unknown publication status), no-content,
unknown-namespace (a G2 item or inlineXML in a foreign namespace), malformed-json (a bad
JSON Lines line). Per file: malformed-xml, malformed-json, xml-entities-refused,
xml-external-dtd-refused, unknown-namespace, unexpected-root, no-items.

Field mapping (FeedItem field: NITF | NewsML-G2 newsItem | ninjs 1.x / 2.x)

- item_id: docdata/doc-id@id-string | @guid | uri
- version: docdata/du-key@version | @version | version
- url: the item_id: feeds carry no web address, and the guid is the provenance
- headline: hedline/hl1, else head/title | contentMeta/headline, else the inline NITF hl1
  or XHTML h1, else itemMeta/title | headline / headlines[] (role "main" first), else title
- paragraphs: body.content <p>s (not those inside <media>) | inlineXML: NITF as for NITF,
  XHTML <p>s and <blockquote>s outside <figure>/<aside>; else inlineData text split at
  blank lines | HTML bodies (body_html, body_xhtml, bodies[] with an HTML content type)
  stripped to their <p>s, else body_text / text bodies split at blank lines
- captions: media-caption | <figcaption>s, plus the description of every picture item of
  the same newsMessage the item links to (itemMeta/link@residref) | <figcaption>s, plus
  description_text / descriptions[] / headline of picture, graphic and video associations
- credits: byline <person>s (else the byline text without its <byttl>), role "byline" |
  contentMeta creator (role "byline") and contributor ("contributing") people, their
  role qcodes (crol:/ctrol: "editor", "reporter"...) mapped by _ROLE_OF_CODE;
  organisations are no credits | by / byline split into names ("byline"), people[] /
  person[] whose rel is in _ROLE_OF_CODE ("author", "editor", "contributor"...)
- dateline {raw, city, country, agency}: what the feed's metadata says, which the copy's
  own dateline may spell differently: dateline text, location/city, country@iso-cc, the
  "(AP)" of the dateline | dateline text, located name (spelled as in the dateline text,
  "MANILA" for "Manila") and its ISO 3166 country | located, its first comma part as the
  city, the country of places[]/place[]; ninjs has no dateline text, so no agency
- published: date.issue, else date.release, else dateline story.date | firstCreated, else
  contentCreated, else versionCreated | firstcreated, else contentcreated, else versioncreated
- modified: none | versionCreated | versioncreated
- language: @xml:lang / @baselang | contentMeta/language@tag, else @xml:lang | language;
  the primary subtag ("en-US" -> "en")
- country: the ISO 3166-1 alpha-2 code the feed states for the dateline place, else None
- pub_status: docdata@management-status | itemMeta/pubStatus | pubstatus; "usable",
  "withheld" (also for "embargoed") or "canceled"
- signals: "correction" for docdata/correction | itemMeta/signal qcodes ("sig:correction" ->
  "correction") | signals[]; all three add "correction" or "kill" for an editorial note
  (ed-msg, edNote, ednote) saying so, and "kill" for pub_status "canceled"
- item_class: always "text" for NITF | itemClass ("ninat:text" -> "text") | type; every
  other class is FeedError("not-text"), except a ninjs "composite" that carries a body

Dates are ISO 8601 strings with the feed's offset kept ("20250304T143200Z" ->
"2025-03-04T14:32:00+00:00"); a date without a time stays a date ("2025-03-04").

Linking corrections and kills: wire services never edit an item in place, they resend it
with the same item_id and a higher version. A later "supersedes" column can therefore
link rows by item_id: the row with the highest version (compared as numbers: "10" > "9";
ties broken by ``modified``) is the current one and supersedes every lower version;
"correction" or "update" in signals says why it was resent. An item whose pub_status is
"canceled" (signals hold "kill") is a kill: it is yielded even without a body so that it
can supersede, and withdraw, every earlier version of its item_id. NITF marks a
correction with docdata/correction, whose id-string names the corrected document.

ninjs fields are checked against the types the specification gives them before any is
read, so a wrong type is refused even where a fallback field would have hidden it.

Security: XML is parsed by lxml with entity substitution, DTD loading and network access
off and the default size limits on. A document that declares entities (billion laughs,
external entities) is refused with "xml-entities-refused", one whose DOCTYPE points at a
URL or an absolute path with "xml-external-dtd-refused": nothing is ever expanded or
fetched. A DOCTYPE naming a relative DTD file (old NITF, "nitf-3-3.dtd") is harmless and
accepted; the file is never read.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree
from lxml import html as lxml_html

from transforms.files.formats import decode_head

FORMATS = ("nitf", "newsml", "ninjs")
NAR = "http://iptc.org/std/nar/2006-10-01/"
NITF_NAMESPACES = ("", "http://iptc.org/std/NITF/2006-10-18/")
XHTML = "http://www.w3.org/1999/xhtml"

# Roles of G2 creator/contributor role qcodes (crol:, ctrol:) and ninjs person rels, by
# their code lower-cased without punctuation. A role not listed (photographer, caption
# writer, supplier, "about", "mentions") credits no one for the text.
_ROLE_OF_CODE = {
    "author": "byline", "byline": "byline", "creator": "byline", "coauthor": "byline", "writer": "byline",
    "rewriter": "writing", "reporter": "reporting", "correspondent": "reporting", "stringer": "reporting",
    "additionalreporting": "additional_reporting", "editor": "editing", "copyeditor": "editing",
    "subeditor": "editing", "compiler": "compiling", "graphicartist": "graphics", "graphics": "graphics",
    "contributor": "contributing",
}
_PUB_STATUS_OF = {"usable": "usable", "withheld": "withheld", "embargoed": "withheld", "canceled": "canceled",
                  "cancelled": "canceled"}
_PICTURE_CLASSES = ("picture", "graphic", "video")      # whose descriptions are captions of a story
_TEXT_CLASSES = ("text", "composite")                   # ninjs types read as articles (composite: with a body)
# The ninjs fields this module reads, by expected type (body_* and description_* are strings too).
_NINJS_STRINGS = ("uri", "type", "headline", "title", "by", "byline", "located", "language", "pubstatus", "ednote",
                  "firstcreated", "contentcreated", "versioncreated")
_NINJS_OBJECT_LISTS = ("headlines", "bodies", "descriptions", "people", "person", "places", "place")

_SPACES = re.compile(r"[ \t\n\r\f\v]+")     # not str.split(): the no-break spaces of French copy stay
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_AGENCY_IN_PARENS = re.compile(r"\(([^()]{1,40})\)")
_DATELINE_CITY = re.compile(r"^([^\W\d_][^,(\d]{0,40}?)\s*(?:,|\(|$)")
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]|$)")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# ISO 8601 in its extended form (G2, ninjs) and NITF's basic one ("20250304T143200Z"),
# parsed by hand: datetime.fromisoformat reads neither "Z" nor the basic form before 3.11.
_TIMESTAMP = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?"
                        r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_ISO_COUNTRY_URI = re.compile(r"iso3166-1a2/([A-Za-z]{2})/?$")
_REMOTE_PATH = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\\)")
_CORRECTION_NOTE = re.compile(r"\bcorrect(?:s|ed|ion|ive)\b|\bcorrige\b|\bcorrecci[oó]n\b", re.IGNORECASE)
_KILL_NOTE = re.compile(r"\bkill(?:ed|s)?\b|\bwithdraw(?:n|s)?\b|\bretire[sd]?\b", re.IGNORECASE)
# Free-text bylines ("By Chinedu Okafor and Halima Yusuf", "Karl Melander/TT"): the
# prefix, the separators, and words that make a part an outlet or a title, not a person.
_BYLINE_PREFIX = re.compile(r"^\s*(?:by|par|por|von|di|door)\s+", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;/&|]|\band\b|\bet\b|\bund\b)\s*", re.IGNORECASE)
_NOT_NAME_WORDS = frozenset("""
    press news agency agence associated reuters afp ap dpa efe staff writer writers correspondent reporter
    editor bureau service wire media photo photos network
""".split())

# Sniffing: the prolog items before the root element, the root start tag, JSON keys.
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>)", re.DOTALL | re.IGNORECASE)
_DOCTYPE_NAME = re.compile(r"\s*<!DOCTYPE\s+(?:[\w.-]+:)?([\w.-]+)", re.IGNORECASE)
_START_TAG = re.compile(r"\s*<(?:(?P<prefix>[\w.-]+):)?(?P<name>[\w.-]+)(?P<attributes>[^>]*)")
_XMLNS = re.compile(r"""\bxmlns(?::(?P<prefix>[\w.-]+))?\s*=\s*["'](?P<uri>[^"']*)["']""")
_G2_ROOTS = frozenset({"newsMessage", "newsItem", "packageItem"})
_JSON_KEY = re.compile(r'"([$\w]+)"\s*:')
_NINJS_SCHEMA = re.compile(r'"\$?(?:schema|standard)"\s*:\s*(?:\{[^{}]*?)?"[^"]*ninjs', re.IGNORECASE)
_NINJS_KEYS = frozenset("""
    type version versioncreated firstcreated contentcreated pubstatus headline headlines body_text body_html
    body_xhtml bodies byline by located associations renditions representationtype profile urgency slugline
    ednote descriptions description_text
""".split())

_G2_NS = {"g2": NAR}
_G2 = {name: etree.XPath(path, namespaces=_G2_NS) for name, path in {
    "items": "g2:itemSet/*",
    "item_class": "string(g2:itemMeta/g2:itemClass/@qcode)",
    "pub_status": "string(g2:itemMeta/g2:pubStatus/@qcode)",
    "signals": "g2:itemMeta/g2:signal/@qcode",
    "ed_notes": "g2:itemMeta/g2:edNote",
    "links": "g2:itemMeta/g2:link/@residref",
    "title": "g2:itemMeta/g2:title",
    "first_created": "string(g2:itemMeta/g2:firstCreated)",
    "version_created": "string(g2:itemMeta/g2:versionCreated)",
    "content_created": "string(g2:contentMeta/g2:contentCreated)",
    "language": "string(g2:contentMeta/g2:language/@tag)",
    "headlines": "g2:contentMeta/g2:headline",
    "descriptions": "g2:contentMeta/g2:description",
    "dateline": "g2:contentMeta/g2:dateline",
    "located": "g2:contentMeta/g2:located[1]",
    "located_name": "g2:name[1]",
    "located_places": "descendant-or-self::g2:located | descendant::g2:broader",
    "creators": "g2:contentMeta/g2:creator",
    "contributors": "g2:contentMeta/g2:contributor",
    "party_name": "g2:name[1]",
    "organisation": "g2:organisationDetails",
    "inline_xml": "g2:contentSet/g2:inlineXML/*[1]",
    "inline_data": "g2:contentSet/g2:inlineData",
}.items()}


def _html_paths(namespace: str) -> dict:
    """XPaths of an HTML body: XHTML inside G2 (namespaced) or a ninjs HTML string (not)."""
    prefix = "h:" if namespace else ""
    paths = {
        # Subheadings (h2...) are page furniture; figures and asides hold captions and boxes.
        "paragraphs": ".//{h}p[not(ancestor::{h}figure or ancestor::{h}aside)]"
                      " | .//{h}blockquote[not(.//{h}p) and not(ancestor::{h}figure)]",
        "captions": ".//{h}figcaption",
        "headline": "(.//{h}h1 | .//{h}head/{h}title)[1]",
    }
    return {name: etree.XPath(path.format(h=prefix), namespaces={"h": namespace} if namespace else None)
            for name, path in paths.items()}


def _nitf_paths(namespace: str) -> dict:
    """The NITF XPaths for one NITF namespace ("" for the DTD-era documents)."""
    prefix = "n:" if namespace else ""
    paths = {
        "doc_id": "string({n}head/{n}docdata/{n}doc-id/@id-string)",
        "version": "string({n}head/{n}docdata/{n}du-key/@version)",
        "management_status": "string({n}head/{n}docdata/@management-status)",
        "correction": "{n}head/{n}docdata/{n}correction",
        "ed_notes": "{n}head/{n}docdata/{n}ed-msg/@info",
        "date_issue": "string({n}head/{n}docdata/{n}date.issue/@norm)",
        "date_release": "string({n}head/{n}docdata/{n}date.release/@norm)",
        "title": "{n}head/{n}title",
        "headline": "{n}body/{n}body.head/{n}hedline/{n}hl1",
        "bylines": "{n}body/{n}body.head/{n}byline",
        "byline_people": "{n}person",
        "byline_titles": "{n}byttl",
        "dateline": "{n}body/{n}body.head/{n}dateline[1]",
        "dateline_city": "string(.//{n}location/{n}city)",
        "dateline_country": "string(.//{n}location/{n}country/@iso-cc)",
        "story_date": "string({n}story.date/@norm)",
        "paragraphs": "{n}body/{n}body.content//{n}p[not(ancestor::{n}media)]",
        "captions": "{n}body/{n}body.content//{n}media-caption",
        "language": "string((@xml:lang | @baselang | {n}body/@xml:lang)[1])",
    }
    return {name: etree.XPath(path.format(n=prefix), namespaces={"n": namespace} if namespace else None)
            for name, path in paths.items()}


_NITF = {namespace: _nitf_paths(namespace) for namespace in NITF_NAMESPACES}
_XHTML = _html_paths(XHTML)
_HTML = _html_paths("")


class FeedError(Exception):
    """An item (or, raised, a whole file) that gives no article. ``reason`` is a short
    stable slug for the dead-letter table: not-text, wrong-type, malformed-xml..."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class FeedItem:
    """One text item of a feed, in simple values (see the module docstring for the mapping)."""
    item_id: str | None
    version: str | None
    url: str | None
    headline: str | None
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[dict] = field(default_factory=list)      # [{"role", "name"}]
    dateline: dict | None = None                            # {"raw", "city", "country", "agency"}
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    country: str | None = None
    pub_status: str = "usable"                              # usable | withheld | canceled
    signals: list[str] = field(default_factory=list)
    item_class: str = "text"


# --- sniffing -----------------------------------------------------------------------------

def sniff_feed(head: bytes) -> str | None:
    """"nitf" | "newsml" | "ninjs" from a file's first (decompressed) bytes, else None."""
    text = decode_head(head).decode("utf-8", errors="replace").lstrip()
    if text.startswith("<"):
        return _sniff_xml(text)
    if text[:1] in ("{", "["):
        return "ninjs" if _looks_like_ninjs(text) else None
    return None


def _sniff_xml(text: str) -> str | None:
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    tag = _START_TAG.match(text, position)
    if tag:
        name = tag.group("name")
        namespaces = {m.group("prefix"): m.group("uri") for m in _XMLNS.finditer(tag.group("attributes"))}
        namespace = namespaces.get(tag.group("prefix"))
    else:
        # A DOCTYPE longer than the head (an entity bomb's internal subset) hides the root:
        # its declared name is the root's name.
        doctype = _DOCTYPE_NAME.match(text, position)
        name, namespace = (doctype.group(1) if doctype else None), None
    if namespace == NAR or name in _G2_ROOTS:
        return "newsml"
    if name == "nitf":
        return "nitf"
    return None


def _looks_like_ninjs(text: str) -> bool:
    if _NINJS_SCHEMA.search(text):
        return True
    keys = set(_JSON_KEY.findall(text))
    return "uri" in keys and len(keys & _NINJS_KEYS) >= 2


# --- parsing ------------------------------------------------------------------------------

def parse_feed(data: bytes, fmt: str) -> Iterator[tuple[int, FeedItem | FeedError]]:
    """(index, FeedItem or the FeedError of a bad item) for each item of a feed file.
    Raises FeedError when the file as a whole cannot be read (malformed, refused, empty)."""
    if fmt == "nitf":
        root = parse_xml(data)
        namespace = _namespace(root)
        if etree.QName(root).localname != "nitf":
            raise FeedError("unexpected-root", f"root {root.tag} is not an NITF document")
        if namespace not in NITF_NAMESPACES:
            raise FeedError("unknown-namespace", f"NITF root in the unknown namespace {namespace}")
        yield 0, _item_or_error(_nitf_item, root, namespace)
    elif fmt == "newsml":
        yield from _g2_items(parse_xml(data))
    elif fmt == "ninjs":
        for index, obj in _ninjs_objects(data):
            yield index, obj if isinstance(obj, FeedError) else _item_or_error(_ninjs_item, obj)
    else:
        raise ValueError(f"unknown feed format {fmt!r}, expected one of {FORMATS}")


def _item_or_error(parse_item, *args) -> FeedItem | FeedError:
    try:
        return parse_item(*args)
    except FeedError as e:
        return e


def parse_xml(data: bytes) -> etree._Element:
    """The root of an XML document, parsed without expanding entities, loading DTDs or
    touching the network. Raises FeedError for malformed XML and refused DTDs/entities."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as e:
        # libxml2 stops entity amplification itself (a bomb can fail here); say why it failed.
        if b"<!ENTITY" in data:
            raise FeedError("xml-entities-refused", f"the document declares entities ({e})") from e
        raise FeedError("malformed-xml", str(e) or "not well-formed XML") from e
    docinfo = root.getroottree().docinfo
    declared = docinfo.internalDTD
    entities = [entity.name for entity in declared.iterentities()] if declared is not None else []
    if entities:
        raise FeedError("xml-entities-refused", f"the document declares entities: {', '.join(entities[:5])}")
    if docinfo.system_url and _REMOTE_PATH.match(docinfo.system_url):
        raise FeedError("xml-external-dtd-refused", f"the DOCTYPE points at {docinfo.system_url}")
    return root


def _namespace(element) -> str:
    return etree.QName(element).namespace or ""


def _text(element) -> str:
    """The element's text, whitespace collapsed; unresolved entity references are dropped."""
    return _SPACES.sub(" ", str(element.xpath("string()"))).strip()


def _texts(elements) -> list[str]:
    return [text for text in map(_text, elements) if text]


def _first_text(elements) -> str | None:
    return next(iter(_texts(elements)), None)


def _text_by_role(elements, role: str) -> str | None:
    """Text of the first element whose role attribute names ``role`` (for "main", also one
    without a role: a plain headline is the main one), else of the first element."""
    def rank(element):
        given = (element.get("role") or "").lower()
        return 0 if (role in given or (role == "main" and not given)) else 1
    return _first_text(sorted(elements, key=rank))


def _text_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blocks between blank lines, else lines."""
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.splitlines()
    return [paragraph for paragraph in (_SPACES.sub(" ", block).strip() for block in blocks) if paragraph]


def _code(qcode: str | None) -> str:
    """The code of a qcode or URI, lower-cased: "sig:correction" -> "correction"."""
    return re.split(r"[:/]", (qcode or "").strip().rstrip("/"))[-1].lower()


def _role(code: str | None) -> str | None:
    """Wirebeam's credit role for a role qcode or rel ("ctrol:editor" -> "editing")."""
    return _ROLE_OF_CODE.get(re.sub(r"[^a-z]", "", _code(code)))


def _iso_timestamp(value: str | None) -> str | None:
    """An ISO 8601 string from a feed's date-time, its offset kept, or None: "20250304T143200Z"
    -> "2025-03-04T14:32:00+00:00"; a date without a time stays a date ("2025-03-04")."""
    match = _TIMESTAMP.match((value or "").strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month), int(day)).isoformat()
        zone_info = None
        if zone == "Z":
            zone_info = dt.timezone.utc
        elif zone:
            digits = zone[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            zone_info = dt.timezone(-offset if zone.startswith("-") else offset)
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                           int((fraction or "0").ljust(6, "0")), tzinfo=zone_info).isoformat()
    except ValueError:      # month 13, hour 25, an offset of a day or more
        return None


def _language(tag: str | None) -> str | None:
    match = _LANGUAGE.match((tag or "").strip())
    return match.group(1).lower() if match else None


def _dateline(raw: str | None, place: str | None, country: str | None) -> dict | None:
    """{raw, city, country, agency}: the city spelled as the dateline writes it
    ("MANILA" for a place named "Manila"), the agency in its parentheses."""
    raw = _SPACES.sub(" ", raw or "").strip() or None
    city = place or None
    if raw and place and raw[:len(place)].casefold() == place.casefold():
        city = raw[:len(place)]
    elif raw and (leading := _DATELINE_CITY.match(raw)):
        city = leading.group(1).strip()
    agencies = _AGENCY_IN_PARENS.findall(raw or "")
    if not (raw or city or country):
        return None
    return {"raw": raw, "city": city, "country": country, "agency": agencies[-1].strip() if agencies else None}


def _names_in_byline(text: str) -> list[str]:
    """People of a free-text byline: "By A and B, Associated Press" -> [A, B]."""
    names = []
    for part in _NAME_SEPARATOR.split(_BYLINE_PREFIX.sub("", text)):
        words = part.strip(" .").split()
        if (2 <= len(words) <= 5 and all(word[0].isupper() or word.islower() for word in words)
                and words[0][0].isupper() and not any(ch.isdigit() for ch in part)
                and not any(word.lower().strip(".") in _NOT_NAME_WORDS for word in words)):
            names.append(" ".join(words))
    return names


def _add_credit(credits: list[dict], role: str | None, name: str | None) -> None:
    credit = {"role": role, "name": name}
    if role and name and credit not in credits:
        credits.append(credit)


def _signals(codes, notes, pub_status: str) -> list[str]:
    signals = []
    for code in codes:
        if code and code not in signals:
            signals.append(code)
    for note in notes:
        for signal, pattern in (("correction", _CORRECTION_NOTE), ("kill", _KILL_NOTE)):
            if pattern.search(note) and signal not in signals:
                signals.append(signal)
    if pub_status == "canceled" and "kill" not in signals:
        signals.append("kill")
    return signals


def _require_content(item: FeedItem) -> FeedItem:
    # A kill has no story but must still reach the table to withdraw the earlier versions.
    if not item.paragraphs and item.pub_status != "canceled":
        raise FeedError("no-content", f"item {item.item_id} has no body text")
    return item


# --- NITF ---------------------------------------------------------------------------------

def _nitf_content(nitf, namespace: str) -> tuple[str | None, list[str], list[str], list[dict]]:
    """(headline, paragraphs, captions, credits) of an NITF document, alone or inside G2."""
    paths = _NITF[namespace]
    headline = _first_text(paths["headline"](nitf)) or _first_text(paths["title"](nitf))
    credits = []
    for byline in paths["bylines"](nitf):
        people = _texts(paths["byline_people"](byline))
        if not people:
            titles = _texts(paths["byline_titles"](byline))
            text = _text(byline)
            for title in titles:
                text = text.replace(title, " ")
            people = _names_in_byline(text)
        for person in people:
            _add_credit(credits, "byline", person)
    return headline, _texts(paths["paragraphs"](nitf)), _texts(paths["captions"](nitf)), credits


def _nitf_item(nitf, namespace: str) -> FeedItem:
    paths = _NITF[namespace]
    headline, paragraphs, captions, credits = _nitf_content(nitf, namespace)
    dateline, story_date = None, None
    for element in paths["dateline"](nitf):     # the first one, if any
        country = paths["dateline_country"](element).strip().upper()
        city = _SPACES.sub(" ", paths["dateline_city"](element)).strip()
        dateline = _dateline(_text(element), city, country if len(country) == 2 and country.isalpha() else None)
        story_date = paths["story_date"](element)
    status = paths["management_status"](nitf).strip().lower() or "usable"
    pub_status = _PUB_STATUS_OF.get(status)
    if pub_status is None:
        raise FeedError("wrong-value", f"unknown management-status {status!r}")
    item_id = paths["doc_id"](nitf).strip() or None
    return _require_content(FeedItem(
        item_id=item_id,
        version=paths["version"](nitf).strip() or None,
        url=item_id,
        headline=headline,
        paragraphs=paragraphs,
        captions=captions,
        credits=credits,
        dateline=dateline,
        published=(_iso_timestamp(paths["date_issue"](nitf)) or _iso_timestamp(paths["date_release"](nitf))
                   or _iso_timestamp(story_date)),
        language=_language(paths["language"](nitf)),
        country=dateline["country"] if dateline else None,
        pub_status=pub_status,
        signals=_signals(["correction"] if paths["correction"](nitf) else [], paths["ed_notes"](nitf), pub_status),
    ))


# --- NewsML-G2 ----------------------------------------------------------------------------

def _g2_items(root) -> Iterator[tuple[int, FeedItem | FeedError]]:
    if _namespace(root) != NAR:
        raise FeedError("unknown-namespace", f"root {root.tag} is not in the NewsML-G2 namespace {NAR}")
    items = _G2["items"](root) if etree.QName(root).localname == "newsMessage" else [root]
    if not items:
        raise FeedError("no-items", "the newsMessage carries no items")
    captions_by_guid = {}
    for item in items:
        if _namespace(item) == NAR and _code(_G2["item_class"](item)) in _PICTURE_CLASSES:
            caption = _text_by_role(_G2["descriptions"](item), "caption") or _text_by_role(_G2["headlines"](item),
                                                                                             "main")
            if caption:
                captions_by_guid[item.get("guid")] = caption
    for index, item in enumerate(items):
        yield index, _item_or_error(_g2_item, item, captions_by_guid)


def _g2_item(item, captions_by_guid: dict) -> FeedItem:
    if _namespace(item) != NAR:
        raise FeedError("unknown-namespace", f"item {item.tag} is not in the NewsML-G2 namespace")
    kind = etree.QName(item).localname
    guid = item.get("guid")
    if kind != "newsItem":
        raise FeedError("not-text", f"{kind} {guid}: not a news item (a package's members are items of their own)")
    item_class = _code(_G2["item_class"](item)) or "text"
    if item_class != "text":
        raise FeedError("not-text", f"{item_class} item {guid}")
    headline, paragraphs, captions, body_credits = _g2_content(item)
    captions += [captions_by_guid[ref] for ref in _G2["links"](item)
                 if ref in captions_by_guid and captions_by_guid[ref] not in captions]
    status = _code(_G2["pub_status"](item)) or "usable"
    pub_status = _PUB_STATUS_OF.get(status)
    if pub_status is None:
        raise FeedError("wrong-value", f"unknown pubStatus {status!r}")
    located = next(iter(_G2["located"](item)), None)
    country = _g2_country(located) if located is not None else None
    place = _first_text(_G2["located_name"](located)) if located is not None else None
    dateline = _dateline(_first_text(_G2["dateline"](item)), place, country)
    return _require_content(FeedItem(
        item_id=guid,
        version=item.get("version"),
        url=guid,
        headline=_text_by_role(_G2["headlines"](item), "main") or headline or _first_text(_G2["title"](item)),
        paragraphs=paragraphs,
        captions=captions,
        credits=_g2_credits(item) or body_credits,
        dateline=dateline,
        published=(_iso_timestamp(_G2["first_created"](item)) or _iso_timestamp(_G2["content_created"](item))
                   or _iso_timestamp(_G2["version_created"](item))),
        modified=_iso_timestamp(_G2["version_created"](item)),
        language=_language(_G2["language"](item)) or _language(item.get(_XML_LANG)),
        country=country,
        pub_status=pub_status,
        signals=_signals([_code(qcode) for qcode in _G2["signals"](item)], _texts(_G2["ed_notes"](item)),
                         pub_status),
        item_class=item_class,
    ))


def _g2_content(item) -> tuple[str | None, list[str], list[str], list[dict]]:
    """(headline, paragraphs, captions, credits) of the first text rendition of contentSet."""
    for inline in _G2["inline_xml"](item):
        namespace, name = _namespace(inline), etree.QName(inline).localname
        if name == "nitf" and namespace in NITF_NAMESPACES:
            return _nitf_content(inline, namespace)
        if namespace == XHTML:
            return (_first_text(_XHTML["headline"](inline)), _texts(_XHTML["paragraphs"](inline)),
                    _texts(_XHTML["captions"](inline)), [])
        raise FeedError("unknown-namespace", f"inlineXML holds {inline.tag}, neither NITF nor XHTML")
    for inline in _G2["inline_data"](item):
        paragraphs = _text_paragraphs(str(inline.xpath("string()")))
        if paragraphs:
            return None, paragraphs, [], []
    return None, [], [], []


def _g2_country(located) -> str | None:
    """The ISO 3166-1 alpha-2 code of a located place or of its broader country."""
    for place in _G2["located_places"](located):
        for qcode in (place.get("qcode") or "").split():
            scheme, _, code = qcode.rpartition(":")
            is_country = "3166" in scheme or (place.get("type") or "").endswith(":country")
            if is_country and len(code) == 2 and code.isalpha():
                return code.upper()
        uri = _ISO_COUNTRY_URI.search(place.get("uri") or "")
        if uri:
            return uri.group(1).upper()
    return None


def _g2_credits(item) -> list[dict]:
    credits = []
    for parties, default_role in ((_G2["creators"](item), "byline"), (_G2["contributors"](item), "contributing")):
        for party in parties:
            if _G2["organisation"](party) or _code(party.get("type")) == "organisation":
                continue
            # A party without a role has the element's; one whose roles are all unknown
            # (photographer, caption writer) is no credit for the text.
            qcodes = (party.get("role") or "").split()
            role = next(filter(None, map(_role, qcodes)), None) if qcodes else default_role
            _add_credit(credits, role, _first_text(_G2["party_name"](party)))
    return credits


# --- ninjs --------------------------------------------------------------------------------

def _ninjs_objects(data: bytes) -> Iterator[tuple[int, object]]:
    """(index, parsed JSON value or FeedError) of a ninjs object, a list of them, or JSON Lines."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as whole_error:
        lines = data.splitlines()
        first = next((line for line in lines if line.strip()), b"")
        try:
            first_is_object = isinstance(json.loads(first), dict)
        except (ValueError, RecursionError):
            first_is_object = False
        if not first_is_object:
            raise FeedError("malformed-json", f"invalid JSON: {whole_error}") from whole_error
        yield from _json_lines(lines)
        return
    if isinstance(document, dict):
        yield 0, document
    elif isinstance(document, list):
        if not document:
            raise FeedError("no-items", "an empty ninjs list")
        yield from enumerate(document)
    else:
        raise FeedError("malformed-json", f"the JSON document is a {type(document).__name__}, not an object or a list")


def _json_lines(lines: list[bytes]) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(lines):
        if line.strip():
            try:
                yield number, json.loads(line)
            except (ValueError, RecursionError) as e:
                yield number, FeedError("malformed-json", f"line {number}: invalid JSON: {e}")


def _string(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise FeedError("wrong-type", f"{key}: expected a string, got {type(value).__name__}")
    return value


def _objects(obj: dict, key: str) -> list[dict]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise FeedError("wrong-type", f"{key}: expected a list of objects, got {type(value).__name__}")
    return value


def _ninjs_item(obj) -> FeedItem:
    if not isinstance(obj, dict):
        raise FeedError("wrong-type", f"the item is a {type(obj).__name__}, not a ninjs object")
    # All up front: a wrong type is refused even where a fallback field would have hidden it.
    for key in _NINJS_STRINGS + tuple(key for key in obj if key.startswith(("body_", "description_"))):
        _string(obj, key)
    for key in _NINJS_OBJECT_LISTS:
        _objects(obj, key)
    item_id = _string(obj, "uri")
    item_class = (_string(obj, "type") or "text").lower()
    if item_class not in _TEXT_CLASSES:
        raise FeedError("not-text", f"{item_class} item {item_id}")
    version = obj.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)     # a common slip: version 2 for "2"
    elif version is not None and not isinstance(version, str):
        raise FeedError("wrong-type", f"version: expected a string, got {type(version).__name__}")
    headline = _string(obj, "headline") or _ninjs_value(_objects(obj, "headlines"), "main") or _string(obj, "title")
    paragraphs, captions = _ninjs_body(obj)
    if not paragraphs and item_class == "composite":
        raise FeedError("not-text", f"composite item {item_id} without a body")
    captions += [caption for caption in _ninjs_association_captions(obj) if caption not in captions]
    status = (_string(obj, "pubstatus") or "usable").lower()
    pub_status = _PUB_STATUS_OF.get(status)
    if pub_status is None:
        raise FeedError("wrong-value", f"pubstatus: unknown value {status!r}")
    located = _string(obj, "located")
    country = _ninjs_country(obj, located)
    first_created = _string(obj, "firstcreated") or _string(obj, "contentcreated")
    version_created = _string(obj, "versioncreated")
    ednote = _string(obj, "ednote")
    return _require_content(FeedItem(
        item_id=item_id,
        version=version,
        url=item_id,
        headline=_SPACES.sub(" ", headline).strip() if headline else None,
        paragraphs=paragraphs,
        captions=captions,
        credits=_ninjs_credits(obj),
        dateline=_dateline(located, located.split(",")[0].strip() if located else None, country),
        published=_iso_timestamp(first_created) or _iso_timestamp(version_created),
        modified=_iso_timestamp(version_created),
        language=_language(_string(obj, "language")),
        country=country,
        pub_status=pub_status,
        signals=_signals(_ninjs_signal_codes(obj), [ednote] if ednote else [], pub_status),
        item_class=item_class,
    ))


def _ninjs_value(entries: list[dict], role: str) -> str | None:
    """The value of the entry with ``role`` (headlines[], descriptions[]), else of the first."""
    for entry in sorted(entries, key=lambda entry: entry.get("role") != role):
        value = _string(entry, "value")
        if value and value.strip():
            return value
    return None


def _ninjs_body(obj: dict) -> tuple[list[str], list[str]]:
    """(paragraphs, captions) of the richest body: HTML first, where paragraphs are marked up."""
    bodies = []   # (is_html, text)
    for key in obj:
        if key.startswith("body_"):
            bodies.append(("html" in key, _string(obj, key)))
    for body in _objects(obj, "bodies"):
        contenttype = (_string(body, "contenttype") or _string(body, "contentType") or "").lower()
        bodies.append(("html" in contenttype or "xml" in contenttype, _string(body, "value")))
    for is_html, text in sorted(bodies, key=lambda body: not body[0]):
        if not text or not text.strip():
            continue
        if not is_html:
            return _text_paragraphs(text), []
        try:
            document = lxml_html.document_fromstring(text)
        except (etree.LxmlError, ValueError):
            continue     # nothing but comments, or NUL bytes; a text body may follow
        paragraphs = _texts(_HTML["paragraphs"](document)) or _text_paragraphs(document.text_content())
        if paragraphs:
            return paragraphs, _texts(_HTML["captions"](document))
    return [], []


def _ninjs_associations(obj: dict) -> list[dict]:
    """Associated objects: a dict by name in ninjs 1.x, a list with "name"s in 2.x."""
    associations = obj.get("associations")
    if isinstance(associations, dict):
        values = list(associations.values())
        if not all(isinstance(value, dict) for value in values):
            raise FeedError("wrong-type", "associations: expected objects")
        return values
    return _objects(obj, "associations")


def _ninjs_association_captions(obj: dict) -> list[str]:
    captions = []
    for association in _ninjs_associations(obj):
        if (_string(association, "type") or "").lower() in _PICTURE_CLASSES:
            descriptions, headlines = _objects(association, "descriptions"), _objects(association, "headlines")
            caption = (_string(association, "description_text") or _ninjs_value(descriptions, "caption")
                       or _string(association, "headline") or _ninjs_value(headlines, "main"))
            if caption and caption.strip():
                captions.append(_SPACES.sub(" ", caption).strip())
    return captions


def _ninjs_credits(obj: dict) -> list[dict]:
    credits = []
    byline = _string(obj, "by") or _string(obj, "byline")
    for name in _names_in_byline(byline) if byline else []:
        _add_credit(credits, "byline", name)
    for person in _objects(obj, "people") + _objects(obj, "person"):     # 2.x, 1.x
        name = _string(person, "name")
        _add_credit(credits, _role(_string(person, "rel")), _SPACES.sub(" ", name).strip() if name else None)
    return credits


def _ninjs_country(obj: dict, located: str | None) -> str | None:
    """ISO code of the place the item says it comes from: a places[]/place[] entry with
    an ISO 3166-1 alpha-2 code whose rel is "located" or whose name is in ``located``."""
    for place in _objects(obj, "places") + _objects(obj, "place"):
        name = _string(place, "name") or ""
        from_here = _code(_string(place, "rel")) == "located" or (name and located and name in located)
        uri = _ISO_COUNTRY_URI.search(_string(place, "uri") or "")
        scheme = _string(place, "scheme") or ""
        code = uri.group(1) if uri else (_string(place, "code") or _string(place, "literal") or "")
        if from_here and (uri or "3166" in scheme) and len(code) == 2 and code.isalpha():
            return code.upper()
    return None


def _ninjs_signal_codes(obj: dict) -> list[str]:
    signals = obj.get("signals")
    if signals is None:
        return []
    if not isinstance(signals, list):
        raise FeedError("wrong-type", f"signals: expected a list, got {type(signals).__name__}")
    codes = []
    for signal in signals:
        if isinstance(signal, str):
            codes.append(_code(signal))
        elif isinstance(signal, dict):
            codes.append(_code(_string(signal, "literal") or _string(signal, "uri") or _string(signal, "name")))
        else:
            raise FeedError("wrong-type", f"signals: expected strings or objects, got {type(signal).__name__}")
    return codes
