"""Syndicated near-duplicates (transforms/dedup.py) and the generated evaluation (tools/dedup_eval.py)."""
import datetime as dt
import importlib.util
import json
import os
import random
import subprocess
import sys

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamPipeline
from apache_beam.testing.util import assert_that, equal_to

from conftest import IN_MEMORY, ROOT
from transforms.dedup import (BUCKET_GROUPS, DEFAULT_SHINGLE_SIZE, DEFAULT_THRESHOLD, FindNearDuplicates, PackMembers,
                              attach_first_sketch, band_keys, bucket_address, bucket_members, bucket_pairs, buckets_of_group, doc_ref, estimated_jaccard, jump_to_grandparents, lsh_bands, minhash_signature,
                              normalised_words, order_key, order_rank, shingles, signature_of, verified_link,
                              unpack_members, verify_pairs)

UTC = dt.timezone.utc


def text(first: int, last: int) -> str:
    """Paragraphs first..last of one synthetic story, 20 distinct words each: two texts
    share exactly the shingles of the paragraphs they share (and of the seams between)."""
    return "\n\n".join(" ".join(f"p{p}w{w}" for w in range(20)) for p in range(first, last + 1))


def packed(signature) -> bytes:
    return np.asarray(signature, dtype="<u4").tobytes()


# ---- plain functions ---------------------------------------------------------------------

def test_normalised_words_ignore_case_quotes_dashes_and_spacing():
    assert normalised_words("“Ｗe  won’t” — said\nMs. Núñez") == ["we", "won", "t", "said", "ms", "núñez"]
    assert normalised_words('"We won\'t" -- said Ms Núñez') == ["we", "won", "t", "said", "ms", "núñez"]


def test_shingles_are_word_ngrams():
    assert shingles("One two, three. Four", 2) == {"one two", "two three", "three four"}
    assert shingles("one two", 3) == set()
    assert len(shingles(text(1, 10), 6)) == 200 - 5


def test_estimated_jaccard_is_the_share_of_equal_values():
    assert estimated_jaccard((1, 2, 3, 4), (1, 2, 0, 0)) == 0.5
    assert estimated_jaccard((1, 2, 3, 4), (1, 2, 3, 4)) == 1.0


def test_minhash_estimates_jaccard():
    a, b = shingles(text(1, 10), 6), shingles(text(3, 12), 6)
    exact = len(a & b) / len(a | b)
    estimate = estimated_jaccard(signature_of(a, 256), signature_of(b, 256))
    assert exact == pytest.approx(155 / 235)
    assert abs(estimate - exact) < 0.1     # 3 standard errors at 256 permutations
    assert signature_of(a, 128) == minhash_signature(text(1, 10), 128, 6)
    assert len(signature_of(a, 128)) == 128


