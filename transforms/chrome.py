"""Stage 1b, learn site chrome: lines that repeat across many pages of one site.

A site's footer, newsletter promo or "about us" sentence is copied onto every page, so
it shows up in many of that site's documents, while a story's sentence does not. The
stage counts each normalised line once per document, per site, and keeps the lines
found in at least ``min_docs`` documents AND in at least ``min_fraction`` of the
site's documents; a line found on one page never is.

Documents are never gathered: counting shuffles one ((site, fingerprint), 1) per
distinct line of each document, the line's 64-bit fingerprint standing in for its text
(a shuffle keyed by the text would hold every story sentence of the corpus at once),
summed per key (pre-combined on the workers), and only the chrome lines come out, as
(site, ChromeLines) for an ``AsDict`` side input.
"""
from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from urllib.parse import urlsplit

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.text.dump import dump_lines, leading_chrome, normalise_line

# A longer line is a story paragraph, never a repeated notice: not worth counting.
MAX_LINE_CHARS = 1000
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_SIGNATURE_LINES = 2     # nav/notice lines a dump needs to name its template

# Elements whose text ends where they end (a paragraph, a list item, a heading...).
_BLOCK_TAGS = frozenset("""
    address article aside blockquote body br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6
    header hr li main nav ol p pre section table td th tr ul
""".split())
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})


def site_key(doc: dict) -> str | None:
    """The site a document comes from: its URL's host ("reuters.com"), else for a text
    dump its template's leading nav/notice lines ("dump:menu|world|u.s."), else None."""
    host = _host((doc.get("meta") or {}).get("url"))
    if host:
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix):
                host = host[len(prefix):]
                break
        return host
    if doc.get("content_type") == "text":
        leading = leading_chrome(doc.get("content") or "")
        if len(leading) >= _SIGNATURE_LINES:
            return "dump:" + "|".join(leading)
    return None


def _host(url) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:   # "http://[": a malformed URL names no site
        return None


class _BlockTexts(HTMLParser):
    """The visible text of each block element of a page, whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self._hidden:
            self._parts.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        text = " ".join("".join(self._parts).split())
        if text:
            self.texts.append(text)
        self._parts = []


def html_block_texts(html: str) -> list[str]:
    """The text of each paragraph-like element of an HTML page, in order: what an
    extractor's paragraphs are made of."""
    parser = _BlockTexts()
    parser.feed(html)
    parser.close()
    return parser.texts


def document_lines(doc: dict) -> frozenset:
    """The distinct normalised lines of a document (``normalise_line``): a dump's lines,
    or an HTML page's block texts."""
    content = doc.get("content") or ""
    if doc.get("content_type") == "html":
        texts = html_block_texts(content)
    else:
        texts = [text for text, _ in dump_lines(content)]
    return frozenset(line for line in map(normalise_line, texts) if line and len(line) <= MAX_LINE_CHARS)


def site_and_lines(doc: dict):
    """(site, lines) for a document with a known site; nothing otherwise."""
    site = site_key(doc)
    if site:
        yield site, document_lines(doc)


def line_fingerprint(line: str) -> int:
    """A normalised line's 64-bit fingerprint: two distinct lines of one site share one
    with probability about n**2 / 2**65, negligible for any site's line count."""
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class ChromeLines:
    """A site's learned chrome: a set of normalised lines, held as their fingerprints.
    ``normalise_line(text) in chrome`` is how the cleaners ask."""

    __slots__ = ("fingerprints",)

    def __init__(self, fingerprints):
        self.fingerprints = frozenset(fingerprints)

    @classmethod
    def of(cls, lines) -> "ChromeLines":
        return cls(map(line_fingerprint, lines))

    def __contains__(self, line) -> bool:
        return isinstance(line, str) and line_fingerprint(line) in self.fingerprints

    def __len__(self) -> int:
        return len(self.fingerprints)

    def __eq__(self, other) -> bool:
        return isinstance(other, ChromeLines) and other.fingerprints == self.fingerprints

    def __hash__(self) -> int:
        return hash(self.fingerprints)

    def __repr__(self) -> str:
        return f"ChromeLines({len(self)} lines)"


def one_per_line(site_lines):
    site, lines = site_lines
    for line in lines:
        yield (site, line_fingerprint(line)), 1


def is_site_chrome(documents_with_line: int, site_documents: int, min_docs: int, min_fraction: float) -> bool:
    """Whether a line found in ``documents_with_line`` of a site's ``site_documents``
    documents is the site's chrome."""
    return documents_with_line >= min_docs and documents_with_line >= min_fraction * site_documents


class KeepSiteChromeFn(beam.DoFn):
    """((site, fingerprint), documents with it) -> (site, fingerprint) when the line is
    the site's chrome."""

    def __init__(self, min_docs: int, min_fraction: float):
        self._min_docs = min_docs
        self._min_fraction = min_fraction
        self._learned = Metrics.counter("wirebeam", "site_chrome.lines")

    def process(self, line_count, documents_per_site):
        (site, fingerprint), count = line_count
        if is_site_chrome(count, documents_per_site[site], self._min_docs, self._min_fraction):
            self._learned.inc()
            yield site, fingerprint


class LearnSiteChrome(beam.PTransform):
    """documents -> (site, ChromeLines), one per site that has any. Use it as
    ``beam.pvalue.AsDict(...)``."""

    def __init__(self, min_docs: int = 5, min_fraction: float = 0.5):
        super().__init__()
        if min_docs < 2:
            raise ValueError(f"min_docs must be at least 2 (a line on one page is never chrome), not {min_docs}")
        if not 0 < min_fraction <= 1:
            raise ValueError(f"min_fraction must be in (0, 1], not {min_fraction}")
        self._min_docs = min_docs
        self._min_fraction = min_fraction

    def expand(self, documents):
        site_lines = documents | "SiteLines" >> beam.FlatMap(site_and_lines)
        documents_per_site = (
            site_lines
            | "OnePerDocument" >> beam.MapTuple(lambda site, _: (site, 1))
            | "CountDocuments" >> beam.CombinePerKey(sum))
        return (
            site_lines
            | "OnePerLine" >> beam.FlatMap(one_per_line)
            | "CountDocumentsPerLine" >> beam.CombinePerKey(sum)
            # Most lines occur once: drop them before the per-site threshold.
            | "OnEnoughDocuments" >> beam.Filter(lambda line_count, least: line_count[1] >= least, self._min_docs)
            | "OnEnoughOfTheSite" >> beam.ParDo(KeepSiteChromeFn(self._min_docs, self._min_fraction),
                                                beam.pvalue.AsDict(documents_per_site))
            | "GroupBySite" >> beam.GroupByKey()
            | "AsSet" >> beam.MapTuple(lambda site, fingerprints: (site, ChromeLines(fingerprints))))
