"""tools/bench_extract.py: the benchmark's shingle metric on hand-computed examples,
and a three-page smoke run of the tool when the shared benchmark is present."""
from __future__ import annotations

import sys
from collections import Counter

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from bench_extract import load_pages, page_counts, run, score, shingles  # noqa: E402

BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "article-extraction"


def test_shingles_are_runs_of_four_tokens_with_case_kept():
    assert shingles("The cat, the cat sat.") == Counter({("The", "cat", "the", "cat"): 1,
                                                         ("cat", "the", "cat", "sat"): 1})
    assert shingles("a b c d a b c d") == Counter({("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1,
                                                   ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1})


def test_a_text_shorter_than_a_shingle_is_one_shingle():
    assert shingles("Hello, world") == Counter({("Hello", "world"): 1})
    assert shingles("") == Counter({(): 1})


def test_page_counts_are_scaled_to_sum_to_one():
    # extracted: abcd bcde; true: abcd bcde cdef -> tp 2, fp 0, fn 1
    assert page_counts("a b c d e", "a b c d e f") == (2 / 3, 0.0, 1 / 3)
    # extracted: xabc abcd; true: abcd bcde -> tp 1, fp 1, fn 1
    assert page_counts("x a b c d", "a b c d e") == (1 / 3, 1 / 3, 1 / 3)
    assert page_counts("", "a b c d") == (0.0, 0.5, 0.5)


def test_scores_are_means_over_pages_then_f1():
    perfect, half, nothing_true = (1.0, 0.0, 0.0), (1 / 3, 1 / 3, 1 / 3), (0.0, 1.0, 0.0)
    result = score([perfect, half, nothing_true])
    # precision: (1 + 1/2 + 0) / 3; recall: page 3 has nothing to find: (1 + 1/2) / 2
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(0.75)
    assert result["f1"] == pytest.approx(2 * 0.5 * 0.75 / 1.25)


@pytest.mark.skipif(not BENCHMARK.exists(), reason="the shared benchmark (../shared) is absent")
def test_three_page_smoke_run():
    pages = load_pages(str(BENCHMARK), limit=3)
    assert len(pages) == 3
    ours, bare = run("wirebeam", pages, 1), run("trafilatura", pages, 1)
    assert set(ours["counts"]) == {page_id for page_id, _, _ in pages}
    assert ours["f1"] > 0.95 and ours["f1"] >= bare["f1"]
    assert ours["pages_per_s"] > 0 and bare["pages_per_cpu_s"] > 0
