"""HTML pages to article parts (plain functions).

The page is parsed once. Metadata comes from what the page declares about itself
(JSON-LD, meta tags, ``<time datetime>`` in the article header) and the date stamps its
article header shows, never from guesses; captions and bylines come from their own
elements. Then the known chrome is pruned from the tree (captions, newsletter and
membership boxes, pull quotes, rich links, standfirsts, skip links, promos...),
trafilatura finds the story in what is left, its lines outside the story block (the
element holding most of the page's prose) at either end are dropped, and so are
furniture lines ("Advertisement", "Related: ...", copyright). A page that is a list of
headline links, or has no story text, comes back with no paragraphs and the reason in
``meta["not_article"]``.
"""
from __future__ import annotations

import functools
import json
import re
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree

from transforms.text.headline import strip_site_suffix

# Chosen with tools/bench_extract.py on the article-extraction benchmark (181 pages):
# comments are never story text, and precision mode drops the teaser and link blocks
# that balanced mode keeps. Precision mode now and then loses a whole story it finds
# too link-heavy, so when it keeps under 1000 characters, balanced mode (which retries
# with recall settings by itself) has a look, and wins when it finds twice as much.
TRAFILATURA_OPTIONS = {"include_comments": False, "favor_precision": True}
TRAFILATURA_FALLBACK_OPTIONS = {"include_comments": False}
_FALLBACK_BELOW_CHARS = 1000
_FALLBACK_RATIO = 2

# --- Element roles, read from class, id, role and data-component style attributes ----

_ROLE_ATTRIBUTE = re.compile(r"^(?:class|id|role|data-[\w-]*(?:component|name|testid|module))$")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _words(*alternatives: str) -> re.Pattern:
    """A pattern matching any alternative as whole words of a role string, which _role()
    has lowered and split at camel humps ("ProPromo-container" -> "pro-promo-container")."""
    return re.compile(r"(?<![a-z])(?:" + "|".join(alternatives) + r")(?![a-z])")


# Chrome that trafilatura does not reliably drop by itself.
_CHROME_ROLE = _words(
    "newsletters?", "sign-?up", "pull-?quotes?", "rich-?link", "standfirst", "dek", "chapo",
    "sub-?head(?:ing|line)?", "sub-?title", "copyright", "skip(?:-?link)?", "visually-?hidden", "sr-only",
    "screen-?reader(?:-text)?", "promo(?:tion)?s?", "related", "recommended", "onward", "more-on", "trending",
    "most-?(?:read|viewed|popular)", "complementary", "ads?", "ad-?slot", "advert(?:isement)?s?",
    "(?:image|photo|picture)-(?:[a-z]+-)?credit", "membership", "donat(?:e|ions?)", "contributions?", "subscribe",
    "cta", "support-(?:us|box|banner|cta)")
# Caption furniture: the buttons of a caption that folds away ("hide caption", inside it
# on some pages) and a label element before its text ("Photo:").
_CAPTION_FURNITURE = re.compile(r"^(?:(?:hide|show|toggle|expand|collapse) caption|enlarge this image"
                                r"|(?:photo|image|picture|video|caption|foto|imagen)\s*:)$", re.I)
# Bulleted summaries above a story ("Summary", "KEY POINTS"): only boxes holding a list,
# as "text-with-summary" and "speakable-summary" name real story text too.
_SUMMARY_ROLE = _words("summary", "key-?points")
# Photo captions, and the titles under embedded videos (a video's caption).
_CAPTION_ROLE = re.compile(r"caption|(?<![a-z])video-title(?![a-z])")
# A photo credit beside the caption in the same caption box ("Kendra Holt/AP"): not caption text.
_CREDIT_ROLE = _words("credits?")
_BYLINE_ROLE = _words("byline", "authors?", "contributors?", "writers?")
_HIDDEN_ROLE = _words("visually-?hidden", "sr-only", "screen-?reader(?:-text)?", "offscreen")
_HIDDEN_STYLE = re.compile(r"display:\s*none|visibility:\s*hidden", re.I)

# Caption text is kept apart; <noscript> holds what a page shows without JavaScript.
_PRUNED_TAGS = {"figcaption", "noscript"}
# Containers of page furniture and other stories' teasers: never this story's text,
# byline or date, and never a headline list of the page itself.
_OUTSIDE_STORY = {"nav", "header", "footer", "aside"}
_SIDE_CONTAINERS = {"figure", "figcaption", "nav", "footer", "li", "aside", "form"}
_NO_STORY_META_INSIDE = _SIDE_CONTAINERS | {"head", "script", "style", "noscript"}
# Elements too big to be a byline box whatever their class says ("single-author" pages).
_PAGE_LEVEL = {"html", "body", "main", "article"}
# HTML elements that start a new line of text.
_BLOCK_HTML = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr",
               "section", "article", "header", "footer", "figure", "figcaption", "address", "blockquote",
               "table", "tr", "td", "th"}
# Block elements of trafilatura's output tree; anything else in it is inline text.
_TRAFILATURA_BLOCKS = {"p", "head", "list", "item", "quote", "table", "row", "cell", "code", "div", "section"}

