"""Syndicated near-duplicates: the same wire story published by several outlets (other
chrome, another headline, a paragraph rewritten or trimmed) is detected with MinHash and
locality-sensitive hashing, and every later copy gets ``duplicate_of`` = the doc_id of
the first copy. Every copy is kept.

"First" is deterministic, so the result does not depend on runner, worker count or
arrival order: the earliest ``published_at`` (unknown dates last), then the smallest
``(source_uri, source_record)`` (``order_key``).

Method (Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3):

1. ``shingles``: the set of word n-grams of the body, normalised (NFKC, case-folded,
   punctuation dropped) so quote marks, dashes and spacing do not matter. A body with
   fewer than ``min_shingles`` shingles is never marked, and never a first copy either:
   short texts collide by chance (boilerplate, briefs).
2. ``minhash_signature``: datasketch's MinHash with a fixed seed and scheme, so the
   signature of a text is the same on every worker and in every run.
3. The signature is cut into ``bands`` of ``rows`` values (``lsh_bands``); every article is
   keyed by (band index, hash of its band). Two articles with estimated Jaccard s share
   a key with probability 1 - (1 - s^rows)^bands.
4. Inside each bucket (GroupByKey), every member is compared with the bucket's earliest
   members and keeps the earliest one whose estimated Jaccard similarity reaches the
   threshold (``match_bucket``); across buckets the earliest such match wins: the
   article's *parent*, always earlier than itself.
5. Chains: A~B and B~C but not A~C. Parents form a forest (every link points back in
   time) and ``duplicate_of`` is the root of the article's tree, found by pointer
   jumping: each round replaces the parent by the parent's parent (one join keyed by
   the parent), so ``resolve_rounds`` rounds resolve chains up to 2**rounds links long.
   Within that length ``duplicate_of`` always names an article whose own
   ``duplicate_of`` is null, and grouping by ``coalesce(duplicate_of, doc_id)`` gives
   the story clusters; a longer chain ends at an earlier copy that is itself marked. An
   article similar to two unrelated earlier articles joins the earlier one's cluster.
6. The roots are joined back onto the articles by doc_id (CoGroupByKey).

Nothing holds all documents in one place: the shuffles carry (band key, order key,
doc_id, signature) tuples, about bands x (4 x num_perm + 100) bytes per article (20 KB
at the defaults), and the only per-key state is one bucket's earliest members.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import heapq
import logging
import re
import unicodedata
from typing import Iterable

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

# From tools/dedup_eval.py's sweep: with 6-word shingles, 0.5 linked no distinct story on
# any of five seeds and kept 95-99% of the copy pairs; 0.45 already made false links.
# 5-word shingles needed 0.55 for the same precision and kept 95-97%.
DEFAULT_THRESHOLD = 0.5
DEFAULT_SHINGLE_SIZE = 6
SEED = 1                    # every worker and every run must draw the same permutations
MINHASH_SCHEME = "affine32"
# LSH candidates are verified afterwards, so a false positive costs one comparison while
# a false negative is a duplicate never seen: the band choice weighs misses 9 to 1.
FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT = 0.1, 0.9
_WORD = re.compile(r"\w+")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_SIGNATURE_DTYPE = np.dtype("<u4")   # affine32 values fit 32 bits; fixed byte order for the shuffle

log = logging.getLogger(__name__)


MAX_SHINGLE_CHARS = 50_000


def normalised_words(text: str) -> list[str]:
    """Words of a text as compared across copies: NFKC (full-width forms, ligatures),
    case-folded, punctuation dropped, so “curly” and "straight" quotes, dashes and
    whitespace changes make no difference."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int) -> set[str]:
    """The set of ``size``-word n-grams of the start of ``text`` (empty when it has fewer
    words). The first MAX_SHINGLE_CHARS characters say which story a body is; a 50 MB
    "article" must not cost a shingle set of millions."""
    words = normalised_words(text[:MAX_SHINGLE_CHARS])
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int):
    from datasketch import MinHash  # noqa: PLC0415 - datasketch imports scipy: not at import time
    return MinHash(num_perm=num_perm, seed=SEED, scheme=MINHASH_SCHEME).permutations


def signature_of(shingle_set: Iterable[str], num_perm: int) -> tuple[int, ...]:
    """The MinHash signature of a set of shingles (seed and scheme fixed)."""
    from datasketch import MinHash  # noqa: PLC0415
    minhash = MinHash(num_perm=num_perm, seed=SEED, scheme=MINHASH_SCHEME, permutations=_permutations(num_perm))
    minhash.update_batch([s.encode("utf-8") for s in shingle_set])
    return tuple(int(v) for v in minhash.hashvalues)


