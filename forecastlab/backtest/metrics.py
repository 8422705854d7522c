"""Point-forecast metrics (spec §7.4), vectorised over many slices at once.

The batch forms take 2-D arrays (one row per seriesxfold slice) and a mask of the cells
that belong to each slice, so slices of unequal length share one array. The scalar forms
are the batch forms on a single slice, so both follow one definition.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

METRIC_NAMES: tuple[str, ...] = ("mae", "rmse", "smape", "wape", "bias")

BatchMetric = Callable[[np.ndarray, np.ndarray, np.ndarray | None], np.ndarray]


def _prepare(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(actual, predicted, count per row) with cells outside the mask zeroed.

    Zeroing keeps padding (often NaN) out of every sum; the count per row says how many
    cells are real, and a row with none yields NaN.
    """
    a = np.asarray(actual, dtype=np.float64)
    f = np.asarray(predicted, dtype=np.float64)
    m = np.ones(a.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    return np.where(m, a, 0.0), np.where(m, f, 0.0), m.sum(axis=-1)


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """total / count per row, NaN where the row is empty."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def batch_mae(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Mean |A - F| per row."""
    a, f, count = _prepare(actual, predicted, mask)
    return _mean(np.abs(a - f).sum(axis=-1), count)


def batch_rmse(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """√(mean (A - F)²) per row."""
    a, f, count = _prepare(actual, predicted, mask)
    return np.sqrt(_mean(((a - f) ** 2).sum(axis=-1), count))


def batch_smape(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """100 x mean 2|A - F| / (|A| + |F|) per row; a point with A = F = 0 contributes 0."""
    a, f, count = _prepare(actual, predicted, mask)
    denominator = np.abs(a) + np.abs(f)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(denominator > 0, 2.0 * np.abs(a - f) / denominator, 0.0)
    return 100.0 * _mean(term.sum(axis=-1), count)


def batch_wape(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """100 x Σ|A - F| / Σ|A| per row; +inf when Σ|A| = 0, NaN when the row is empty."""
    a, f, count = _prepare(actual, predicted, mask)
    scale = np.abs(a).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(scale > 0, 100.0 * np.abs(a - f).sum(axis=-1) / scale, np.inf)
    return np.where(count > 0, ratio, np.nan)


def batch_bias(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Mean (A - F) per row: positive = under-forecast."""
    a, f, count = _prepare(actual, predicted, mask)
    return _mean((a - f).sum(axis=-1), count)


BATCH_METRICS: dict[str, BatchMetric] = {
    "mae": batch_mae,
    "rmse": batch_rmse,
    "smape": batch_smape,
    "wape": batch_wape,
    "bias": batch_bias,
}


def batch_metrics(
    actual: np.ndarray, predicted: np.ndarray, mask: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Every metric per row of 2-D (slices x points) arrays."""
    return {name: fn(actual, predicted, mask) for name, fn in BATCH_METRICS.items()}


def _one_slice(fn: BatchMetric, actual: np.ndarray, predicted: np.ndarray) -> float:
    """A batch metric on a single 1-D slice."""
    a = np.asarray(actual, dtype=np.float64).reshape(1, -1)
    f = np.asarray(predicted, dtype=np.float64).reshape(1, -1)
    if a.shape != f.shape:
        raise ValueError(f"actual has {a.shape[1]} points, predicted {f.shape[1]}")
    return float(fn(a, f, None)[0])


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute error; NaN on an empty slice."""
    return _one_slice(batch_mae, actual, predicted)


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Root mean squared error; NaN on an empty slice."""
    return _one_slice(batch_rmse, actual, predicted)


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric MAPE in percent (0-200); A = F = 0 points count as 0 error."""
    return _one_slice(batch_smape, actual, predicted)


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Weighted absolute percentage error; +inf when every actual is 0."""
    return _one_slice(batch_wape, actual, predicted)


def bias(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean (actual - predicted); positive = under-forecast."""
    return _one_slice(batch_bias, actual, predicted)


def calculate_all(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """`{mae, rmse, smape, wape, bias}` of one slice."""
    return {name: _one_slice(fn, actual, predicted) for name, fn in BATCH_METRICS.items()}