# --- Text patterns --------------------------------------------------------------------

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_QUOTE_MARKS = str.maketrans("‘’“”", "''\"\"")
_HAS_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_BY = re.compile(r"^\s*by\s+(\S)", re.I)
_BY_START = re.compile(r"\s*by\b", re.I)
_BY_PREFIX = re.compile(r"^by\s+", re.I)
_NOT_A_NAME = re.compile(r"\d|[.!?:]$")
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][\w-]*)?")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# What follows the names in a byline box: a social handle, a separator, a read time,
# a date or a time.
_BYLINE_TAIL = re.compile(
    r"\s*(?:@\w|[|•·]|\b(?:published|updated|posted)\b|\b\d+[- ]min(?:ute)?s?\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,|\d{1,2}:\d\d|\b\d{4}-\d\d-\d\d"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}\s+\d{{4}}|\b{_MONTH} \d{{1,2}},? \d{{4}}).*$", re.I)
# A full date somewhere: a year and a day or month number beside it ("3 hrs ago",
# "2025" and epoch milliseconds are not dates).
_HAS_YEAR_AND_DAY = re.compile(r"^(?=.*(?<!\d)(?:19|20)\d\d(?!\d))(?=.*(?<!\d)\d{1,2}(?!\d))")
# A declared date: a full date in a short value.
_DATE_VALUE = re.compile(_HAS_YEAR_AND_DAY.pattern + r".{8,64}$")
# What labels a visible stamp, at the start of a line or of a part of it after a
# separator ("By Jane Doe | Updated ..."); enrich reads the date that follows.
_STAMP_LABEL = re.compile(
    r"(?:^|[|·•]\s*)(?:(?:first|last)\s+)?(?:published|updated|posted|modified|publicado|actualizado"
    r"|publi[ée]e?|mis\s+[àa]\s+jour|ver[öo]ffentlicht|aktualisiert|pubblicato|aggiornato)\b", re.I)
_STAMP_WORDS = 20
# A <time> element named as the update time; WordPress names its publication time
# "entry-date published updated".
_UPDATE_ROLE = _words("updated", "modified", "changed")
_PUBLISH_ROLE = _words("published", "pub-?date", "posted", "created")
_UPDATE_LABEL_BEFORE = re.compile(r"(?:updated|modified|actualizado|mis\s+[àa]\s+jour|aktualisiert|aggiornato)"
                                  r"(?:\s+(?:on|at|le|el|am|il))?\s*:?\s*$", re.I)
# Whole paragraphs that are page furniture wherever they stand.
_CHROME_LINE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|publicité|publicidad|anzeige"
    r"|story continues below(?: this)? advertisement|continue reading(?: below)?"
    r"|(?:skip past|after) newsletter promotion|scroll to continue(?: with content)?"
    r"|share(?: this)?(?: article| story)?|(?:read|see) more|related(?: stories| articles| coverage)?"
    r"|(?:item )?\[?\d+ ?(?:/|of) ?\d+\]?"
    # the buttons of a caption that folds away, where they stand outside it
    r"|(?:hide|show|toggle|expand|collapse) caption|enlarge this image"
    # what is left of a membership or donation box
    r"|support (?:independent|our|quality|local) journalism|become a (?:member|subscriber|supporter|patron)"
    r"(?: ?cancel anytime)?|cancel anytime|(?:donate|subscribe)(?: now| today)?)\W*$", re.I)
# Short lines only: rich links ("Related: ...", "Lire aussi | ..."), social follow
# prompts and messaging-channel promos ("Join our WhatsApp Channel ..."), source tags,
# copyright footers and syndication notices.
_FURNITURE_LINE = re.compile(
    r"^(?:(?:related|read more|read also|also read|see also|more on this|(?:à )?lire aussi|lea también"
    r"|lesen sie auch)\s*[:|]"
    r"|follow (?:us|[\w ]{1,40}) on (?:facebook|twitter|instagram|x|youtube|tiktok|linkedin|telegram|whatsapp"
    r"|threads|bluesky|google news)\b"
    r"|(?:(?:click|tap) here (?:to|and) )?(?:join|follow|subscribe to|get)\b[^.!?]{0,80}\b(?:whatsapp|telegram|viber)"
    r" (?:channel|community|group)"
    r"|source\s*:\s*[\w ,&]{1,60}$|©|\(c\)\s|copyright\b|.{0,80}all rights reserved\W*$)"
    r"|may not be published, broadcast, rewritten or redistributed"
    r"|has not been edited by [\w ]{1,40} staff and is (?:auto-generated|published) from a syndicated feed",
    re.I)
# A short line, as furniture lines are: at most this many words.
_SHORT_LINE_WORDS = 30
# The text of a link or button asking for money or membership, and the box around one.
_CALL_TO_ACTION = re.compile(
    r"^(?:become an? (?:member|subscriber|supporter|patron)|(?:donate|subscribe|contribute)(?: now| today| here)?"
    r"|support (?:us|our (?:work|journalism)|independent journalism)|join (?:us|now|today))\W*$", re.I)
_BOX_TAGS = {"div", "section", "aside"}
_CALL_TO_ACTION_BOX_WORDS = 80

# --- Page declarations and not-an-article thresholds ---------------------------------

