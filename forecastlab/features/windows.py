"""Position-based window primitives shared by every feature builder.

A series is a row of a 2-D matrix whose columns are positions: observed history first, then
the future steps, which hold NaN because their targets are unknown. A feature of position p
only reads positions strictly before p (or p itself for planned inputs such as prices), so a
value that needs an unobserved position comes out NaN through ordinary NaN propagation — the
same code therefore serves historical rows and future rows (spec §5.6, never recursive).
"""

from __future__ import annotations

import numpy as np


def take_back(
    matrix: np.ndarray, rows: np.ndarray, positions: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """`matrix[rows, positions - offset]` for every offset, shape (queries, offsets).

    Indices before the first column are NaN (no history there), never a wrap-around.
    """
    index = positions[:, None] - np.asarray(offsets)[None, :]
    values = matrix[rows[:, None], np.maximum(index, 0)].astype(float)
    values[index < 0] = np.nan
    return values


def trailing(matrix: np.ndarray, rows: np.ndarray, positions: np.ndarray, width: int) -> np.ndarray:
    """The window ending the row before each position (p-width … p-1, oldest first; §5.3)."""
    return take_back(matrix, rows, positions, np.arange(width, 0, -1))


def window_mean(window: np.ndarray) -> np.ndarray:
    """Row means; NaN unless the whole window is observed (min_periods = width)."""
    return window.mean(axis=1)


def window_std(window: np.ndarray) -> np.ndarray:
    """Row sample standard deviations (ddof = 1, the pandas default of §5.3)."""
    return window.std(axis=1, ddof=1)


def window_median(window: np.ndarray) -> np.ndarray:
    """Row medians; NaN unless the whole window is observed."""
    return np.median(window, axis=1)


def window_slope(window: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row against 0 … width-1 (the `trend_w` feature)."""
    x = np.arange(window.shape[1], dtype=float)
    x -= x.mean()
    centred = window - window.mean(axis=1, keepdims=True)
    return centred @ x / (x @ x)


def safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator with NaN on a zero denominator (§5.6 `_vs_` ratios)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator == 0, np.nan, numerator / denominator)
