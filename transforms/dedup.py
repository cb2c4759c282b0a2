"""Syndicated near-duplicates: the same wire story published by several outlets (other
chrome, another headline, a paragraph rewritten or trimmed) is detected with MinHash and
locality-sensitive hashing, and every later copy is linked to the first copy: the stage
yields (doc_id, first copy's doc_id), which the write stage joins onto the rows as
``duplicate_of``. Every copy is kept.

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
3. The signature is cut into ``bands`` of ``rows`` values (``lsh_bands``); every article
   is put in one LSH bucket per band, keyed by one 64-bit hash of (band index, band
   values) (``band_keys``). Two articles with estimated Jaccard s share a bucket with
   probability 1 - (1 - s^rows)^bands. The bucket shuffle carries no signature, only one
   16-byte member per article and band (``bucket_address``, ``order_rank``, ``doc_ref``:
   the bucket within its group, the article's date and a 64-bit fingerprint of its
   doc_id), keyed by one of BUCKET_GROUPS groups of buckets, not by the bucket, and packed
   into one array per group on each worker (``PackMembers``): nearly every bucket holds
   one article, and a shuffle of one small element per member pays per-element bookkeeping
   for each (on the DirectRunner that bookkeeping, not the data, was most of the
   launcher's memory). A bucket of k >= 2 members yields candidate pairs
   (``bucket_pairs``): every member with each earlier member (by ``order_rank``, then
   ``doc_ref``) among the bucket's ``max_bucket_size`` earliest, so an oversized bucket (a
   story syndicated thousands of times, or boilerplate) costs size x max_bucket_size
   pairs, not size squared, and is counted and logged; a later copy still meets the
   earliest copies. Pairs found in several bands are made distinct.
4. Verification: two joins keyed by doc_ref attach both articles' sketches (order_key,
   doc_id, signature) to each candidate pair, and a pair whose estimated Jaccard
   similarity reaches the threshold links the later article to the earlier one
   (``verified_link``). Across pairs the earliest match wins: the article's *parent*,
   always earlier than itself.
5. Chains: A~B and B~C but not A~C. Parents form a forest (every link points back in
   time) and ``duplicate_of`` is the root of the article's tree, found by pointer
   jumping: each round replaces the parent by the parent's parent (one join keyed by
   the parent), so ``resolve_rounds`` rounds resolve chains up to 2**rounds links long.
   Within that length ``duplicate_of`` always names an article whose own
   ``duplicate_of`` is null, and grouping by ``coalesce(duplicate_of, doc_id)`` gives
   the story clusters; a longer chain ends at an earlier copy that is itself marked. An
   article similar to two unrelated earlier articles joins the earlier one's cluster.
6. The stage's output is the roots: (doc_id, first copy's doc_id) for the later copies
   only. They are not joined back onto the articles here: the write stage joins them in
   the grouping by partition it does anyway (transforms/write.py, ``late_columns``), so
   no stage shuffles whole articles a second time.

Nothing holds all documents in one place, and no shuffle carries a signature per band. Per
article, the bucket shuffle carries bands x 16 bytes (512 bytes at the defaults), and the
two verification joins carry its sketch once each, about 2 x (4 x num_perm + 100) bytes
(1.2 KB): about 1.7 KB in all, where one (order key, doc_id, signature) per band was about
20 KB. On top of that, every distinct candidate pair costs about 22 bytes in the Distinct
and the first join and one sketch (4 x num_perm + 100 bytes) in the second, so the total
grows with the number of candidate pairs, i.e. with how many copies the stories have. The
only per-key state is one bucket's (rank, ref) list, or one article's sketches and
partners in a join.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import struct
import unicodedata
from typing import Any, Iterable

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
# Keys of the bucket shuffle (buckets are grouped, see step 3): enough groups to spread
# the work over any cluster, each a few thousand members per 100,000 articles.
BUCKET_GROUPS = 1024
# A bucket member as shuffled: bucket within its group (32 bits), order_rank (32), doc_ref (64).
_MEMBER = struct.Struct("<IIq")
_UNKNOWN_DATE_RANK = (1 << 32) - 1
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
    return float((np.asarray(a) == np.asarray(b)).mean())


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) for a similarity threshold: datasketch's optimum (the one
    MinHashLSH uses), minimising the weighted areas of false positives below the
    threshold and false negatives above it, with misses weighted 9 to 1."""
    from datasketch.lsh import _optimal_param  # noqa: PLC0415 - imports scipy
    return _optimal_param(threshold, num_perm, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)


def band_keys(signature, bands: int, rows: int) -> list[int]:
    """One bucket key per band: a signed 64-bit int hashing the band index and the band's
    values (signed so Beam's varint coder takes it). blake2b, not hash(): the key must
    be the same in every process."""
    packed = np.asarray(signature, dtype=_SIGNATURE_DTYPE)
    return [int.from_bytes(hashlib.blake2b(band.to_bytes(4, "little") + packed[band * rows:(band + 1) * rows].tobytes(),
                                           digest_size=8).digest(), "little", signed=True)
            for band in range(bands)]