_ARTICLE_TYPE = re.compile(r"article|posting|report", re.I)
_INDEX_TYPE = re.compile(r"^(?:website|collectionpage|itemlist|searchresultspage|profilepage)$", re.I)
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "og:published_time",
                   "datepublished", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dc.date",
                   "dcterms.date", "dcterms.issued", "dcterms.created", "publishdate", "publish-date",
                   "pubdate", "publication_date", "article.published", "date")
_MODIFIED_META = ("article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
                  "dc.date.modified", "dcterms.modified", "lastmod", "article.updated")
_AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "dcterms.creator",
                "sailthru.author", "byl")
_SITENAME_META = ("og:site_name", "application-name", "publisher")
_DESCRIPTION_META = ("description", "og:description", "twitter:description", "dc.description")
_TITLE_META = ("og:title", "twitter:title", "dc.title")
_ITEMPROP = etree.XPath("//*[@itemprop=$name]")
_JSON_LD = etree.XPath("//script[@type='application/ld+json']")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
_JSON_LD_DEPTH = 8

_PROSE_CHARS = 40          # a prose paragraph: this many characters, ending a sentence
_INDEX_LINKS = 8           # headline links that make a page a candidate index
_STORY_RUN = 3             # prose paragraphs in a row that make a story
_STORY_BLOCK_CHARS = 1000  # a single text block this long is a story by itself
_STORY_BLOCK_SHARE = 0.8   # the story block holds this share of the page's prose
_STORY_BLOCK_KEEPS = 0.5   # trimming to the story block keeps at least this share of the text


def extract_html(html: str, url: str | None = None) -> dict:
    """{"headline", "paragraphs", "captions", "meta"} of an HTML page (meta keys as in
    docs/ARCHITECTURE.md). ``paragraphs`` is empty when the page is no article;
    ``meta["not_article"]`` then says why. Never raises on bad markup."""
    tree = _parse(html)
    if tree is None:
        return {"headline": None, "paragraphs": [], "captions": [], "meta": {"not_article": "no-html: no markup"}}
    declared = declarations(tree)
    meta = page_meta(tree, declared, url)
    headline = page_headline(tree, declared, meta)
    captions = figure_captions(tree)
    meta["bylines"] = visible_bylines(tree)
    prune_chrome(tree)
    shape = page_shape(tree)
    paragraphs = story_paragraphs(tree, headline, url)
    reason = not_article_reason(paragraphs, shape, meta)
    if reason:
        meta["not_article"] = reason
        # The stamps at the top of an index page are its teasers' dates.
        meta["date_lines"] = []
        paragraphs = []
    return {"headline": headline, "paragraphs": paragraphs, "captions": captions,
            "meta": {key: value for key, value in meta.items() if value}}


def _parse(html: str):
    """The page as an lxml tree, or None. libxml2 stops nesting at depth 256, so a
    pathologically deep page is flattened rather than exhausting the stack."""
    if not html or not html.strip():
        return None
    try:
        return trafilatura.load_html(html)
    except (TypeError, ValueError, etree.LxmlError):
        return None


# --- Reading elements ------------------------------------------------------------------

def _squash(text: str) -> str:
    """Runs of ASCII whitespace to one space. No-break spaces stay: French puts them
    inside « » and they are part of the text."""
    return _ASCII_SPACE.sub(" ", text).strip()


def _text(element) -> str:
    return _squash("".join(element.itertext()))


def _visible_text(element, leave_out=None) -> str:
    return " ".join(_visible_lines(element, leave_out))


def _visible_lines(element, leave_out=None) -> list[str]:
    """An element's text as a reader sees it: a line per block element, screen-reader
    and hidden parts left out, and a space where two elements' words would otherwise
    run together ("Natasha Turak" + "@NatashaTurak", "Laura Winter" + "19 Nov 2019").
    The text of descendants for which ``leave_out`` holds is left out too."""
    text = ""
    for piece in _visible_pieces(element, leave_out):
        if text and piece and text[-1].isalnum() and (piece[0].isalnum() or piece[0] == "@"):
            text += " "
        text += piece
    return [line for line in (_squash(line) for line in text.split("\n")) if line]


def _visible_pieces(element, leave_out):
    yield _ASCII_SPACE.sub(" ", element.text or "")
    for child in element:
        if isinstance(child.tag, str) and not _is_hidden(child):
            newline = "\n" if child.tag in _BLOCK_HTML else ""
            yield newline
            if leave_out is None or not leave_out(child):
                yield from _visible_pieces(child, leave_out)
            yield newline
        yield _ASCII_SPACE.sub(" ", child.tail or "")


def _own_lines(element) -> list[str]:
    """The lines of an element's visible text outside its block descendants ("Published
    on March 7, 2025" of a table cell, a <br>-separated run of a story <div>)."""
    return _visible_lines(element, _is_block)


def _is_block(element) -> bool:
    return element.tag in _BLOCK_HTML


def _is_hidden(element) -> bool:
    return bool(element.get("hidden") is not None or element.get("aria-hidden") == "true"
                or _HIDDEN_ROLE.search(_role(element)) or _HIDDEN_STYLE.search(element.get("style") or ""))


