"""Plain-text page dumps to article parts (plain functions).

A page copied as text is the story's paragraphs wrapped in the site's chrome:
navigation, share buttons, timestamps, photo captions, ads, related links, promos,
author boxes and footers. No outlet's layout is assumed. Each line gets a kind from its
own shape and vocabulary (``line_kind``); then the page is read in three zones:

- the header, before the story's first paragraph: the headline (the title line above
  the byline/timestamp markers), bylines, timestamps, captions, nav;
- the story: sentence-shaped lines, with ads, related links and captions taken out;
- the tail, from the credit line, an author bio box or the copyright notice on.

Every returned paragraph, caption and headline is an exact substring of the input (after
CRLF normalisation); every line taken out is kept, raw, in ``meta["chrome"]``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Line kinds. Only PROSE and CREDIT lines become paragraphs.
SEPARATOR = "separator"      # no letter or digit ("___", "* * *")
CREDIT = "credit"            # "(Reporting by ...; Editing by ...)", "X contributed to this report."
BYLINE = "byline"            # "By EVELYN MWANGI and DAVID OKORO", "Story by AFP"
SITE = "site"                # a line the corpus-level pass found on many pages of the site
CAPTION = "caption"          # a photo/video caption (with its credit)
IMAGE_CREDIT = "image-credit"  # a photo credit alone: "Getty Images", "(AP Photo/Name)"
COPYRIGHT = "copyright"      # "© 2025 Reuters. All rights reserved"
DATE = "date"                # "Updated 3:14 PM GMT+1, March 4, 2025", "·3-min read", "2 hours ago"
SUMMARY_HEADING = "summary-heading"  # "KEY POINTS": the bullets below it are a summary box
CHROME = "chrome"            # buttons, ads, promos, error notices, URLs, editor's notes
PROSE = "prose"              # a sentence-shaped line
SHORT = "short"              # any other line: nav items, headings, link titles, tickers

# Glyphs that start list items and decorated chrome ("• Oops!", "·3-min read", "| World").
_LEAD_GLYPHS = "•·▪‣◦●○■□►▶>*|-–—~ \t"
_CLOSERS = "\"'”’»)]} \t"
_SPACES = re.compile(r"\s+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_LOWER = re.compile(r"[a-zà-ÿ]")
_SENTENCE_END = re.compile(r"[.!?…。]$")

# Credit lines name people and nothing else: "(Reporting by A and B in Tokyo; Editing by
# C)", "--With assistance from D.", "Edited by: E", labels "Editor: F", "Reporters: G and H",
# "Contributing: I"; or say "X contributed to this report."
_NAME_WORD = r"[A-ZÀ-Þ][\w'’.-]*"
_NAMES = rf"{_NAME_WORD}(?:(?:\s+|\s*,\s*|\s+(?:and|&|in|de|da|van|von|al|bin|la|le)\s+){_NAME_WORD})*"
_CREDIT_ROLE = (r"(?i:(?:(?:additional|further)\s+)?(?:reporting|writing|editing|edited|compiled|research|"
                r"translated|translation|fact-?checked|graphics?|produced)\s+by:?|with\s+assistance\s+from|"
                r"(?:(?:web|copy|desk|responsible|chief|managing)\s+)?(?:editor|reporter|writer)s?\s*:|contributing\s*:)")
# Bylines: "By" and capitalised names (and their outlet): "By CARLOS ARANGO Associated
# Press", "Story by AFP", "By Aoife Brennan, Property Editor", "By Euronews with AP".
_BYLINE = re.compile(
    r"^(?:(?:story|written|words|text|reported|photos?|analysis|opinion|commentary)\s+)?by\s*[:\-]?\s+"
    r"(?P<names>\S.*)$", re.I)
_BYLINE_SPLIT = re.compile(r"[\s,|&/]+")
_NAME_CONNECTORS = frozenset("and de da del der van von la le bin al in for the of with".split())
_MAX_BYLINE_WORDS = 14
_CREDIT = re.compile(
    rf"^\(?\s*{_CREDIT_ROLE}\s+{_NAMES}(?:\s*[;,]\s*(?:and\s+)?{_CREDIT_ROLE}\s+{_NAMES})*\s*\.?\s*\)?\.?$"
    r"|(?i:\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article)))")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Pages glue a stamp's short and long forms together: "03/12/2025March 12, 2025".
_DATE = re.compile(
    rf"(?<![^\W\d_]){_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?!\d)|\b\d{4}-\d{2}-\d{2}\b", re.I)
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?"
    r"|\b\d{1,2}[.:]\d{2}\s*(?:[ap]\.?m\.?|GMT|UTC|BST|CES?T|E[SD]T|ET|P[SD]?T|IST)\b",
    re.I)
# "2 hours ago", "5 mins ago", and the compact "• 2h •" of app-style pages.
_AGO = re.compile(r"\b\d+\s*(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?)\s+ago\b"
                  r"|(?:^|\s)\d{1,2}[mhdw](?:\s|$)", re.I)
_MONEY_OR_PERCENT = re.compile(r"[%$€£]")
_READ_TIME = re.compile(r"\b\d+\s*-?\s*(?:min|mins|minutes?)\.?\s+read(?:ing\s+time)?\b"
                        r"|\bread(?:ing)?\s+time\s*:?\s*\d+\s*(?:min|mins|minutes?)\b", re.I)
_STAMP_START = re.compile(r"^(?:last\s+)?(?:updated|published|posted|issued|modified|first\s+published|"
                          r"edited|created)\b", re.I)

# Photo credits that end a caption: "(AP Photo/Name)", "REUTERS/Name/File Photo",
# "(Photo by X/AFP via Getty Images)", "Photo: Name", "[Getty Images]", "Name | Reuters".
_PHOTO_AGENCY = (r"(?:Reuters|AFP|AP|Getty\s+Images|Bloomberg|EPA(?:-EFE)?|Shutterstock|Alamy|Anadolu(?:\s+Agency)?|"
                 r"Xinhua|PA(?:\s+Media|\s+Wire)?|Sipa|NurPhoto|SOPA\s+Images|LightRocket|Pool|Handout|Kyodo|Yonhap|"
                 r"AAP|ANI|PTI|IANS|Corbis|iStock|dpa)")
# A credited name: "Toby Melville/Reuters", "Jens Büttner/dpa/picture alliance".
_CREDITED_NAME = r"[A-ZÀ-Þ][\w'’.-]*(?:(?:\s+|\s*[,|&]\s*|\s+(?:via|and|for)\s+)[A-ZÀ-Þ][\w'’.-]*|/[\w'’. -]+)*"
_PHOTO_CREDIT = re.compile(
    rf"(?:(?:[/|]\s*|\bvia\s+){_PHOTO_AGENCY}"
    r"|\b[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}/[A-Z][\w&.'’ -]*(?:/[\w&.'’ -]+)*"
    r"|\([^()]*\b(?:Photo|Photograph|Getty|Images|Pool|File|Handout)\b[^()]*\)"
    r"|\[(?:[A-Z][^\[\]]{1,60})\]"
    r"|\b(?:REUTERS|AFP|EPA(?:-EFE)?|AP|ANI|PTI|IANS|XINHUA|KYODO|ANADOLU|EFE|DPA|YONHAP)/\S.*"
    rf"|(?:Photo(?:graph)?s?|Image|Pic(?:ture)?|Credit)\s*:\s*{_CREDITED_NAME}"
    rf"|©\s*{_CREDITED_NAME}"
    r"|\b(?:via\s+)?Getty\s+Images|\bShutterstock)(?<!\.)$")
_CREDIT_TAIL = 160
_REUTERS_SLIDE = re.compile(r"^Item\s+\d+\s+of\s+\d+\s+(?P<caption>\S.*)$")
_SLIDE_NUMBER = re.compile(r"^\[\d+/\d+\]\s*(?P<caption>\S.*?)(?:\s*Purchase Licensing Rights.*)?$")
# A stock-photo note standing for the caption (Indian outlets): "File photo".
_STOCK_PHOTO = re.compile(r"^(?:file|representative|representational)\s+(?:photo|image|picture|pic)\.?$"
                          r"|^(?:photo|image|picture)\s+for\s+representation\.?$", re.I)
_CAPTION_LABEL = re.compile(r"^(?:image|photo|video)\s+caption\s*[,:]?\s*(?P<caption>\S.*)$", re.I)
_VIDEO_CAPTION = re.compile(r"^(?:(?:related|watch)\s+)?video\s*:\s*\S|^watch\s*:\s*\S", re.I)
# A video player's marker ("VIDEO3:1403:14", "watch now"): the title after it is a caption.
_VIDEO_MARKER = re.compile(r"^(?:video\s*\d{1,2}:\d{2}|watch\s+now$)", re.I)
_IMAGE_SOURCE = re.compile(r"^(?:image|photo)\s+(?:source|credit)s?\b", re.I)

_COPYRIGHT_START = re.compile(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))", re.I)
_COPYRIGHT = re.compile(r"©\s*\d{4}|all rights reserved", re.I)
_SUMMARY_HEADING = re.compile(
    r"^(?:key\s+points|key\s+takeaways|highlights|story\s+highlights|in\s+brief|at\s+a\s+glance|summary|"
    r"tl;?dr|quick\s+read)\s*:?$", re.I)

# Paywall notices: the page stops the story for non-subscribers ("Subscribe to continue
# reading", "This article is for subscribers", "Already a subscriber? Log in", "Unlock
# this article", "Create a free account to keep reading", "You have reached your limit
# of free articles").
_PAYWALL = re.compile(
    r"\b(?:subscribe|log\s*in|sign\s*in)\s+(?:now\s+|today\s+)?to\s+(?:continue|read|keep\s+reading)\b"
    r"|\b(?:register|sign\s+up)\s+(?:now\s+|today\s+)?to\s+(?:continue|keep)\s+reading\b"
    r"|\bthis\s+(?:article|story|content|page)\s+is\s+(?:only\s+|exclusively\s+)?(?:for|available\s+(?:only\s+)?to|"
    r"reserved\s+for)\s+(?:our\s+)?(?:paying\s+|premium\s+|digital\s+)?(?:subscribers|members)\b"
    r"|\bsubscribers?[\s-]+only\b|\balready\s+a\s+subscriber\b|\balready\s+a\s+member\s*\?"
    r"|\bunlock\s+(?:this|the\s+full|full)\s+(?:article|story)\b"
    r"|\b(?:create|register\s+for)\s+a\s+free\s+account\s+(?:to|and)\s+(?:keep|continue)\s+reading\b"
    r"|\bfree\s+articles?\s+(?:left|remaining)\b"
    r"|\b(?:reached|used\s+up|read)\s+(?:your|all\s+(?:of\s+)?your)\s+(?:\w+\s+){0,3}free\s+(?:articles?|stories)\b",
    re.I)

# Chrome vocabulary, by family: phrases news prose does not use.
# Every phrase starts at a word boundary: checking it first keeps the search fast.
_CHROME_PHRASE = re.compile(r"\b(?:" + "|".join(f"(?:{family})" for family in (
    # licensing and link notices
    r"opens?\s+(?:in\s+)?(?:a\s+)?new\s+(?:tab|window)|purchase\s+licensing\s+rights|embed\s+(?:link|code)\b",
    # ads
    r"scroll\s+to\s+continue|report\s+this\s+ad\b|ads\s+by\b|(?:story|article)\s+continues\s+(?:below|after)",
    # the site's own promos, newsletter boxes and bookmarks
    r"click\s+here\b|tap\s+here\b|sign\s+up\s+here\b|subscribe\s+here\b|by\s+(?:subscribing|signing\s+up)\b|"
    r"enter\s+your\s+email\b|unsubscribe\s+at\s+any\s+time\b|support\s+(?:\w+\s+){0,2}journalism\b|follow\s+us\b|"
    r"listen\s+to\s+this\s+article|read(?:ing)?\s+later\b|reading\s+list\b|download\s+(?:the|our)\s+(?:\w+\s+)?app\b",
    # paywalls
    _PAYWALL.pattern,
    # comment sections
    r"(?:suspend\w*|disabled?|closed?)\s+(?:article\s+)?comment|"
    r"comment(?:s|ing)?\s+(?:are|is|has\s+been|have\s+been)\s+(?:closed|disabled|suspended|turned\s+off)|"
    r"community\s+guidelines|join\s+the\s+conversation|"
    r"first\s+to\s+comment|log\s*in\s+to\s+comment|comment\s+on\s+this\s+(?:article|story)",
    # cookie banners
    r"(?:we|this\s+(?:web)?site|our\s+partners)\s+uses?\s+cookies\b|use\s+of\s+cookies\b|accept\s+(?:all\s+)?cookies\b|"
    r"cookie\s+(?:policy|settings|preferences|notice|consent)\b|by\s+continuing\s+to\s+(?:browse|use)\b",
    # standards, syndication and contact notes
    r"trust\s+principles|has\s+not\s+been\s+edited\s+by|syndicated\s+feed|auto-generated\s+from|"
    r"to\s+contact\s+the\s+(?:reporters?|editors?|authors?)\b",
)) + ")", re.I)
# Notices that are chrome when they make up a short line (in a story they would not
# stand alone): "Oops!", "Something went wrong.", "Advertisement", "Trending Now".
_SHORT_NOTICE = re.compile(
    r"^(?:oops\b|something\s+went\s+wrong|(?:please\s+)?try\s+again|loading\b|please\s+(?:wait|enable|refresh)|"
    r"link\s+copied|copied\b|thanks?\s+(?:you\s+)?for\s+(?:signing|subscribing|reading)|you\s+(?:are|'re)\s+signed|"
    r"advertisement|sponsored|promoted|paid\s+(?:post|content|partner)|recommended|trending|top\s+stories|"
    r"most\s+(?:read|popular|viewed|shared)|you\s+may\s+also\s+like|more\s+(?:from|on|stories|news)\b|related\b|"
    r"see\s+also|read\s+(?:more|next)|continue\s+reading|story\s+continues|latest\s+(?:news|stories)|"
    r"about\s+the\s+authors?)", re.I)
_SHORT_NOTICE_WORDS = 6
# Labels that lead a link or a note whatever follows: "Read more: ...", "Also Read | ...";
# and the notices signing a story off: "This story was produced by ...", "This report by
# The Canadian Press was first published March 5, 2025.", "This article is part of ...",
# "A version of this article appears in print on ...".
_LABEL = re.compile(
    r"^(?:read\s+more|also\s+read|read\s+also|see\s+also|related(?:\s+\w+)?|more\s+on\s+this(?:\s+story)?|"
    r"editor'?s\s+note|disclaimer|source|correction|clarification|our\s+standards|privacy\s+notice)\s*[:|]"
    r"|^(?:skip\s+(?:to|past)|share\s+(?:this|on|via))\b"
    r"|^this\s+(?:article|story|piece)(?:\s+by\s+[^.]{1,60}?)?\s+(?:was|is|has\s+been)\s+(?:originally\s+|first\s+)?"
    r"(?:published|republished|produced|corrected|amended|updated|part\s+of)\b"
    r"|^this\s+report(?:\s+by\s+[^.]{1,60}?)?\s+(?:was|has\s+been)\s+(?:originally|first)\s+published\b"
    r"|^an?\s+(?:earlier\s+)?version\s+of\s+this\s+(?:article|story|report)\s+(?:first\s+|originally\s+)?"
    r"(?:appear|ran\b|was\s+(?:first\s+)?published)", re.I)
_PROMO = re.compile(
    r"^(?:sign\s+up|subscribe|download|follow|get|go\s+to|visit|don'?t\s+miss|never\s+miss|join|like\s+us|stay\s+"
    r"(?:up\s+to\s+date|informed|updated))\b.*(?:newsletter|\bapp\b|podcast|\bhere\b|@\w|\w\.com\b|twitter|"
    r"facebook|instagram|whatsapp|telegram|youtube|tiktok|coverage|updates|alerts|inbox|briefing|\bfree\b)",
    re.I)
# A question to the reader, then a call to action: "Do you have questions about ...? Get
# the answers with ...", "Got a news tip? Email us ...", "Want more? Sign up ...".
_READER_PITCH = re.compile(
    r"^(?:(?:do|did|are|have|would|could|can)\s+you|want|need|looking\s+for|got)\b[^?]{0,150}\?\s+"
    r"(?:get|sign\s+up|subscribe|try|join|discover|explore|download|find|click|tap|visit|learn|read|check|tell|"
    r"email|contact|send|share|listen|watch|follow|register)\b", re.I)
_URL = re.compile(r"https?://|\bwww\.|^\S+\.(?:com|org|net|co\.uk|in|ie|io|news)(?:/\S*)?$|\S@\w+\.\w", re.I)
_BUTTON_WORDS = frozenset("""
    share copy email e-mail print save bookmark comment comments facebook twitter x reddit linkedin pinterest
    flipboard whatsapp telegram messenger threads bluesky menu search close more next previous back home
    feedback subscribe login logout register advertise ad ads sponsored listen play watch follow sign-in
    font size increase decrease reset
