"""HTML pages to article parts with trafilatura (plain functions)."""
from __future__ import annotations

import trafilatura


def extract_html(html: str, url: str | None = None) -> dict:
    """{"headline", "paragraphs", "captions", "meta"} of an HTML page; paragraphs empty
    when trafilatura finds no main text."""
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    if doc is None:
        return {"headline": None, "paragraphs": [], "captions": [], "meta": {}}
    doc = doc.as_dict()
    paragraphs = [p.strip() for p in (doc.get("text") or "").split("\n") if p.strip()]
    title = doc.get("title")
    if paragraphs and title and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]
    meta = {"url": doc.get("url"), "title": title, "author": doc.get("author"), "sitename": doc.get("sitename"),
            "pagetype": doc.get("pagetype")}
    return {"headline": title, "paragraphs": paragraphs, "captions": [], "meta": meta}