def _own_text(element) -> str:
    """An element's text without that of its block-level descendants."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _BLOCK_HTML:
            pieces.append(_own_text(child))
        pieces.append(child.tail or "")
    return _squash("".join(pieces))


def _own_text_lines(element) -> list[str]:
    """_own_text split where a block descendant (a <br>, a <div>) stands; cheaper than
    _own_lines, for measuring rather than showing."""
    return [line for line in map(_squash, "".join(_own_text_pieces(element)).split("\n")) if line]


def _own_text_pieces(element):
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            if child.tag in _BLOCK_HTML:
                yield "\n"
            else:
                yield from _own_text_pieces(child)
        yield child.tail or ""


def _role(element) -> str:
    """The element's role-naming attribute values, lowered and split at camel humps
    ("figure-caption dcr-pullquote pro-promo-container")."""
    values = " ".join(value for name, value in element.items() if _is_role_attribute(name))
    return _CAMEL_HUMP.sub("-", values).lower() if values else ""


@functools.lru_cache(maxsize=1024)
def _is_role_attribute(name: str) -> bool:
    return bool(_ROLE_ATTRIBUTE.match(name))


def _inside(element, tags: set[str]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _fold(text: str) -> str:
    """Text for comparing: lower case, quote marks unified, whitespace collapsed."""
    return " ".join(text.lower().translate(_QUOTE_MARKS).split())


def _is_prose(text: str) -> bool:
    """40+ characters (not words: Chinese and Japanese have no spaces) ending a sentence."""
    return len(text) >= _PROSE_CHARS and bool(_SENTENCE_END.search(text))


# --- Metadata --------------------------------------------------------------------------

class Declarations(NamedTuple):
    tags: dict[str, str]        # <meta> name/property/itemprop (lower case) -> content
    linked_data: list[dict]     # every JSON-LD object
    articles: list[dict]        # the JSON-LD objects typed as articles


def declarations(tree) -> Declarations:
    """The page's <meta> tags (the first of each name) and JSON-LD objects."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        for key in ("property", "name", "itemprop", "http-equiv"):
            name = (meta.get(key) or "").strip().lower()
            if name and content:
                tags.setdefault(name, content)
    linked_data = _json_ld(tree)
    articles = [item for item in linked_data if any(_ARTICLE_TYPE.search(t) for t in _types(item))]
    return Declarations(tags, linked_data, articles)


def _json_ld(tree) -> list[dict]:
    """Every JSON-LD object of the page, @graph members and lists flattened. Broken
    JSON-LD is common and skipped."""
    found: list[dict] = []

    def walk(item, depth):
        if depth > _JSON_LD_DEPTH:
            return
        if isinstance(item, list):
            for member in item:
                walk(member, depth + 1)
        elif isinstance(item, dict):
            found.append(item)
            walk(item.get("@graph"), depth + 1)

    for script in _JSON_LD(tree):
        try:
            walk(json.loads(script.text or "", strict=False), 0)
        except (ValueError, RecursionError):
            continue
    return found


def _types(item: dict) -> list[str]:
    value = item.get("@type")
    return [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]


def _ld_values(items: list[dict], key: str) -> list[str]:
    return [item[key].strip() for item in items if isinstance(item.get(key), str) and item[key].strip()]


def _ld_names(value, depth: int = 0) -> list[str]:
    """Names in a JSON-LD person or organisation value: a string, an object or a list."""
    if isinstance(value, str):
        return [value]
    if depth > _JSON_LD_DEPTH:
        return []
    if isinstance(value, dict):
        return _ld_names(value.get("name"), depth + 1)
    if isinstance(value, list):
        return [name for member in value for name in _ld_names(member, depth + 1)]
    return []


def _tag_values(tags: dict, names: tuple[str, ...]) -> list[str]:
    return [tags[name] for name in names if tags.get(name)]


def _first(values: list[str]) -> str | None:
    return next((" ".join(v.split()) for v in values if v and v.strip()), None)


def page_meta(tree, declared: Declarations, url: str | None = None) -> dict:
    """What the page declares about itself: ``url, title, published, modified, author,
    sitename, description, language, pagetype``, and ``date_lines``, the stamps its
    article header shows. Dates only from explicit declarations (JSON-LD, date meta
    tags, itemprop, <time datetime> in the article header) and those stamps, never
    guessed."""
    tags, linked_data, articles = declared
    pages = articles + [item for item in linked_data if any(t.endswith("WebPage") for t in _types(item))]
    title = tree.find(".//title")
    index_types = [t for item in linked_data for t in _types(item) if _INDEX_TYPE.match(t)]
    header = header_dates(tree)
    return {
        "url": _canonical_url(tree, tags, articles, url),
        "title": _text(title) if title is not None else None,
        "published": _first_date(_ld_values(pages, "datePublished") + _tag_values(tags, _PUBLISHED_META)
                                 + _itemprop_dates(tree, "datePublished") + header.datetimes),
        "modified": _first_date(_ld_values(pages, "dateModified") + _tag_values(tags, _MODIFIED_META)
                                + _itemprop_dates(tree, "dateModified")),
        "author": "; ".join(_authors(articles, tags)) or None,
        "sitename": _first(_tag_values(tags, _SITENAME_META[:1])
                           + [name for item in articles for name in _ld_names(item.get("publisher"))]
                           + _tag_values(tags, _SITENAME_META[1:])),
        "description": _first(_tag_values(tags, _DESCRIPTION_META) + _ld_values(articles, "description")),
        "language": _language(tree, tags),
        "pagetype": _first([tags.get("og:type", "")] + [t for item in articles for t in _types(item)] + index_types),
        "date_lines": header.stamps,
    }