""".split())
_MAX_BUTTON_WORDS = 3
_PAREN_NOTE = re.compile(r"^[(\[][^()\[\]]*[)\]]\.?$")

# "WASHINGTON (Reuters) -", "TOKYO, March 5 (Reuters) -", "NAIROBI, Kenya (AP) —",
# "Madrid, 9 ene (EFE).-", "LONDON —", "KYIV, Ukraine —", "(Bloomberg) --".
_DATELINE = re.compile(
    r"^(?:[A-ZÀ-Þ][\w.'’-]*(?:[ ,]+[\w.'’-]+){0,6}\s*\([A-Z][\w .&-]{0,30}\)\s*\.?\s*(?:-{1,2}|—|–)"
    r"|[A-ZÀ-Þ][A-ZÀ-Þ.'’-]{2,}(?:[ ,]+[A-ZÀ-Þ][\w.'’-]*){0,4}\s*(?:—|–|--)"
    r"|\([A-Z][\w .&-]{1,30}\)\s*(?:-{1,2}|—|–))")

# Author boxes: a name alone on a line ("EVELYN MWANGI"), then a sentence about the
# author ("Mwangi covers East Africa ..."), or an "About the author" heading.
_NAME_LINE = re.compile(r"^[A-ZÀ-Þ][\w'’.-]+(?:\s+[A-ZÀ-Þ][\w'’.-]+){1,3}$")
_BIO_VERB = re.compile(r"^(?:is|was|covers|reports|writes|joined|works|leads|edits|has\s+(?:been|covered|reported|"
                       r"written))\b", re.I)
_ABOUT_AUTHOR = re.compile(r"^about\s+the\s+authors?\b", re.I)
_NAME_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&|\|)\s*", re.I)
# Marks a line of names alone never has: digits, a label's colon, a sentence's end, a handle.
_NOT_IN_NAMES = re.compile(r"[\d:;?!@()\[\]\"“”]|\.$")
# The author's job on a line of its own: "Senior Reporter", "Business reporter @handle".
_JOB_TITLE_LINE = re.compile(r"^(?:[\w-]+\s+){0,2}(?:reporter|correspondent|editor|writer|columnist|contributor|"
                             r"producer|analyst|journalist|photographer|staff)s?(?:\s+@\w+)?$", re.I)

# A story's first paragraphs: a prose run this long (or the rest of the page) starts it.
_LEAD_RUN = 3
_SMALL_BLOCK = 6          # lines; a longer block is a page copied without blank lines, or a footer
_MAX_HEADLINE_WORDS = 30
_MIN_TITLE_WORDS = 5      # shorter title-shaped lines are kickers, names, section labels
_TITLE_WINDOW = 3         # title-shaped lines above the byline/timestamp that may be the title
_MAX_STAMP_WORDS = 14
_MIN_CAPTION_WORDS = 6
_MAX_NAME_WORDS = 6
_MIN_NAV_LINKS = 4
_NEAR = 3                 # lines around a sentence, in a long block, where another sentence shows a story


@dataclass(frozen=True)
class _Line:
    text: str      # stripped raw text: an exact substring of the dump
    block: range   # indexes of the lines of its blank-line-separated block
    kind: str


def normalise_line(line: str) -> str:
    """The form lines are compared and counted in: NFKC, case-folded, single spaces,
    without list glyphs or surrounding space."""
    line = unicodedata.normalize("NFKC", line)
    return _SPACES.sub(" ", line.strip(_LEAD_GLYPHS + "\u00a0")).casefold()


def _core(text: str) -> str:
    """The line without list glyphs ("• Oops!" -> "Oops!")."""
    return text.lstrip(_LEAD_GLYPHS)


def _words(text: str) -> list[str]:
    """The words of a line, separators such as "|" or "·" aside."""
    return [token for token in text.split() if _LETTER_OR_DIGIT.search(token)]


def _is_sentence(core: str) -> bool:
    """Ends like a sentence (closing quotes aside), with words in lower case: a story's
    paragraph, or a long lead-in ending with a colon."""
    trimmed = core.rstrip(_CLOSERS)
    words = len(_words(core))
    if trimmed.endswith(":"):
        return words >= 4 and bool(_LOWER.search(core))
    return words >= 2 and bool(_SENTENCE_END.search(trimmed)) and bool(_LOWER.search(core))


def _is_byline(core: str) -> bool:
    m = _BYLINE.match(core)
    if not m or len(_words(core)) > _MAX_BYLINE_WORDS:
        return False
    words = [w for w in _BYLINE_SPLIT.split(m.group("names")) if w]
    return words[0][0].isupper() and all(w[0].isupper() or w[0].isdigit() or w in _NAME_CONNECTORS for w in words)


def _is_timestamp(core: str, sentence: bool) -> bool:
    """A short line with a date, a time, "2 hours ago" or a reading time; a sentence only
    when it says "Updated"/"Published"."""
    words = len(_words(core))
    if words > _MAX_STAMP_WORDS:
        return False
    if _READ_TIME.search(core):
        return True
    if sentence and not _STAMP_START.match(core):
        return False
    if _DATE.search(core) or _TIME.search(core):
        return True
    return words <= 6 and bool(_AGO.search(core)) and not _MONEY_OR_PERCENT.search(core)


def caption_text(text: str) -> str | None:
    """The caption a caption line carries ("Item 1 of 2 X" -> "X"), else None."""
    core = _core(text)
    for pattern in (_REUTERS_SLIDE, _SLIDE_NUMBER, _CAPTION_LABEL):
        m = pattern.match(core)
        if m:
            return m.group("caption").strip()
    if _VIDEO_CAPTION.match(core) or _STOCK_PHOTO.match(core):
        return core
    credited = _before_photo_credit(core)
    if credited is not None and len(_words(credited)) >= 4 and not _is_name_like(credited):
        return core
    return None


def _before_photo_credit(core: str) -> str | None:
    """The text before the photo credit that ends ``core``, or None without one. Only
    the line's tail is searched: a credit is short, and a search over a whole long line
    would try every start position."""
    m = _PHOTO_CREDIT.search(core, max(0, len(core) - _CREDIT_TAIL))
    return core[: m.start()] if m else None


def _is_name_like(text: str) -> bool:
    """Only capitalised words: a photographer's or agency's name, not a description."""
    words = _words(text)
    return len(words) <= _MAX_NAME_WORDS and all(w[0].isupper() or not w[0].isalpha() for w in words)


def line_kind(text: str, site_chrome: frozenset = frozenset()) -> str:
    """The kind of one line, from its own shape and vocabulary (see the constants)."""
    core = _core(text)
    if not _LETTER_OR_DIGIT.search(core):
        return SEPARATOR
    words = _words(core)
    if len(words) <= 40 and _CREDIT.search(core):
        return CREDIT
    if _is_byline(core):
        return BYLINE
    if site_chrome and normalise_line(text) in site_chrome:
        return SITE
    if _COPYRIGHT_START.match(core) or len(words) <= 30 and _COPYRIGHT.search(core):
        return COPYRIGHT
    credited = _before_photo_credit(core)
    if credited is not None and _is_name_like(credited) or _IMAGE_SOURCE.match(core):
        return IMAGE_CREDIT
    if caption_text(text) is not None:
        return CAPTION
    sentence = _is_sentence(core)
    if _is_timestamp(core, sentence):
        return DATE
    if _SUMMARY_HEADING.match(core):
        return SUMMARY_HEADING
    if _is_chrome_phrase(core, words):
        return CHROME
    return PROSE if sentence else SHORT


def _is_chrome_phrase(core: str, words: list[str]) -> bool:
    """Chrome by vocabulary: notices, buttons, promos, labels, editor's notes, URLs."""
    if len(words) <= _SHORT_NOTICE_WORDS and _SHORT_NOTICE.match(core):
        return True
    if _is_button(words):
        return True
    if (_CHROME_PHRASE.search(core) or _LABEL.match(core) or _PROMO.match(core) or _READER_PITCH.match(core)
            or _PAREN_NOTE.match(core)):
        return True
    return len(words) <= 12 and bool(_URL.search(core))


