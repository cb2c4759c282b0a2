"""Deterministic sharding shared by the stages that key elements by a hash."""
from __future__ import annotations

import hashlib


def stable_shard(key: str, shards: int) -> int:
    """A shard number that does not depend on Python's per-process hash seed, so the same
    key lands in the same shard on every worker and in every run."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % max(1, shards)
