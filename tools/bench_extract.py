"""`make bench-extract`: wirebeam's HTML extraction against bare trafilatura on the
article-extraction benchmark (../shared/benchmarks/article-extraction: 181 pages and
their hand-checked article bodies), scored with the benchmark's shingle F1.

wirebeam's text is ``extract_html``'s paragraphs joined by a blank line, without the
headline: the benchmark's truth is the article body, and the headline is a separate
field in wirebeam's output. Both extractors get the same decoded page (decoded as the
read stage decodes it). Skips cleanly when ../shared is absent.

The metric, as the benchmark defines it: a text's tokens are its ``\\w+`` runs (case
kept) and its shingles the runs of 4 consecutive tokens (a shorter text is a single
shingle). For each page, true positives are the shingles both texts share (counted
with multiplicity), false positives the extracted ones in excess, false negatives the
true ones missed; the three are scaled to sum to 1 so every page weighs the same.
Precision and recall are means over the pages, F1 their harmonic mean.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from multiprocessing import Pool

import trafilatura

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from transforms.files.formats import decode  # noqa: E402
from transforms.text.html import extract_html  # noqa: E402

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter:
    """The multiset of ``size``-token runs of ``text``; a text of fewer tokens is one."""
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)))


def page_counts(extracted: str, truth: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, scaled so that tp + fp + fn = 1."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return tp / total, fp / total, fn / total


def score(counts: list[tuple[float, float, float]]) -> dict:
    """Mean precision and recall over pages, and their F1. A page counts for precision
    when something was extracted (tp + fp > 0) and for recall when there is something
    to find (tp + fn > 0); a perfect page scores 1 for both."""
    precisions = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def wirebeam_text(html: str) -> str:
    return "\n\n".join(extract_html(html)["paragraphs"])


def trafilatura_text(html: str) -> str:
    return trafilatura.extract(html) or ""


EXTRACTORS = {"wirebeam": wirebeam_text, "trafilatura": trafilatura_text}


def load_pages(bench_dir: str, limit: int | None = None) -> list[tuple[str, str, str]]:
    """[(page id, decoded html, true article body)], sorted by id."""
    with open(os.path.join(bench_dir, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    pages = []
    for page_id in sorted(truth)[:limit]:
        with gzip.open(os.path.join(bench_dir, "html", f"{page_id}.html.gz")) as f:
            pages.append((page_id, decode(f.read()).text, truth[page_id]["articleBody"]))
    return pages


def _extract(job: tuple[str, str, str]) -> tuple[str, str, float]:
    name, page_id, html = job
    start = time.process_time()
    text = EXTRACTORS[name](html)
    return page_id, text, time.process_time() - start


def run(name: str, pages: list[tuple[str, str, str]], processes: int) -> dict:
    """One extractor over all pages: its scores, pages/s of wall-clock time and of CPU
    time (steadier on a shared machine), and the per-page counts (by page id)."""
    truth = {page_id: body for page_id, _, body in pages}
    jobs = [(name, page_id, html) for page_id, html, _ in pages]
    start = time.perf_counter()
    if processes > 1:
        with Pool(processes) as pool:
            results = pool.map(_extract, jobs, chunksize=4)
    else:
        results = [_extract(job) for job in jobs]
    wall = time.perf_counter() - start
    counts = {page_id: page_counts(text, truth[page_id]) for page_id, text, _ in results}
    cpu = sum(seconds for _, _, seconds in results)
    return {**score(list(counts.values())), "pages_per_s": len(pages) / wall,
            "pages_per_cpu_s": len(pages) / cpu if cpu else float("inf"), "counts": counts}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--limit", type=int, help="only the first N pages (a smoke run)")
    ap.add_argument("--worst", type=int, default=0, help="list wirebeam's N lowest-F1 pages")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = ap.parse_args()
    bench_dir = os.path.join(os.path.abspath(args.shared), "benchmarks", "article-extraction")
    if not os.path.exists(os.path.join(bench_dir, "ground-truth.json")):
        print(f"make bench-extract: skipped, {bench_dir} is absent")
        return 0
    pages = load_pages(bench_dir, args.limit)
    print(f"article-extraction benchmark: {len(pages)} pages, {args.processes} processes")
    print(f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'pages/s':>8} {'pages/cpu-s':>12}")
    results = {}
    for name in EXTRACTORS:
        results[name] = result = run(name, pages, args.processes)
        print(f"{name:<12} {result['precision']:>9.4f} {result['recall']:>7.4f} {result['f1']:>7.4f} "
              f"{result['pages_per_s']:>8.1f} {result['pages_per_cpu_s']:>12.1f}")
    if args.worst:
        ours = results["wirebeam"]["counts"]
        print(f"wirebeam's {args.worst} worst pages (tp, fp, fn; trafilatura's tp):")
        for page_id in sorted(ours, key=lambda p: ours[p][0])[:args.worst]:
            tp, fp, fn = ours[page_id]
            print(f"  {page_id[:16]}  {tp:.3f} {fp:.3f} {fn:.3f}   {results['trafilatura']['counts'][page_id][0]:.3f}")
    if args.json:
        print(json.dumps({name: {k: v for k, v in r.items() if k != "counts"} for name, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