def _is_button(words: list[str]) -> bool:
    """A button's label: "Share", "+ FOLLOW", "Font size"."""
    return 0 < len(words) <= _MAX_BUTTON_WORDS and all(w.strip(".:!,").lower() in _BUTTON_WORDS for w in words)


def paywall_notice(lines) -> str | None:
    """The first of ``lines`` that stops the story for non-subscribers ("Subscribe to
    continue reading", "Already a subscriber? Log in"), or None."""
    return next((line for line in lines if _PAYWALL.search(line)), None)


def _wrap_width(raw_lines: list[str]) -> int | None:
    """The column a hard-wrapped text file breaks its lines at, or None for a page dump
    (whose paragraphs are one long line each)."""
    lengths = [len(line.strip()) for line in raw_lines if line.strip()]
    long_lines = [n for n in lengths if n >= 40]
    if len(long_lines) < 8 or max(lengths) > 100:
        return None
    width = max(long_lines)
    full = sum(1 for n in long_lines if n >= 0.8 * width)
    return width if full >= 0.6 * len(long_lines) else None


def dump_lines(text: str) -> list[tuple[str, int]]:
    """The dump's lines as (stripped raw text, block index). In a hard-wrapped file the
    lines of one paragraph come back as one (a raw substring, newlines included)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    width = _wrap_width(raw_lines)
    lines: list[tuple[int, int, int]] = []   # (start, end, block) offsets into text
    block, offset, previous_blank = 0, 0, True
    for raw in raw_lines:
        stripped = raw.strip()
        start = offset + (len(raw) - len(raw.lstrip()))
        offset += len(raw) + 1
        if not stripped:
            block += 0 if previous_blank else 1
            previous_blank = True
            continue
        end = start + len(stripped)
        continues = (width and lines and not previous_blank
                     and _continues_paragraph(text[lines[-1][0]:lines[-1][1]], stripped, width))
        if continues:
            lines[-1] = (lines[-1][0], end, block)
        else:
            lines.append((start, end, block))
        previous_blank = False
    return [(text[start:end], block) for start, end, block in lines]


def _continues_paragraph(previous: str, line: str, width: int) -> bool:
    """In a hard-wrapped file, whether ``line`` goes on with the paragraph ``previous``:
    the previous line ran to the margin and neither is a header line of its own."""
    last_line = previous.rsplit("\n", 1)[-1]
    if len(last_line) < 0.6 * width:
        return False
    return line_kind(line) not in (BYLINE, DATE, CAPTION, CREDIT, SEPARATOR, COPYRIGHT)


def _lines(text: str, site_chrome: frozenset) -> list[_Line]:
    numbered = dump_lines(text)
    first = {}
    for i, (_, block) in enumerate(numbered):
        first.setdefault(block, i)
    spans = {block: range(start, first.get(block + 1, len(numbered))) for block, start in first.items()}
    return [_Line(raw, spans[block], line_kind(raw, site_chrome)) for raw, block in numbered]


def leading_chrome(text: str, count: int = 3) -> list[str]:
    """The first ``count`` normalised nav/notice lines of a dump, before its first
    sentence: the same on every page of one site template, so they name the site."""
    found = []
    for raw, _ in dump_lines(text):
        kind = line_kind(raw)
        if kind == PROSE or len(found) == count:
            break
        core = _core(raw)
        if kind == CHROME or (kind == SHORT and len(_words(core)) <= 2 and not _AGO.search(core)):
            found.append(normalise_line(raw))
    return found


def _is_header_marker(line: _Line) -> bool:
    return line.kind in (BYLINE, DATE)


def _summary_box(lines: list[_Line]) -> set[int]:
    """Indexes of the lines under a "KEY POINTS" heading: the rest of its block, or the
    next block when the heading stands alone."""
    boxed: set[int] = set()
    for i, line in enumerate(lines):
        if line.kind != SUMMARY_HEADING:
            continue
        rest = range(i + 1, line.block.stop)
        boxed.update(rest if rest or i + 1 == len(lines) else lines[i + 1].block)
    return boxed


def _story_start(lines: list[_Line], skip: set[int]) -> int | None:
    """Index of the story's first paragraph: the first dateline paragraph, else the
    first sentence that starts a run of sentences. Header sentences (a standfirst, a
    "save for later" notice) share their block with chrome lines; story paragraphs
    stand in blocks of their own or of other sentences."""
    prose = [i for i, line in enumerate(lines) if line.kind == PROSE and i not in skip]
    for i in prose:
        if _DATELINE.match(_core(lines[i].text)):
            return i
    prose_after = {i: len(prose) - n for n, i in enumerate(prose)}
    among_sentences = [i for i in prose if _among_sentences(lines, i, skip)]
    for i in among_sentences or prose:
        run = 1
        for j in range(i + 1, len(lines)):
            if _is_header_marker(lines[j]) or run >= _LEAD_RUN:
                break
            run += lines[j].kind == PROSE and j not in skip
        if run >= min(_LEAD_RUN, prose_after[i]):
            return i
    return None


def _among_sentences(lines: list[_Line], i: int, skip: dict | set) -> bool:
    """Whether line ``i`` stands among sentences (``skip``, captions, aside): in a block
    of a few lines, at least half are; in a long block (a page copied without blank
    lines, a footer), another is a few lines away. A story's paragraph does; a promo in
    a footer, a sentence among related links or in a header does not."""
    block = lines[i].block
    if len(block) > _SMALL_BLOCK:
        near = range(max(block.start, i - _NEAR), min(block.stop, i + _NEAR + 1))
        return any(j != i and lines[j].kind == PROSE and j not in skip for j in near)
    kinds = [lines[j].kind for j in block if j not in skip]
    return 2 * kinds.count(PROSE) >= len(kinds)


def _story_end(lines: list[_Line], start: int) -> tuple[int, int]:
    """(end of the story's paragraphs, end of its credit lines): the tail begins at the
    credit line, an author box or the copyright notice, whichever comes first."""
    authors = _byline_names(lines[:start])
    for i in range(start, len(lines)):
        line = lines[i]
        if line.kind == CREDIT:
            credits_end = i + 1
            while credits_end < len(lines) and lines[credits_end].kind in (CREDIT, SEPARATOR):
                credits_end += 1
            return i, credits_end
        if line.kind == COPYRIGHT:
            # A footer sentence sits in the copyright notice's block.
            above = range(max(start + 1, line.block.start), i)
            end = above.start if 0 < len(above) <= 3 else i
            return end, end
        if i > start and _is_author_box(lines, i, authors):
            return i, i
    return len(lines), len(lines)


def _byline_names(header: list[_Line]) -> list[str]:
    """The authors' names (first two words, case-folded) of the header's bylines:
    "By EVELYN MWANGI and DAVID OKORO" -> ["evelyn mwangi", "david okoro"]."""
    names = []
    for line in header:
        if line.kind == BYLINE:
            byline = _BYLINE.match(_core(line.text))
            for part in _NAME_SEPARATOR.split(byline.group("names") if byline else _core(line.text)):
                words = part.split()[:2]
                if len(words) == 2:
                    names.append(" ".join(words).casefold())
    return names


def _is_about(text: str, name: str) -> bool:
    """Whether ``text`` is a sentence about the person ``name``: "Mwangi covers ..."."""
    if not text.casefold().startswith(name.casefold() + " "):
        return False
    return bool(_BIO_VERB.match(text[len(name):].lstrip()))


def _is_author_box(lines: list[_Line], i: int, authors: list[str]) -> bool:
    """An author box starts here: "About the author"; a name alone on a line over a
    sentence about that person; a sentence about a bylined author."""
    text = lines[i].text
    if _ABOUT_AUTHOR.match(text):
        return True
    if _NAME_LINE.match(text) and i + 1 < len(lines):
        if text.casefold() in authors or _is_about(lines[i + 1].text, text.split()[-1]):
            return True
    return any(_is_about(text, form) for name in authors for form in (name, name.split()[-1]))


def _headline(lines: list[_Line], start: int, not_title: set[int]) -> int | None:
    """Index of the headline. Above the first byline or timestamp, among the nearest
    title-shaped lines (a kicker, the title, summary lines or a standfirst, an author's
    name and role): the first long enough not to be a kicker or a name. Without such
    markers, the first title-shaped line standing alone in its block.

    Nav lists are no place for a title (a site's tagline sits there), except right above
    the byline/timestamp: a page copied without blank lines has its title in the nav's
    block."""
    nav_lists = {block for block in {line.block for line in lines[:start]} if _is_nav_list(lines, block)}
    title_shaped = [i for i in range(start) if i not in not_title and _is_title_shaped(lines[i])]
    candidates = [i for i in title_shaped if lines[i].block not in nav_lists]
    is_candidate = set(candidates)
    for marker in (i for i in range(start) if _is_header_marker(lines[i])):
        nearest = [i for i in title_shaped if i < marker and (
            i in is_candidate or _lines_between(lines, i, marker) < _TITLE_WINDOW
            and len(_words(lines[i].text)) >= _MIN_TITLE_WORDS)]
        nearest = nearest[-_TITLE_WINDOW:]
        if nearest:
            # A title heads the stack of title-shaped lines it may sit on (summary lines).
            first = nearest[0]
            while first - 1 in is_candidate and lines[first - 1].block == lines[first].block:
                first -= 1
            group = list(range(first, nearest[0])) + nearest
            titles = [i for i in group if len(_words(lines[i].text)) >= _MIN_TITLE_WORDS]
            return titles[0] if titles else max(group, key=lambda i: len(_words(lines[i].text)))
    alone = [i for i in candidates if len(lines[i].block) == 1]
    return (alone or candidates or [None])[0]


def _lines_between(lines: list[_Line], first: int, last: int) -> int:
    """How many lines other than buttons stand between two lines."""
    return sum(1 for j in range(first + 1, last) if not _is_button(_words(_core(lines[j].text))))


def _author_lines(lines: list[_Line], start: int) -> list[int]:
    """Indexes of the header's author lines that do not say "By": a name alone on a line,
    below a title, beside the timestamp in its block ("Natalie Kwok" over "+ FOLLOW" and
    "Published: 8:30pm, 14 Mar 2025"). Below a title only: a short headline in capitals
    over its timestamp is no author."""
    found, below_title = [], False
    for i in range(start):
        line = lines[i]
        if below_title and line.kind == SHORT and _is_author_name(_core(line.text)) and _beside_timestamp(lines, i):
            found.append(i)
        below_title = below_title or _is_title_shaped(line) and len(_words(line.text)) >= _MIN_TITLE_WORDS
    return found


def _is_author_name(core: str) -> bool:
    """Names and nothing else: "Lama Al-Dossary", "Ana Ruiz and Tom Hale", "Press Trust of
    India" (an agency is credited like a person, and the credit parser knows it for one)."""
    if _NOT_IN_NAMES.search(core) or _JOB_TITLE_LINE.match(core):
        return False
    names = [w for w in _BYLINE_SPLIT.split(core) if _LETTER_OR_DIGIT.search(w) and w not in _NAME_CONNECTORS]
    return 2 <= len(names) <= _MAX_NAME_WORDS and all(w[0].isupper() for w in names)


def _beside_timestamp(lines: list[_Line], i: int) -> bool:
    """Whether a timestamp is next to line ``i`` in its block, buttons ("+ FOLLOW") and
    the author's job title ("Business reporter") aside."""
    block = lines[i].block
    for step in (-1, 1):
        j = i + step
        while j in block and (_is_button(_words(_core(lines[j].text))) or _JOB_TITLE_LINE.match(lines[j].text)):
            j += step
        if j in block and lines[j].kind == DATE:
            return True
    return False


def _is_title_shaped(line: _Line) -> bool:
    """A line that can be a headline: a few capitalised words not ending like a
    statement (a question or an exclamation may)."""
    core = _core(line.text)
    words = _words(core)
    asks = line.kind == PROSE and core.rstrip(_CLOSERS).endswith(("?", "!"))
    if line.kind != SHORT and not asks or not 3 <= len(words) <= _MAX_HEADLINE_WORDS or core != line.text:
        return False
    if core.rstrip(_CLOSERS).endswith((",", ";", ":", "|")) or not _LOWER.search(core) and len(words) < 4:
        return False
    return core[0].isupper() or core[0].isdigit() or core[0] in "\"'“‘"


def _is_nav_list(lines: list[_Line], block: range) -> bool:
    """A block mostly of one-to-three-word links (where a site's tagline may sit), not
    a breadcrumb over a title."""
    nav = sum(1 for i in block if lines[i].kind in (SHORT, CHROME) and len(_words(lines[i].text)) <= 3)
    return nav >= _MIN_NAV_LINKS and 3 * nav >= 2 * len(block)


def _credited_captions(lines: list[_Line]) -> dict[int, str]:
    """{line index: caption} for captions a credit marks: a caption line; the descriptive
    line beside a credit standing alone in the same block ("Pumpjacks ... 2025." above
    "Eli Hartman | Reuters"; "Getty Images" above "The naira has lost ..."); a video's
    title under the player's duration."""
    captions = {i: caption_text(line.text) for i, line in enumerate(lines) if line.kind == CAPTION}
    for i, line in enumerate(lines):
        if line.kind == IMAGE_CREDIT:
            beside = [j for j in (i - 1, i + 1) if 0 <= j < len(lines) and lines[j].block == line.block
                      and j not in captions and _is_descriptive(lines[j])]
        elif _VIDEO_MARKER.match(_core(line.text)):
            beside = [j for j in (i + 1,) if j < len(lines) and _is_descriptive(lines[j]) and lines[j].kind == SHORT]
        else:
            continue
        if beside:
            captions[beside[0]] = lines[beside[0]].text
    return captions


def _is_descriptive(line: _Line, min_words: int = 4) -> bool:
    """A line that can describe a photo: words, not a dateline, not a lead-in to a list."""
    return (line.kind in (PROSE, SHORT) and len(_words(line.text)) >= min_words and bool(_LOWER.search(line.text))
            and not line.text.endswith(":") and not _DATELINE.match(_core(line.text)))


def _header_caption(lines: list[_Line], headline: int, start: int, captions: dict[int, str],
                    boxed: set[int]) -> int | None:
    """A caption without a credit: the first descriptive line after the header's last
    byline/timestamp (summary boxes aside), unless a credited caption is there: a page
    that credits its header photo leaves no caption uncredited, and the line above it
    is a standfirst."""
    markers = [i for i in range(headline, start) if _is_header_marker(lines[i])]
    below_markers = range(markers[-1] + 1 if markers else start, start)
    if any(i in captions for i in below_markers):
        return None
    return next((i for i in below_markers if i not in boxed and _is_descriptive(lines[i], _MIN_CAPTION_WORDS)), None)


def clean_text_dump(text: str, site_chrome: frozenset = frozenset()) -> dict:
    """{"headline", "paragraphs", "captions", "meta"} of a plain-text page dump.

    ``site_chrome``: normalised lines (``normalise_line``) that the corpus-level pass
    found on many pages of this site; they go like any other chrome line, except credit
    lines and bylines. meta holds ``bylines``, ``chrome`` (every other line taken out,
    raw, in order), ``date_lines`` (the timestamps among them), ``description`` (a
    standfirst between the headline and the byline/timestamp) and ``paywall`` (the paywall
    notice the story stops at: one below its last paragraph, else None)."""
    lines = _lines(text, site_chrome)
    captions = _credited_captions(lines)
    boxed = _summary_box(lines)
    not_story = boxed | set(captions)
    start = _story_start(lines, not_story)
    start = len(lines) if start is None else start
    for i in _author_lines(lines, start):
        lines[i] = _Line(lines[i].text, lines[i].block, BYLINE)
    story_end, credits_end = _story_end(lines, start)
    headline = _headline(lines, start, not_story)
    first_marker = next((i for i in range((headline or 0), start) if _is_header_marker(lines[i])), start)
    if headline is not None:
        header_caption = _header_caption(lines, headline, start, captions, boxed)
        if header_caption is not None:
            captions[header_caption] = lines[header_caption].text
    # The first paragraph may share its block with the header's last lines.
    is_story = {i for i in range(start, story_end) if lines[i].kind == PROSE and i not in not_story
                and (i == start or _among_sentences(lines, i, captions))}
    is_story.update(i for i in range(story_end, credits_end) if lines[i].kind == CREDIT)

    paragraphs, bylines, chrome, date_lines = [], [], [], []
    description = None
    for i, line in enumerate(lines):
        if i == headline or i in captions:
            continue
        if i in is_story:
            paragraphs.append(line.text)
        elif line.kind == BYLINE and i < start:
            bylines.append(line.text)
        else:
            chrome.append(line.text)
            if line.kind == DATE:
                date_lines.append(line.text)
            if description is None and line.kind == PROSE and headline is not None and headline < i < first_marker:
                description = line.text
    below_story = lines[max(is_story, default=-1) + 1:]
    meta = {"bylines": bylines, "chrome": chrome, "date_lines": date_lines, "description": description,
            "paywall": paywall_notice(line.text for line in below_story)}
    return {"headline": lines[headline].text if headline is not None else None, "paragraphs": paragraphs,
            "captions": list(dict.fromkeys(captions[i] for i in sorted(captions))), "meta": meta}
