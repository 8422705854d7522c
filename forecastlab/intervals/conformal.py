"""The split-conformal rule per horizon bucket, vectorised over series.

Given n absolute backtest residuals |actual - forecast| at some lead time, the interval
forecast ± q covers a new point at that lead time with probability >= level when q is the
⌈(n+1)·level⌉-th smallest residual (finite-sample split conformal: the new point and the
residuals exchangeable). A bucket with fewer residuals than that rank has no half-width of its
own and borrows the nearest earlier bucket's (a shorter lead time, so a narrower interval than
it should be), or has none when no earlier bucket has enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from forecastlab.backtest.buckets import BUCKET_IDS, HORIZON_BUCKETS

# (n+1)·level is a whole number in decimal but not always in binary (10 x 0.9 = 9.000000000000002):
# without the tolerance that rank would come out one too high.
_RANK_TOLERANCE: Final = 1e-9
_BUCKET_STARTS: Final = np.array([first for _, first, _ in HORIZON_BUCKETS])


def check_level(level: float) -> None:
    """Raise ValueError unless 0 < level < 1."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"an interval level is strictly between 0 and 1, got {level}")


def conformal_rank(n: np.ndarray | int, level: float) -> np.ndarray:
    """The 1-based rank ⌈(n+1)·level⌉ of the half-width among n sorted residuals."""
    check_level(level)
    scaled = (np.asarray(n, dtype=np.float64) + 1.0) * level
    return np.ceil(scaled - _RANK_TOLERANCE).astype(np.int64)


def min_residuals(level: float) -> int:
    """The fewest residuals a bucket needs for a half-width of its own at `level`."""
    check_level(level)
    return math.ceil(level / (1.0 - level) - _RANK_TOLERANCE)


def bucket_position(steps: np.ndarray) -> np.ndarray:
    """The index into BUCKET_IDS of each lead time (steps >= 1)."""
    return np.searchsorted(_BUCKET_STARTS, np.asarray(steps), side="right") - 1


@dataclass(frozen=True)
class HalfWidths:
    """Half-widths per (series, bucket) at one level, and where each came from.

    `width` is NaN where a bucket has no interval; `source` is the bucket index whose
    residuals gave the width (itself, an earlier bucket, or -1 for none); `count` and `rank`
    are the bucket's own residual count and the rank the level asks of it.
    """

    level: float
    width: np.ndarray
    source: np.ndarray
    count: np.ndarray
    rank: np.ndarray


def half_widths(residuals: np.ndarray, count: np.ndarray, level: float) -> HalfWidths:
    """Half-widths of sorted residuals (series, bucket, slot), NaN-padded past `count`."""
    rank = conformal_rank(count, level)
    enough = rank <= count
    slot = np.clip(rank - 1, 0, residuals.shape[-1] - 1)
    own = np.where(enough, np.take_along_axis(residuals, slot[..., None], axis=-1)[..., 0], np.nan)
    # Carry the latest bucket with a width of its own forward to the longer lead times.
    source = np.maximum.accumulate(np.where(enough, np.arange(len(BUCKET_IDS)), -1), axis=-1)
    width = np.where(source >= 0, np.take_along_axis(own, np.maximum(source, 0), axis=-1), np.nan)
    return HalfWidths(level=level, width=width, source=source, count=count, rank=rank)


def interval_bounds(forecast: np.ndarray, width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) = (max(0, forecast - width), forecast + width); NaN where width is NaN."""
    forecast = np.asarray(forecast, dtype=np.float64)
    # Demand is never negative, so the lower bound is floored like the forecasts are (D-11).
    # np.maximum keeps NaN (no interval) where np.fmax would turn it into 0.
    return np.maximum(forecast - width, 0.0), forecast + width
