"""`make eval`: run the pipeline over the shared dev corpus and seeds/, then score both
with the shared scorer. Skips cleanly when ../shared is absent."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Files beside the raw copy that are not inputs.
NOT_INPUTS = ["--exclude", "*.gold.json", "--exclude", "README.md", "--exclude", "*.md"]


def run_and_score(name: str, gold_dir: str, inputs: list[str], out_root: str, scorer: str, extra: list[str]) -> int:
    out = os.path.join(out_root, name)
    cmd = [sys.executable, "-m", "pipelines.ingest", "--config", os.path.join(ROOT, "configs", "local.yaml"),
           "--output", out, *NOT_INPUTS, *extra]
    for pattern in inputs:
        cmd += ["--input", pattern]
    print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
    if subprocess.call(cmd, cwd=ROOT) != 0:
        print(f"== {name}: pipeline failed", flush=True)
        return 1
    print(f"== {name}: score.py {gold_dir} {out}", flush=True)
    return subprocess.call([sys.executable, scorer, gold_dir, out], cwd=ROOT)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(ROOT, "eval-out"))
    ap.add_argument("--only", action="append", help="dev | seeds | tests | holdout | feeds (default: all)")
    args, extra = ap.parse_known_args()
    shared = os.path.abspath(args.shared)
    scorer = os.path.join(shared, "eval", "score.py")
    if not os.path.exists(scorer):
        print(f"make eval: skipped, {shared} (the shared corpus and scorer) is absent")
        return 0
    suites = {
        "dev": (os.path.join(shared, "corpus", "dev"), [os.path.join(shared, "corpus", "dev", "*")]),
        "seeds": (os.path.join(ROOT, "seeds"), [os.path.join(ROOT, "seeds", "*")]),
        "tests": (os.path.join(ROOT, "tests", "corpus"), [os.path.join(ROOT, "tests", "corpus", "*")]),
        "holdout": (os.path.join(ROOT, "tests", "holdout"), [os.path.join(ROOT, "tests", "holdout", "*")]),
        "feeds": (os.path.join(ROOT, "tests", "corpus", "feeds"),
                  [os.path.join(ROOT, "tests", "corpus", "feeds", "*")]),
    }
    status = 0
    for name, (gold_dir, inputs) in suites.items():
        if args.only and name not in args.only:
            continue
        if not os.path.isdir(gold_dir):
            continue
        status |= run_and_score(name, gold_dir, inputs, args.out, scorer, extra)
    return status


if __name__ == "__main__":
    sys.exit(main())