def _authors(articles: list[dict], tags: dict) -> list[str]:
    """Author names from JSON-LD, else from the author meta tags. URLs (Facebook
    profiles in article:author) are not names."""
    names = [name for item in articles for name in _ld_names(item.get("author"))]
    if not names:
        names = [_BY_PREFIX.sub("", value) for value in _tag_values(tags, _AUTHOR_META)]
    unique = []
    for name in (" ".join(n.split()) for n in names):
        if name and "/" not in name and "@" not in name and name not in unique:
            unique.append(name)
    return unique


def _itemprop_dates(tree, name: str) -> list[str]:
    return [el.get("content") or el.get("datetime") or _text(el) for el in _ITEMPROP(tree, name=name)]


class HeaderDates(NamedTuple):
    datetimes: list[str]    # datetime attributes of the header's publication <time> elements
    stamps: list[str]       # visible stamps: labelled stamp lines and dated <time> texts


def header_dates(tree) -> HeaderDates:
    """The dates the article header shows. The header is what comes before the story's
    first prose after the <h1> (the whole top of a page without one), the story being
    the story block's (see story_block): the byline box, the dateline row, a standfirst
    outside the story's container; never lists, asides, figures, forms, named chrome or
    hidden parts, where other stories' dates and teasers are. Its stamps, as shown, for
    enrich to read: the short lines labelled as stamps ("Published on March 7, 2025",
    "Posted Tue 4 Mar 2025 at 3:31pm", "By Jane Doe | Updated: 06/03/2025 - 14:32") and
    the texts of <time> elements that hold a full date ("March 12, 2025 4:01 am CET")
    and no such line holds. A <time> named as the update time ("entry-updated",
    itemprop dateModified) is no publication date, and its text a stamp only in a line
    whose label says so."""
    block = story_block(tree)
    events = []   # (kind, datetime attribute, text, in the story block) in page order

    def walk(el, in_story):
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _NO_STORY_META_INSIDE or _is_hidden(child):
                continue
            role = _role(child)
            if child.tag not in _PAGE_LEVEL and (_CHROME_ROLE.search(role) or _CAPTION_ROLE.search(role)):
                continue
            child_in_story = in_story or child is block
            if child.tag == "h1":
                events.append(("h1", None, "", child_in_story))
            elif child.tag == "time":
                kind = "update time" if _names_update(child) else "time"
                events.append((kind, child.get("datetime"), _visible_text(child), child_in_story))
            if child.tag in _BLOCK_HTML:
                events.extend(("line", None, line, child_in_story) for line in _own_lines(child))
            walk(child, child_in_story)

    walk(tree, block is None)
    header = events[:_story_start(events)]
    # A <time> that holds its own label ("Updated: 06/03/2025 - 14:32") is a stamp by
    # itself, and stands for the line holding it: CNBC shows two in one line.
    labelled_times = [text for kind, _, text, _ in header if kind in ("time", "update time") and _is_stamp_line(text)]
    labelled = labelled_times + [text for kind, _, text, _ in header if kind == "line" and _is_stamp_line(text)
                                 and not any(time in text for time in labelled_times)]
    stamps = []
    for kind, _, text, _ in header:
        is_stamp = text in labelled or (kind == "time" and _DATE_VALUE.match(text)
                                        and not any(text in line for line in labelled))
        if is_stamp and text not in stamps:
            stamps.append(text)
    return HeaderDates([value for kind, value, _, _ in header if kind == "time" and value], stamps)


def _names_update(time) -> bool:
    """Whether a <time> is the update time: so named, or right after an "Updated" label."""
    named = f"{_role(time)} {_CAMEL_HUMP.sub('-', time.get('itemprop') or '').lower()}"
    previous = time.getprevious()
    before = previous.tail if previous is not None else time.getparent().text
    return bool(_UPDATE_ROLE.search(named) and not _PUBLISH_ROLE.search(named)
                or _UPDATE_LABEL_BEFORE.search(before or ""))


def _is_stamp_line(text: str) -> bool:
    return bool(len(text.split()) <= _STAMP_WORDS and _STAMP_LABEL.search(text) and _HAS_YEAR_AND_DAY.match(text))


def _story_start(events: list[tuple]) -> int:
    """Index of the story's first line in header_dates' events: the first prose line
    (or 1000+ character run) of the story block after the first <h1>."""
    start = next((i for i, event in enumerate(events) if event[0] == "h1"), 0)
    return next((i for i in range(start, len(events)) if events[i][0] == "line" and events[i][3]
                 and (len(events[i][2]) >= _STORY_BLOCK_CHARS or _is_prose(events[i][2]))), len(events))


def _first_date(values: list[str]) -> str | None:
    return next((value.strip() for value in values if value and _DATE_VALUE.match(value.strip())), None)


def _canonical_url(tree, tags: dict, articles: list[dict], url: str | None) -> str | None:
    """The canonical link, og:url or JSON-LD url, made absolute against ``url``;
    ``url`` itself when the page names none."""
    for candidate in list(_CANONICAL(tree)) + _tag_values(tags, ("og:url",)) + _ld_values(articles, "url"):
        try:
            absolute = urljoin(url or "", candidate.strip())
            parts = urlsplit(absolute)
        except ValueError:   # "http://[broken" and the like
            continue
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return url