def test_signatures_and_band_keys_are_the_same_in_another_process():
    """Workers are separate processes, each with its own hash seed."""
    code = ("import json; from transforms.dedup import minhash_signature, band_keys, doc_ref; "
            "s = minhash_signature('Wire copy travels far and wide across the world', 16, 3); "
            "print(json.dumps([s, band_keys(s, 4, 4), doc_ref('wire-1')]))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    signature = minhash_signature("Wire copy travels far and wide across the world", 16, 3)
    assert json.loads(out.stdout) == [list(signature), band_keys(signature, 4, 4), doc_ref("wire-1")]


def test_band_keys_change_with_any_value_of_their_band_only():
    signature = tuple(range(12))
    keys = band_keys(signature, 3, 4)
    assert len(keys) == 3
    changed = band_keys(signature[:5] + (99,) + signature[6:], 3, 4)
    assert [k == c for k, c in zip(keys, changed)] == [True, False, True]
    assert band_keys(np.asarray(signature, dtype="<u4"), 3, 4) == keys     # packed signatures give the same keys


def test_band_keys_and_doc_refs_are_signed_64_bit_ints_and_keys_depend_on_the_band():
    same_values = band_keys((1, 2, 3, 4) * 3, 3, 4)
    assert len(set(same_values)) == 3                  # equal values in two bands are two buckets
    refs = [doc_ref(f"doc-{n}") for n in range(1000)]
    assert len(set(refs)) == 1000 and doc_ref("doc-1") == refs[1]
    assert all(-2**63 <= v < 2**63 for v in refs + same_values) and min(refs) < 0 < max(refs)


def test_lsh_bands_use_datasketch_optimum_weighted_against_misses():
    assert lsh_bands(0.5, 128) == (32, 4)
    assert lsh_bands(0.8, 128) == (14, 9)


def test_order_key_earliest_first_unknown_last_then_source():
    at = dt.datetime(2025, 3, 4, 10, tzinfo=UTC)
    articles = [
        {"published_at": None, "source_uri": "a", "source_record": 0},
        {"published_at": at, "source_uri": "b", "source_record": 2},
        {"published_at": at, "source_uri": "b", "source_record": 10},
        {"published_at": at - dt.timedelta(microseconds=1), "source_uri": "z", "source_record": 0},
        {"published_at": dt.datetime(2025, 3, 4, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
         "source_uri": "a", "source_record": 0},                                # 09:30 UTC
        {"published_at": dt.datetime(2025, 3, 4, 9, 45), "source_uri": "n", "source_record": 0},  # naive: UTC
    ]
    ordered = sorted(articles, key=order_key)
    assert [(a["source_uri"], a["source_record"]) for a in ordered] == [
        ("a", 0), ("n", 0), ("z", 0), ("b", 2), ("b", 10), ("a", 0)]
    assert ordered[-1]["published_at"] is None


def sketch(n: int, doc_id: str, signature) -> tuple:
    """(order_key, doc_id, packed signature) of the n-th earliest article, n seconds after 1970."""
    return (0, n * 1_000_000, f"s://{doc_id}", 0), doc_id, packed(signature)


def bucket_links(sketches, threshold: float, max_bucket_size: int) -> dict:
    """What the stage does with one bucket, without Beam: candidate pairs, both joins, the
    verification and the earliest match per article."""
    by_ref = {doc_ref(doc_id): (order, doc_id, sig) for order, doc_id, sig in sketches}
    pairs, _ = bucket_pairs([(order_rank(s[0]), ref) for ref, s in by_ref.items()], max_bucket_size)
    first = [kv for a, b in set(pairs) for kv in attach_first_sketch((a, {"sketch": [by_ref[a]], "partner": [b]}))]
    links = [link for ref, s in first for link in verify_pairs((ref, {"sketch": [by_ref[ref]], "partner": [s]}),
                                                               threshold)]
    earliest = {}
    for doc_id, parent in links:
        earliest[doc_id] = min(parent, earliest.get(doc_id, parent))
    return {doc_id: parent[1] for doc_id, parent in earliest.items()}


def test_bucket_pairs_pair_every_member_with_the_earlier_ones():
    members = [(30, -5), (10, 7), (20, 3), (20, -9)]   # sorted: (10, 7), (20, -9), (20, 3), (30, -5)
    pairs, size = bucket_pairs(members, 10)
    assert size == 4
    assert pairs == [(-9, 7), (3, 7), (-9, 3), (-5, 7), (-9, -5), (-5, 3)]   # (smaller ref, larger ref)
    assert bucket_pairs(list(reversed(members)), 10) == (pairs, 4)         # arrival order does not matter
    assert bucket_pairs([(1, 5)], 10) == ([], 1)
    assert bucket_pairs([], 10) == ([], 0)


def test_bucket_pairs_past_the_cap_compare_with_the_earliest_members_only():
    members = [(rank, 100 + rank) for rank in range(6)]
    pairs, size = bucket_pairs(members, 2)
    assert size == 6
    assert pairs == [(100, 101), (100, 102), (101, 102), (100, 103), (101, 103), (100, 104), (101, 104),
                     (100, 105), (101, 105)]                                 # size x cap, not size squared
    assert len(bucket_pairs([(rank, rank) for rank in range(1000)], 10)[0]) == 45 + 990 * 10


def test_order_rank_sorts_like_the_date_of_the_order_key_in_32_bits():
    at = dt.datetime(2025, 3, 4, 10, tzinfo=UTC)
    keys = [order_key({"published_at": None, "source_uri": "a"}), order_key({"published_at": at, "source_uri": "z"}),
            order_key({"published_at": at + dt.timedelta(seconds=1)}),
            order_key({"published_at": dt.datetime(1900, 1, 1, tzinfo=UTC)}),
            order_key({"published_at": dt.datetime(9999, 12, 31, tzinfo=UTC)})]
    assert sorted(keys, key=order_rank) == sorted(keys)
    assert [order_rank(k) for k in sorted(keys)] == [0, 1741082400, 1741082401, 2**32 - 2, 2**32 - 1]
    # Within one second copies tie (doc_ref orders them in a bucket).
    assert order_rank(order_key({"published_at": at + dt.timedelta(microseconds=999_999)})) == 1741082400


def test_verified_link_points_the_later_article_at_the_earlier():
    a, b, c = sketch(0, "a", (1, 2, 3, 4)), sketch(1, "b", (1, 2, 0, 0)), sketch(2, "c", (9, 9, 9, 9))
    assert verified_link(a, b, 0.5) == ("b", (a[0], "a")) == verified_link(b, a, 0.5)
    assert verified_link(a, b, 0.6) is None
    assert verified_link(a, c, 0.0) == ("c", (a[0], "a"))
    assert verified_link(a, a, 0.5) is None                                   # one article met twice


def test_the_joins_attach_both_sketches_and_tell_colliding_refs_apart():
    a, b, x = sketch(0, "a", (1, 2, 3, 4)), sketch(1, "b", (1, 2, 3, 0)), sketch(2, "x", (1, 2, 3, 4))
    assert list(attach_first_sketch((1, {"sketch": [a], "partner": [2, 3]}))) == [(2, a), (3, a)]
    assert list(attach_first_sketch((1, {"sketch": [], "partner": [2]}))) == []
    # b and x share a ref (a 64-bit collision): both are compared with a, each on its own signature.
    assert list(verify_pairs((2, {"sketch": [b, x], "partner": [a]}), 0.75)) == [("b", (a[0], "a")),
                                                                                  ("x", (a[0], "a"))]
    assert list(verify_pairs((2, {"sketch": [b, x], "partner": [a]}), 0.9)) == [("x", (a[0], "a"))]


def test_bucket_links_each_member_to_its_earliest_similar_earlier_member():
    a = (1, 2, 3, 4, 5, 6, 7, 8)
    b = (1, 2, 3, 4, 5, 6, 0, 0)      # 0.75 like a
    c = (1, 2, 3, 4, 9, 9, 0, 0)      # 0.75 like b, 0.5 like a
    members = [sketch(2, "c", c), sketch(0, "a", a), sketch(1, "b", b)]
    assert bucket_links(members, 0.7, 10) == {"c": "b", "b": "a"}
    assert bucket_links(members, 0.5, 10) == {"c": "a", "b": "a"}


def test_bucket_links_only_offer_the_earliest_members_as_first_copies():
    copies = [sketch(n, str(n), range(8)) for n in range(5)]
    assert bucket_links(copies, 0.9, max_bucket_size=2) == {str(n): "0" for n in range(1, 5)}
    # Members 2 and 3 are alike, but past the cap 2 is no candidate first copy: the price of the cap.
    members = [sketch(0, "0", range(0, 8)), sketch(1, "1", range(10, 18)),
               sketch(2, "2", range(20, 28)), sketch(3, "3", range(20, 28))]
    assert bucket_links(members, 0.9, max_bucket_size=10) == {"3": "2"}
    assert bucket_links(members, 0.9, max_bucket_size=2) == {}
    assert bucket_links(members[:1], 0.9, 2) == {}


def test_one_pointer_jumping_round():
    assert list(jump_to_grandparents(("b", {"children": ["c", "d"], "parent": ["a"]}))) == [("c", "a"), ("d", "a")]
    assert list(jump_to_grandparents(("a", {"children": ["b"], "parent": []}))) == [("b", "a")]
    assert list(jump_to_grandparents(("c", {"children": [], "parent": ["b"]}))) == []


# ---- the Beam stage ----------------------------------------------------------------------

def article(doc_id, body, published_at, source_uri):
    return {"doc_id": doc_id, "source_uri": source_uri, "source_record": 0, "body": body,
            "published_at": published_at, "headline": f"headline of {doc_id}", "duplicate_of": None,
            "entities": [{"name": "Lima", "label": "GPE", "count": 1}], "meta": {"site": source_uri}}


def at(hour):
    return dt.datetime(2025, 3, 4, hour, tzinfo=UTC)


ARTICLES = [
    article("c", text(5, 14), None, "s://c"),                # like b, not like a: a chain c -> b -> a
    article("b", text(3, 12), at(11), "s://b"),
    article("a2", text(1, 10), at(10), "s://z"),             # a's twin, same time: the smaller source wins
    article("other", text(100, 110), at(8), "s://o"),
    article("a", text(1, 10), at(10), "s://a"),
    article("short", " ".join(text(1, 10).split()[:40]), at(9), "s://s1"),    # 35 shingles
    article("short2", " ".join(text(1, 10).split()[:40]), at(12), "s://s2"),
]


def test_the_chain_in_the_stage_test_is_what_it_claims():
    signature = {a["doc_id"]: minhash_signature(a["body"], 128, 6) for a in ARTICLES}
    assert estimated_jaccard(signature["a"], signature["b"]) >= 0.5
    assert estimated_jaccard(signature["b"], signature["c"]) >= 0.5
    assert estimated_jaccard(signature["a"], signature["c"]) < 0.5


def test_find_near_duplicates_links_every_later_copy_to_the_first():
    with BeamPipeline(options=PipelineOptions(list(IN_MEMORY))) as p:
        links = p | beam.Create(ARTICLES) | FindNearDuplicates(threshold=0.5, shingle_size=6, min_shingles=50)
        assert_that(links, equal_to([("a2", "a"), ("b", "a"), ("c", "a")]))


def test_one_round_resolves_chains_of_two_links_only():
    chain = [article(str(n), text(2 * n, 2 * n + 9), at(n + 1), f"s://{n}") for n in range(4)]  # n ~ n+1 only
    with BeamPipeline(options=PipelineOptions(list(IN_MEMORY))) as p:
        links = p | beam.Create(chain) | FindNearDuplicates(threshold=0.5, shingle_size=6, resolve_rounds=1)
        assert_that(links, equal_to([("1", "0"), ("2", "0"), ("3", "1")]))


def test_an_oversized_bucket_still_links_every_copy_to_the_first():
    copies = [article(f"copy{n}", text(1, 10), at(n + 1), f"s://{n}") for n in range(6)]
    with BeamPipeline(options=PipelineOptions(list(IN_MEMORY))) as p:
        links = p | beam.Create(copies) | FindNearDuplicates(threshold=0.5, max_bucket_size=2)
        assert_that(links, equal_to([(f"copy{n}", "copy0") for n in range(1, 6)]))


def test_threshold_must_be_a_similarity():
    with pytest.raises(ValueError):
        FindNearDuplicates(threshold=0)


# ---- the generated evaluation ------------------------------------------------------------

def load_dedup_eval():
    spec = importlib.util.spec_from_file_location("dedup_eval", os.path.join(ROOT, "tools", "dedup_eval.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dedup_eval():
    spec = importlib.util.spec_from_file_location("dedup_eval", os.path.join(ROOT, "tools", "dedup_eval.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_corpus_is_deterministic_and_typed(dedup_eval):
    stories = dedup_eval.load_stories()[:2]
    corpus = dedup_eval.make_corpus(3, stories)
    assert [a["gold"]["kind"] for a in corpus] == 2 * ["original", *dedup_eval.COPY_TYPES, *dedup_eval.NEGATIVE_TYPES]
    assert len({a["doc_id"] for a in corpus}) == len(corpus)
    assert [a["body"] for a in dedup_eval.make_corpus(3, stories)] == [a["body"] for a in corpus]
    assert [a["body"] for a in dedup_eval.make_corpus(4, stories)] != [a["body"] for a in corpus]
    assert corpus[0]["body"] == stories[0]


def test_generated_copies_change_what_their_type_says(dedup_eval):
    body = dedup_eval.load_stories()[0]
    paras = dedup_eval.paragraphs(body)
    kept = dedup_eval.paragraphs(dedup_eval.trimmed(body, random.Random(1)))
    assert 0.65 * len(paras) <= len(kept) < len(paras) and kept == paras[:len(kept)]
    retyped = dedup_eval.retyped(body, random.Random(1))
    assert retyped != body and normalised_words(retyped) == normalised_words(body)
    assert dedup_eval.restyled_dateline("BRUSSELS (Reuters) - The Commission said so.", random.Random(2)) == \
        "Brussels, January 3 (Thomson Reuters) — The Commission said so."
    assert dedup_eval.edited("Prices rose 5% on Tuesday, Mr. Ekdahl said of the 3 labour unions that organise.",
                             random.Random(1)) == \
        "Prices rose five percent Tuesday, Mr. Ekdahl said of the three labor unions that organize."


def test_precision_and_recall_on_generated_syndication(dedup_eval):
    """What tools/dedup_eval.py reports, on 12 stories (132 articles) at the defaults
    (precision 1.0, recall 0.958 when written)."""
    articles = dedup_eval.make_corpus(7, dedup_eval.load_stories()[:12])
    result = dedup_eval.score(articles, dedup_eval.run_stage(articles, DEFAULT_THRESHOLD))
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.9
    assert {kind: result["per_type"][kind] for kind in dedup_eval.NEGATIVE_TYPES} == {
        "same-event": 0.0, "follow-up": 0.0, "templated": 0.0}


def test_bucket_groups_hold_every_band_bucket_of_an_article_once():
    signature = signature_of(shingles(" ".join(f"word{n}" for n in range(80)), DEFAULT_SHINGLE_SIZE), 128)
    sketch = (doc_ref("a"), ((0, 5_000_000), "a", np.asarray(signature, dtype="<u4").tobytes()))   # 5 s after 1970
    members = list(bucket_members(sketch, 32, 4))
    assert len(members) == 32 and all(0 <= group < BUCKET_GROUPS for group, _ in members)
    assert [(group, bucket) for group, (bucket, _, _) in members] == [bucket_address(key)
                                                                    for key in band_keys(signature, 32, 4)]
    assert all(0 <= bucket < 2**32 and rank == 5 for _, (bucket, rank, _) in members)
    grouped = buckets_of_group([member for _, member in members] + [(members[0][1][0], 7, doc_ref("b"))])
    assert grouped[members[0][1][0]] == [(5, doc_ref("a")), (7, doc_ref("b"))]
    assert sum(map(len, grouped.values())) == 33


def test_packed_members_round_trip_through_merges():
    fn = PackMembers()
    members = [(0, 2**32 - 1, 5), (7, 0, -(1 << 63)), (2**32 - 1, 3, (1 << 63) - 1)]
    first = fn.add_input(fn.create_accumulator(), members[0])
    rest = fn.add_input(fn.add_input(fn.create_accumulator(), members[1]), members[2])
    packed = fn.extract_output(fn.merge_accumulators([first, rest]))
    assert len(packed) == 16 * len(members)
    assert list(unpack_members(packed)) == members


def test_bucket_address_splits_a_key_into_group_and_32_bit_bucket():
    key = (0x1234_5678 << 32) | (5 << 10) | 7
    assert bucket_address(key) == (7, 0x1234_5678)
    assert bucket_address(-1) == (BUCKET_GROUPS - 1, 2**32 - 1)         # keys are signed 64-bit
