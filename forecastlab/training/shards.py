"""Stable hash shards of the series, so backtests fan out over a few partitions, not thousands."""

from __future__ import annotations

import numpy as np

DEFAULT_SHARDS = 4


def shard_keys(n_shards: int = DEFAULT_SHARDS) -> list[str]:
    """Partition keys `shard_0 … shard_{n-1}`."""
    if not 1 <= n_shards <= 64:
        raise ValueError(f"n_shards must be between 1 and 64, got {n_shards}")
    return [f"shard_{i}" for i in range(n_shards)]


def shard_index(key: str) -> int:
    """`shard_3` -> 3."""
    prefix, _, number = key.partition("_")
    if prefix != "shard" or not number.isdigit():
        raise ValueError(f"not a shard key: {key!r}")
    return int(number)


def shard_of(
    store_id: np.ndarray, product_id: np.ndarray, n_shards: int = DEFAULT_SHARDS
) -> np.ndarray:
    """The shard of each (store, product), vectorized; independent of the catalogue's size."""
    # A fixed multiplicative mix (not Python's salted hash) keeps assignments stable across runs.
    mixed = (np.asarray(store_id, dtype=np.uint64) * np.uint64(2654435761)) ^ (
        np.asarray(product_id, dtype=np.uint64) * np.uint64(40503)
    )
    return (mixed % np.uint64(n_shards)).astype(np.int64)