def _language(tree, tags: dict) -> str | None:
    """The declared language's primary subtag ("en" for lang="en-US")."""
    declared = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
                or tags.get("content-language") or tags.get("og:locale") or "")
    match = _LANGUAGE_TAG.fullmatch(declared.strip().lower())
    return match.group(1) if match else None


def page_headline(tree, declared: Declarations, meta: dict) -> str | None:
    """The headline as the reader sees it: the <h1> that a declared title (JSON-LD
    headline, og:title, <title>) confirms; else the only <h1> of the article; else the
    declared titles in that order, without a trailing site name."""
    sitename = meta.get("sitename")
    titles = [_first(_ld_values(declared.articles, "headline")), _first(_tag_values(declared.tags, _TITLE_META)),
              meta.get("title")]
    titles = [strip_site_suffix(title, sitename) for title in titles if title]
    h1s = [text for text in (_text(h1) for h1 in tree.iter("h1") if not _inside(h1, _SIDE_CONTAINERS)) if text]
    folded = [_fold(title) for title in titles]
    confirmed = [text for text in h1s if _fold(text) in folded]
    # A title the site-suffix rule could not trim ("Headline - Section - Site") still
    # holds the headline; a one- or two-word <h1> is a logo or section name, not that.
    confirmed += [text for text in h1s if len(text.split()) >= 3 and any(_fold(text) in title for title in folded)]
    if confirmed:
        return confirmed[0]
    story_h1s = [text for text in h1s if len(text.split()) >= 3 and _fold(text) != _fold(sitename or "")]
    if len(story_h1s) == 1:
        return story_h1s[0]
    return titles[0] if titles else (h1s[0] if h1s else None)


# --- Captions and bylines --------------------------------------------------------------

def figure_captions(tree) -> list[str]:
    """Caption texts in page order: <figcaption> and elements with a caption role (the
    outermost of nested ones), as a reader sees them, without the caption's furniture
    (see _is_caption_furniture)."""
    captions = []

    def walk(el):
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "figcaption" and not _CAPTION_ROLE.search(_role(child)):
                walk(child)
                continue
            text = _visible_text(child, _is_caption_furniture)
            # A wrapper named "...-with-captions" around a whole article is no caption.
            if (text and len(text.split()) <= 120 and len(child.findall(".//p")) <= 2 and text not in captions
                    and not _CAPTION_FURNITURE.match(text)):
                captions.append(text)

    walk(tree)
    return captions


def _is_caption_furniture(element) -> bool:
    """A part of a caption box that is not caption text: its fold-away buttons ("hide
    caption"), its label ("Photo:") and a photo credit in an element of its own."""
    role = _role(element)
    return bool(_CREDIT_ROLE.search(role) and not _CAPTION_ROLE.search(role)
                or _CAPTION_FURNITURE.match(_text(element)))


def visible_bylines(tree) -> list[str]:
    """Byline lines as shown ("By LUCÍA HERRERA and MARK STEVENS"), at most three,
    from elements named or shaped as bylines: <address>, a byline/author role, or a
    short "By Name" line; not in figures, lists, asides, forms or chrome. A credit box
    that names its author only by a link ("<address><a rel=author>Harriet Lowe</a>
    Social affairs correspondent") gives "By Harriet Lowe"."""
    bylines = []

    def walk(el):
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _NO_STORY_META_INSIDE:
                continue
            role = _role(child)
            if _CHROME_ROLE.search(role):
                continue
            line = None
            if child.tag in _PAGE_LEVEL:
                pass
            elif child.tag == "address" or _BYLINE_ROLE.search(role):
                line = _byline_line(child)
            elif child.tag in ("p", "div", "span") and _BY_START.match(child.text or ""):
                line = next(filter(_is_by_name, _visible_lines(child)[:1]), None)
            if line is None:
                walk(child)
            elif line not in bylines:
                bylines.append(line)

    walk(tree)
    return bylines[:3]


def _is_by_name(text: str) -> bool:
    """ "By Jane Doe", not "By signing up" nor "By Tuesday, officials had ..."."""
    match = _BY.match(text)
    return bool(match and match.group(1).isupper() and len(text.split()) <= 14 and not text.endswith("."))


def _byline_line(el) -> str | None:
    """The byline of a byline box: its "By ..." line, else "By " and the names of its
    author links, else "By " and its text when that is a short name ("PTI")."""
    lines = [_BYLINE_TAIL.sub("", line) for line in _visible_lines(el)]
    by_line = next((line for line in lines if _is_by_name(line)), None)
    if by_line:
        return by_line
    names = [_visible_text(a) for a in el.iter("a")
             if a.get("rel") == "author" or "author" in (a.get("itemprop") or "")]
    if any(names):
        return "By " + " and ".join(name for name in names if name)
    text = " ".join(line for line in lines if line)
    if not text or _BY.match(text) or len(text.split()) > 6 or _NOT_A_NAME.search(text):
        return None
    return "By " + text


# --- Chrome and story --------------------------------------------------------------------

