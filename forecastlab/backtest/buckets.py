"""Horizon buckets (spec §7.5): which lead-time band each scored test point falls in.

A test point's horizon offset is `gap + j` for test position j (1-based) — Decision D-04:
the forecast starts at the train end, so the gap rows count towards the lead time.
"""

from __future__ import annotations

import math

import numpy as np

# (bucket id, first offset, last offset), inclusive, in response order.
HORIZON_BUCKETS: tuple[tuple[str, int, float], ...] = (
    ("h_1_7", 1, 7),
    ("h_8_14", 8, 14),
    ("h_15_28", 15, 28),
    ("h_29_plus", 29, math.inf),
)
BUCKET_IDS: tuple[str, ...] = tuple(bucket for bucket, _, _ in HORIZON_BUCKETS)


def horizon_offsets(gap: int, horizon: int) -> np.ndarray:
    """Offsets `gap + 1 … gap + horizon` of the test positions."""
    return gap + np.arange(1, horizon + 1)


def bucket_masks(offsets: np.ndarray) -> dict[str, np.ndarray]:
    """One boolean mask per bucket over an offsets array of any shape (empty ones included)."""
    offsets = np.asarray(offsets)
    return {bucket: (offsets >= lo) & (offsets <= hi) for bucket, lo, hi in HORIZON_BUCKETS}