def minhash_signature(text: str, num_perm: int, shingle_size: int) -> tuple[int, ...]:
    return signature_of(shingles(text, shingle_size), num_perm)


def estimated_jaccard(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The share of equal signature values: an unbiased estimate of the Jaccard
    similarity of the two shingle sets (standard error sqrt(J(1-J)/num_perm))."""
    return sum(x == y for x, y in zip(a, b)) / len(a)


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) for a similarity threshold: datasketch's optimum (the one
    MinHashLSH uses), minimising the weighted areas of false positives below the
    threshold and false negatives above it, with misses weighted 9 to 1."""
    from datasketch.lsh import _optimal_param  # noqa: PLC0415 - imports scipy
    return _optimal_param(threshold, num_perm, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)


def band_keys(signature: tuple[int, ...], bands: int, rows: int) -> list[tuple[int, bytes]]:
    """One (band index, 8-byte band hash) per band. blake2b, not hash(): the key must be
    the same in every process."""
    packed = np.asarray(signature, dtype=_SIGNATURE_DTYPE)
    return [(band, hashlib.blake2b(packed[band * rows:(band + 1) * rows].tobytes(), digest_size=8).digest())
            for band in range(bands)]


def order_key(article: dict) -> tuple:
    """Sorts the copies of a story: earliest published_at first (a naive time is taken as
    UTC), unknown dates last, then source_uri, then source_record. Unique per article."""
    published = article.get("published_at")
    if isinstance(published, dt.datetime):
        if published.tzinfo is None:
            published = published.replace(tzinfo=dt.timezone.utc)
        when = (0, (published - _EPOCH) // dt.timedelta(microseconds=1))
    else:
        when = (1, 0)
    return (*when, article.get("source_uri") or "", int(article.get("source_record") or 0))


def match_bucket(members: Iterable[tuple], threshold: float, max_bucket_size: int) -> tuple[list[tuple], int]:
    """Near-duplicate links inside one LSH bucket.

    ``members`` are (order_key, doc_id, packed signature) and may be iterated twice (Beam's
    grouped values can). Returns ([(doc_id, (parent order_key, parent doc_id))], bucket
    size): for each member, the earliest earlier member whose estimated Jaccard
    similarity reaches ``threshold``. Only the ``max_bucket_size`` earliest members are
    candidate parents, so an oversized bucket (a story syndicated thousands of times, or
    boilerplate) costs size x max_bucket_size comparisons and that much memory, not
    size squared; a later copy still links to the earliest copies it resembles."""
    parents = heapq.nsmallest(max_bucket_size, members, key=lambda member: member[0])
    if len(parents) < 2:
        return [], len(parents)
    parent_orders = [order for order, _, _ in parents]
    parent_signatures = np.stack([np.frombuffer(sig, dtype=_SIGNATURE_DTYPE) for _, _, sig in parents])
    links, size = [], 0
    for order, doc_id, signature in members:
        size += 1
        earlier = bisect.bisect_left(parent_orders, order)
        if not earlier:
            continue
        similar = (parent_signatures[:earlier] == np.frombuffer(signature, dtype=_SIGNATURE_DTYPE)).mean(axis=1) \
            >= threshold
        first = int(similar.argmax())
        if similar[first]:
            links.append((doc_id, (parent_orders[first], parents[first][1])))
    return links, size


def jump_to_grandparents(element) -> Iterable[tuple[str, str]]:
    """One pointer-jumping round, for one node: (node, {"children": [...], "parent": [p]})
    to (child, p) for each child, or (child, node) when the node is a root."""
    node, linked = element
    parent = next(iter(linked["parent"]), None)
    for child in linked["children"]:
        yield child, parent or node


def with_duplicate_of(element) -> Iterable[dict]:
    """(doc_id, {"article": [article], "root": [first copy's doc_id] or []}) -> the article
    with ``duplicate_of`` set."""
    _, joined = element
    root = next(iter(joined["root"]), None)
    for article in joined["article"]:
        yield {**article, "duplicate_of": root}


class SketchFn(beam.DoFn):
    """article -> ((band, band hash), (order_key, doc_id, packed signature)), one per band."""

    def __init__(self, num_perm: int, shingle_size: int, min_shingles: int, bands: int, rows: int):
        self._num_perm, self._shingle_size, self._min_shingles = num_perm, shingle_size, min_shingles
        self._bands, self._rows = bands, rows
        self._short = Metrics.counter("wirebeam", "dedup.short_bodies")

    def process(self, article):
        shingle_set = shingles(article.get("body") or "", self._shingle_size)
        if len(shingle_set) < self._min_shingles:
            self._short.inc()
            return
        signature = signature_of(shingle_set, self._num_perm)
        member = (order_key(article), article["doc_id"], np.asarray(signature, dtype=_SIGNATURE_DTYPE).tobytes())
        for key in band_keys(signature, self._bands, self._rows):
            yield key, member


class MatchBucketFn(beam.DoFn):
    def __init__(self, threshold: float, max_bucket_size: int):
        self._threshold, self._max_bucket_size = threshold, max_bucket_size
        self._bucket_sizes = Metrics.distribution("wirebeam", "dedup.bucket_size")
        self._oversized = Metrics.counter("wirebeam", "dedup.oversized_buckets")

    def process(self, element):
        (band, _), members = element
        links, size = match_bucket(members, self._threshold, self._max_bucket_size)
        self._bucket_sizes.update(size)
        if size > self._max_bucket_size:
            self._oversized.inc()
            log.warning("dedup: LSH bucket of %d articles in band %d; only its %d earliest are candidate "
                        "first copies", size, band, self._max_bucket_size)
        yield from links


class SetDuplicateOfFn(beam.DoFn):
    def __init__(self):
        self._duplicates = Metrics.counter("wirebeam", "dedup.duplicates")
        self._passed = Metrics.counter("wirebeam", "dedup.out")

    def process(self, element):
        for article in with_duplicate_of(element):
            if article["duplicate_of"]:
                self._duplicates.inc()
            self._passed.inc()
            yield article


class MarkNearDuplicates(beam.PTransform):
    """articles -> the same articles, each with ``duplicate_of`` = the doc_id of the first
    copy of its story, or None. Needs ``doc_id``, ``body``, ``published_at``,
    ``source_uri`` and ``source_record``; every other key passes through unchanged.

    ``threshold``: estimated Jaccard similarity of the bodies' shingle sets from which two
    articles are copies of one story. ``shingle_size``: words per shingle. ``num_perm``:
    MinHash size (the estimate's standard error is about 0.04 at 128). ``min_shingles``:
    shorter bodies are left alone. ``max_bucket_size``: earliest members of an LSH bucket
    that are candidate first copies; larger buckets are counted and logged.
    ``resolve_rounds``: pointer-jumping rounds (chains up to 2**rounds links)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = 128,
                 shingle_size: int = DEFAULT_SHINGLE_SIZE, min_shingles: int = 50, max_bucket_size: int = 1000,
                 resolve_rounds: int = 3):
        super().__init__()
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self._threshold, self._num_perm, self._shingle_size = threshold, num_perm, shingle_size
        self._min_shingles, self._max_bucket_size, self._rounds = min_shingles, max_bucket_size, resolve_rounds

    def expand(self, articles):
        bands, rows = lsh_bands(self._threshold, self._num_perm)
        parents = (
            articles
            | "Sketch" >> beam.ParDo(SketchFn(self._num_perm, self._shingle_size, self._min_shingles, bands, rows))
            | "GroupByBand" >> beam.GroupByKey()
            | "MatchBuckets" >> beam.ParDo(MatchBucketFn(self._threshold, self._max_bucket_size))
            | "EarliestMatch" >> beam.CombinePerKey(min)
            | "ParentId" >> beam.MapTuple(lambda doc_id, parent: (doc_id, parent[1]))
        )
        roots = parents
        for n in range(self._rounds):
            roots = (
                {"children": roots | f"ByParent{n}" >> beam.MapTuple(lambda child, parent: (parent, child)),
                 "parent": roots}
                | f"JoinParents{n}" >> beam.CoGroupByKey()
                | f"JumpToGrandparents{n}" >> beam.FlatMap(jump_to_grandparents)
            )
        return (
            {"article": articles | "KeyByDocId" >> beam.Map(lambda article: (article["doc_id"], article)),
             "root": roots}
            | "JoinFirstCopies" >> beam.CoGroupByKey()
            | "SetDuplicateOf" >> beam.ParDo(SetDuplicateOfFn())
        )