def prune_chrome(tree) -> None:
    """Removes captions, <noscript>, elements whose class/id/role names known chrome
    (newsletter boxes, pull quotes, rich links, standfirsts, skip links, promos,
    related lists, summary bullet boxes...) and block quotes that repeat the story's
    own words (pull quotes without a telling name). An element holding 40% of the
    page's text is never removed, whatever its name says."""
    body = tree.find(".//body")
    total = len(_text(body if body is not None else tree))
    doomed = []

    def walk(el):
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _PRUNED_TAGS:
                doomed.append(child)
                continue
            role = _role(child)
            named_chrome = child.tag not in _PAGE_LEVEL and (
                _CAPTION_ROLE.search(role) or _CHROME_ROLE.search(role)
                or _SUMMARY_ROLE.search(role) and child.find(".//li") is not None)
            if named_chrome and len(_text(child)) < 0.4 * total:
                doomed.append(child)
            else:
                walk(child)

    walk(tree)
    doomed.extend(_repeated_quotes(tree))
    doomed.extend(_call_to_action_boxes(tree))
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _repeated_quotes(tree) -> list:
    """Block quotes (or the aside/figure holding one) whose words the story's
    paragraphs already say: pull quotes. Their attribution (<footer>, <cite>) is not
    in the story's words, so it is left out of the comparison."""
    story = " ".join(_fold(_text(p)) for p in tree.iter("p") if not _inside(p, {"blockquote", "aside"}))
    repeated = []
    for quote in tree.iter("blockquote"):
        pieces = [quote.text or ""]
        for child in quote:
            if child.tag not in ("footer", "cite"):
                pieces.append(" ".join(child.itertext()))
            pieces.append(child.tail or "")
        words = _fold(" ".join(pieces)).strip("'\" ")
        if len(words.split()) >= 5 and words in story:
            parent = quote.getparent()
            repeated.append(parent if parent is not None and parent.tag in ("aside", "figure") else quote)
    return repeated


def _call_to_action_boxes(tree) -> list:
    """Membership, donation and subscription boxes that no class names: the <div>,
    <section> or <aside> around a link or button asking the reader to become a member,
    donate or subscribe, when it is short (a title, a line or paragraph of pitch, the
    button) and so cannot be the story holding such a link."""
    boxes = []
    for action in tree.iter("a", "button"):
        if not _CALL_TO_ACTION.match(_text(action)):
            continue
        box = next((el for el in action.iterancestors() if el.tag in _BOX_TAGS), None)
        if box is None or box in boxes or len(_text(box).split()) > _CALL_TO_ACTION_BOX_WORDS:
            continue
        prose = [el for el in box.iter() if isinstance(el.tag, str) and el.tag in _BLOCK_HTML
                 and _is_prose(_own_text(el))]
        if len(prose) <= 1:
            boxes.append(box)
    return boxes


class PageShape(NamedTuple):
    headline_links: list[str]   # texts of the links that read like headlines
    longest_prose_run: int      # most prose blocks in a row with no headline link between


def page_shape(tree) -> PageShape:
    """How the (pruned) page is laid out. Headline links are links of 4+ words outside
    paragraphs, navigation, headers, footers and asides. An index page is a list of
    them, each with at most a teaser paragraph; a story is a run of prose blocks (<p>s,
    or a <div> of text and <br>s)."""
    links, run, longest = [], 0, 0

    def walk(el):
        nonlocal run, longest
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _OUTSIDE_STORY:
                continue
            if child.tag == "a":
                text = _text(child)
                if 4 <= len(text.split()) <= 40:
                    links.append(text)
                    run = 0
                continue
            if child.tag in _BLOCK_HTML:
                text = _own_text(child)
                if len(text) >= _STORY_BLOCK_CHARS:
                    run += _STORY_RUN
                elif _is_prose(text):
                    run += 1
                longest = max(longest, run)
            if child.tag != "p":   # links inside a paragraph are part of its prose
                walk(child)

    walk(tree)
    return PageShape(links, longest)


def story_paragraphs(tree, headline: str | None, url: str | None = None) -> list[str]:
    """The story's paragraphs in order, from trafilatura's main text of the pruned page.
    <br> splits a paragraph; list items and table rows are paragraphs of their own.
    Dropped: headings (the headline, kicker and standfirst above the story, and the
    subheadings in it, which the wire corpus counts as chrome), furniture lines,
    paragraphs without a letter or digit ("___"), and the short lines at either end
    that are not the story block's (see _trim_to_story_block)."""
    body = main_text(tree, url)
    if body is None:
        return []
    headline = _fold(headline or "")
    lines = [line for tag, line in _block_lines(body)
             if tag != "head" and _HAS_LETTER_OR_DIGIT.search(line) and _fold(line) != headline
             and not _is_furniture(line)]
    block = story_block(tree)
    return _trim_to_story_block(block, lines) if block is not None else lines