def doc_ref(doc_id: str) -> int:
    """A compact stand-in for a doc_id in the shuffles: a signed 64-bit blake2b
    fingerprint. Two doc_ids with one ref (about n^2 / 2^65 for n articles) are still
    told apart: the verification joins compare every sketch under a ref."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


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


def order_rank(order: tuple) -> int:
    """The date part of an ``order_key`` as an unsigned 32-bit int: seconds since 1970,
    clamped to 1970..2106, unknown dates after every real one. How a bucket picks its
    earliest members without shuffling the whole order key; copies within one second
    (or outside that range) tie and are ordered by doc_ref, which only matters when a
    bucket is past ``max_bucket_size``."""
    unknown, micros = order[0], order[1]
    if unknown:
        return _UNKNOWN_DATE_RANK
    return min(max(micros // 1_000_000, 0), _UNKNOWN_DATE_RANK - 1)


def bucket_address(key: int) -> tuple[int, int]:
    """A band's bucket key -> (bucket group, bucket within the group): the group from the
    key's low bits, the bucket from 32 of its high bits. Two buckets of a group that
    share those 32 bits (about one in a thousand groups at 100,000 articles) act as one:
    their members become candidates of each other, which verification rejects unless
    the bodies are alike, so a collision costs comparisons, never a false link."""
    return key % BUCKET_GROUPS, (key >> 32) & 0xFFFFFFFF


def bucket_pairs(members: Iterable[tuple[int, int]], max_bucket_size: int) -> tuple[list[tuple[int, int]], int]:
    """Candidate pairs of one LSH bucket.

    ``members`` are (order_rank, doc_ref). Returns ([(smaller ref, larger ref)], bucket
    size). A bucket of one yields nothing. Members are sorted by (rank, ref) and each is
    paired with every earlier member among the first ``max_bucket_size``: all pairs when
    the bucket is no larger, size x max_bucket_size pairs when it is (the earliest
    members stay candidate first copies of every later one; two later members past the
    cap are not compared in this bucket). Deterministic: the pairs do not depend on the
    order the members arrive in."""
    ordered = sorted(members)
    pairs = []
    for j in range(1, len(ordered)):
        ref = ordered[j][1]
        for _, earlier in ordered[:min(j, max_bucket_size)]:
            pairs.append((earlier, ref) if earlier <= ref else (ref, earlier))
    return pairs, len(ordered)


def verified_link(first: tuple, second: tuple, threshold: float) -> tuple | None:
    """Two sketches (order_key, doc_id, packed signature) -> (later doc_id, (earlier
    order_key, earlier doc_id)) when their estimated Jaccard similarity reaches
    ``threshold``, else None (also for one article met twice)."""
    (order_a, doc_a, signature_a), (order_b, doc_b, signature_b) = first, second
    if order_a == order_b or doc_a == doc_b:
        return None
    similarity = estimated_jaccard(np.frombuffer(signature_a, dtype=_SIGNATURE_DTYPE),
                                   np.frombuffer(signature_b, dtype=_SIGNATURE_DTYPE))
    if similarity < threshold:
        return None
    return (doc_b, (order_a, doc_a)) if order_a < order_b else (doc_a, (order_b, doc_b))


def attach_first_sketch(element) -> Iterable[tuple[int, tuple]]:
    """(ref, {"sketch": [its sketch], "partner": [partner refs]}) -> (partner ref, sketch)
    for each partner: the pair re-keyed by its other article, carrying this one's sketch."""
    _, joined = element
    sketches = list(joined["sketch"])
    for partner in joined["partner"]:
        for sketch in sketches:
            yield partner, sketch


def verify_pairs(element, threshold: float) -> Iterable[tuple]:
    """(ref, {"sketch": [its sketch], "partner": [partner sketches]}) -> the links
    (``verified_link``) between this article and its partners."""
    _, joined = element
    sketches = list(joined["sketch"])
    for partner in joined["partner"]:
        for sketch in sketches:
            link = verified_link(partner, sketch, threshold)
            if link:
                yield link


def jump_to_grandparents(element) -> Iterable[tuple[str, str]]:
    """One pointer-jumping round, for one node: (node, {"children": [...], "parent": [p]})
    to (child, p) for each child, or (child, node) when the node is a root."""
    node, linked = element
    parent = next(iter(linked["parent"]), None)
    for child in linked["children"]:
        yield child, parent or node


class SketchFn(beam.DoFn):
    """article -> (doc_ref, (order_key, doc_id, packed signature)), once per article."""

    def __init__(self, num_perm: int, shingle_size: int, min_shingles: int):
        self._num_perm, self._shingle_size, self._min_shingles = num_perm, shingle_size, min_shingles
        self._short = Metrics.counter("wirebeam", "dedup.short_bodies")

    def process(self, article):
        shingle_set = shingles(article.get("body") or "", self._shingle_size)
        if len(shingle_set) < self._min_shingles:
            self._short.inc()
            return
        signature = signature_of(shingle_set, self._num_perm)
        yield doc_ref(article["doc_id"]), (order_key(article), article["doc_id"],
                                           np.asarray(signature, dtype=_SIGNATURE_DTYPE).tobytes())