def story_block(tree):
    """The element holding the story: the smallest one that holds 80% of the page's
    prose (prose lines and 1000+ character runs of text, outside navigation, headers,
    footers and asides), found by going down from <body> to the child holding that
    much. A single paragraph is no story block (a story may put most of its words in
    one long paragraph); a <div> of several prose lines between <br>s is. None on a
    page without prose."""
    body = tree.find(".//body")
    body = tree if body is None else body
    prose, holds_story = {}, {}

    def measure(el) -> int:
        inner = sum(measure(child) for child in el if isinstance(child.tag, str) and child.tag not in _OUTSIDE_STORY)
        own = [line for line in (_own_text_lines(el) if el.tag in _BLOCK_HTML else [])
               if len(line) >= _STORY_BLOCK_CHARS or _is_prose(line)]
        prose[el] = inner + sum(map(len, own))
        holds_story[el] = inner > 0 or len(own) > 1
        return prose[el]

    total = measure(body)
    if not total:
        return None
    block = body
    while True:
        best = max((child for child in block if holds_story.get(child)), key=prose.get, default=None)
        if best is None or prose[best] < _STORY_BLOCK_SHARE * total:
            return block
        block = best


def _trim_to_story_block(block, lines: list[str]) -> list[str]:
    """trafilatura's lines without the short lines before and after the story block's:
    on an old layout of tables or bare <div>s it takes the whole page, top bar, menu,
    ticker, weather box and tag list included. A prose or long line ends the trimming
    (the block may be a list of other stories' teasers that outweighs a short story),
    and the lines stay as they are when the block's would be less than half the text."""
    text = _compact(_text(block))

    def outside(line: str) -> bool:
        return (len(line.split()) <= _SHORT_LINE_WORDS and not _is_prose(line)
                and not all(_compact(part) in text for part in line.split(" | ")))

    first = next((i for i, line in enumerate(lines) if not outside(line)), len(lines))
    last = next((i for i in range(len(lines), first, -1) if not outside(lines[i - 1])), first)
    kept = lines[first:last]
    return kept if sum(map(len, kept)) >= _STORY_BLOCK_KEEPS * sum(map(len, lines)) else lines


def _compact(text: str) -> str:
    """Text for finding one in another whatever the spacing: folded, without spaces."""
    return "".join(_fold(text).split())


def main_text(tree, url: str | None = None):
    """trafilatura's main-text tree of the page (see TRAFILATURA_OPTIONS), or None."""
    documents = []
    for options in (TRAFILATURA_OPTIONS, TRAFILATURA_FALLBACK_OPTIONS):
        try:
            document = trafilatura.bare_extraction(tree, url=url, **options)
        except (RecursionError, ValueError, TypeError, etree.LxmlError):
            document = None
        if document is not None and document.body is not None:
            documents.append(document)
            if len(document.text or "") >= _FALLBACK_BELOW_CHARS:
                break
    if not documents:
        return None
    lengths = [len(document.text or "") for document in documents]
    if len(documents) == 2 and lengths[1] > _FALLBACK_RATIO * lengths[0]:
        return documents[1].body
    return documents[0].body


def _block_lines(el):
    """(block tag, text line) pairs of trafilatura's output tree in order, loose text
    between blocks included. Blocks nest (layout tables holding the story, quotes
    holding paragraphs, lists in list items); a table row of plain cells is one line."""
    children = list(el)
    if el.tag == "row" and not any(sub.tag in _TRAFILATURA_BLOCKS for cell in children for sub in cell):
        yield "row", " | ".join(text for text in (_text(cell) for cell in children) if text)
        return
    pieces = [el.text or ""]
    for child in children:
        if child.tag in _TRAFILATURA_BLOCKS:
            yield from ((el.tag, line) for line in _split_lines(pieces))
            yield from _block_lines(child)
            pieces = []
        else:
            pieces.append("\n" if child.tag == "lb" else "".join(child.itertext()))
        pieces.append(child.tail or "")
    yield from ((el.tag, line) for line in _split_lines(pieces))


def _split_lines(pieces: list[str]) -> list[str]:
    return [line for line in (_squash(part) for part in "".join(pieces).split("\n")) if line]


def _is_furniture(line: str) -> bool:
    return bool(_CHROME_LINE.match(line)
                or len(line.split()) <= _SHORT_LINE_WORDS and _FURNITURE_LINE.search(line))


# --- Not an article ------------------------------------------------------------------

def not_article_reason(paragraphs: list[str], shape: PageShape, meta: dict) -> str | None:
    """Why the page is not one article, or None. A page with no story text is none. A
    page declared an article (og:type, JSON-LD) is otherwise trusted: a fixture list or
    a calendar is still a story. Any other page with 8+ headline links and no story
    (no three prose blocks in a row: a list of links or teaser cards) is an index when
    the links outweigh its prose or it declares itself one (og:type website,
    CollectionPage); and a page none of whose paragraphs is prose is no article."""
    if not paragraphs:
        return "no-text: no story text on the page"
    pagetype = meta.get("pagetype") or ""
    if _ARTICLE_TYPE.search(pagetype):
        return None
    prose = [p for p in paragraphs if _is_prose(p)]
    links = shape.headline_links
    if len(links) >= _INDEX_LINKS and shape.longest_prose_run < _STORY_RUN and (
            sum(map(len, links)) > sum(map(len, prose)) or _INDEX_TYPE.match(pagetype)):
        return (f"index-page: {_count(len(links), 'headline link')}, "
                f"at most {_count(shape.longest_prose_run, 'prose paragraph')} in a row")
    if not prose:
        return f"no-prose: {_count(len(paragraphs), 'short line')}, no paragraph of prose"
    return None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