def bucket_members(sketch, bands: int, rows: int) -> Iterable[tuple[int, tuple[int, int, int]]]:
    """(doc_ref, sketch) -> (bucket group, (bucket, order_rank, doc_ref)), one per band."""
    ref, (order, _, signature) = sketch
    rank = order_rank(order)
    for key in band_keys(np.frombuffer(signature, dtype=_SIGNATURE_DTYPE), bands, rows):
        group, bucket = bucket_address(key)
        yield group, (bucket, rank, ref)


class PackMembers(beam.CombineFn):
    """(bucket, order_rank, doc_ref) members of one bucket group -> one packed string of
    16-byte members (``unpack_members`` reads it back). Pre-combined on the workers, so
    the shuffle carries a few arrays per group, not one small element per article and
    band: on the DirectRunner each shuffled element costs ~60 bytes of bookkeeping in
    the launcher, ~250 MB for the 3.2 million members of 100,000 articles. The
    launcher still holds the packed bytes, and copies them twice while handing them to
    the workers: at 100,000 articles this grouping was the run's peak with 24-byte
    members."""

    def create_accumulator(self):
        return bytearray()

    def add_input(self, packed, member):
        packed += _MEMBER.pack(*member)
        return packed

    def merge_accumulators(self, accumulators):
        return bytearray().join(accumulators)

    def extract_output(self, packed):
        return bytes(packed)


def unpack_members(packed: bytes) -> Iterable[tuple[int, int, int]]:
    return _MEMBER.iter_unpack(packed)


def buckets_of_group(members: Iterable[tuple[int, int, int]]) -> dict[int, list[tuple[int, int]]]:
    """A bucket group's (bucket, order_rank, doc_ref) members -> {bucket: [(order_rank, doc_ref)]}."""
    buckets: dict = {}
    for bucket, rank, ref in members:
        buckets.setdefault(bucket, []).append((rank, ref))
    return buckets


class BucketPairsFn(beam.DoFn):
    def __init__(self, max_bucket_size: int):
        self._max_bucket_size = max_bucket_size
        self._bucket_sizes = Metrics.distribution("wirebeam", "dedup.bucket_size")
        self._oversized = Metrics.counter("wirebeam", "dedup.oversized_buckets")

    def process(self, element):
        group, packed = element
        for bucket, members in buckets_of_group(unpack_members(packed)).items():
            if len(members) < 2:
                continue
            pairs, size = bucket_pairs(members, self._max_bucket_size)
            self._bucket_sizes.update(size)
            if size > self._max_bucket_size:
                self._oversized.inc()
                log.warning("dedup: LSH bucket %d/%d of %d articles; each is compared with its %d earliest only",
                            group, bucket, size, self._max_bucket_size)
            yield from pairs


class VerifyPairsFn(beam.DoFn):
    def __init__(self, threshold: float):
        self._threshold = threshold
        self._links = Metrics.counter("wirebeam", "dedup.verified_links")

    def process(self, element):
        for link in verify_pairs(element, self._threshold):
            self._links.inc()
            yield link


class CountDuplicatesFn(beam.DoFn):
    def __init__(self):
        self._duplicates = Metrics.counter("wirebeam", "dedup.duplicates")

    def process(self, link):
        self._duplicates.inc()
        yield link


class FindNearDuplicates(beam.PTransform):
    """articles -> (doc_id, first copy's doc_id) for every article that is a later copy of
    a story; first copies and articles with no copy yield nothing. Reads ``doc_id``,
    ``body``, ``published_at``, ``source_uri`` and ``source_record``.

    ``threshold``: estimated Jaccard similarity of the bodies' shingle sets from which two
    articles are copies of one story. ``shingle_size``: words per shingle. ``num_perm``:
    MinHash size (the estimate's standard error is about 0.04 at 128). ``min_shingles``:
    shorter bodies are left alone. ``max_bucket_size``: earliest members of an LSH bucket
    that every member is compared with; larger buckets are counted and logged.
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
        sketches = articles | "Sketch" >> beam.ParDo(
            SketchFn(self._num_perm, self._shingle_size, self._min_shingles))
        pairs = (
            sketches
            | "BucketMembers" >> beam.FlatMap(bucket_members, bands, rows)
            | "PackBucketGroups" >> beam.CombinePerKey(PackMembers())
            | "BucketPairs" >> beam.ParDo(BucketPairsFn(self._max_bucket_size))
            | "DistinctPairs" >> beam.Distinct()
        )
        with_first = (
            {"sketch": sketches, "partner": pairs}
            | "JoinFirstSketch" >> beam.CoGroupByKey()
            | "AttachFirstSketch" >> beam.FlatMap(attach_first_sketch)
        )
        parents = (
            {"sketch": sketches, "partner": with_first}
            | "JoinSecondSketch" >> beam.CoGroupByKey()
            | "VerifyPairs" >> beam.ParDo(VerifyPairsFn(self._threshold)).with_output_types(tuple[Any, Any])
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
        return roots | "CountDuplicates" >> beam.ParDo(CountDuplicatesFn())
