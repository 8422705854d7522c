"""Fold aggregation, stability index, baseline comparison and the leakage check (§7.5-§7.7).

Aggregations skip non-finite fold values (Decision D-03: mean over the finite ones, NaN
when none), so one all-zero test window (WAPE = +inf) does not wipe out a model's WAPE.
`finite_mean` and `stability_index` work along an axis, so the panel engine aggregates a
(series x folds) matrix with the same code the single-series runner uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from forecastlab.backtest.buckets import BUCKET_IDS
from forecastlab.backtest.metrics import METRIC_NAMES
from forecastlab.backtest.splitter import Fold

BucketMetrics = Mapping[str, Mapping[str, float]]


def finite_mean(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean of the finite values along `axis`; NaN where there are none."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    count = finite.sum(axis=axis)
    total = np.where(finite, v, 0.0).sum(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def stability_index(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Population std / |mean| x 100 of the finite values along `axis`.

    NaN with fewer than 2 finite values; +inf when their mean is 0.
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    count = finite.sum(axis=axis)
    mean = finite_mean(v, axis=axis)
    deviation = np.where(finite, v - np.expand_dims(mean, axis), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.sqrt((deviation**2).sum(axis=axis) / count)
        index = np.where(mean == 0, np.inf, std / np.abs(mean) * 100.0)
    return np.where(count >= 2, index, np.nan)


def aggregate_folds(
    fold_metrics: Sequence[Mapping[str, float]],
) -> tuple[dict[str, float], dict[str, float]]:
    """(aggregated_metrics, metric_std) of one model: per-metric means and stability indices."""
    matrix = np.array(
        [[fold[name] for name in METRIC_NAMES] for fold in fold_metrics], dtype=np.float64
    ).reshape(-1, len(METRIC_NAMES))
    means = finite_mean(matrix, axis=0)
    stability = stability_index(matrix, axis=0)
    return (
        {name: float(means[i]) for i, name in enumerate(METRIC_NAMES)},
        {f"{name}_stability": float(stability[i]) for i, name in enumerate(METRIC_NAMES)},
    )


def aggregate_buckets(fold_buckets: Sequence[BucketMetrics]) -> dict[str, dict[str, float]] | None:
    """Per bucket, the mean over the folds that emitted it; None when no fold emitted any."""
    result = {
        bucket: aggregate_folds([fold[bucket] for fold in fold_buckets if bucket in fold])[0]
        for bucket in BUCKET_IDS
        if any(bucket in fold for fold in fold_buckets)
    }
    return result or None


def improvement_pct(main: float, baseline: float | None) -> float | None:
    """(baseline - main) / baseline x 100; None when the baseline is missing, 0 or not finite."""
    if baseline is None or not math.isfinite(baseline) or baseline == 0:
        return None
    return (baseline - main) / baseline * 100.0


def comparison_summary(
    main: Mapping[str, float],
    naive: Mapping[str, float] | None,
    seasonal_naive: Mapping[str, float] | None,
) -> dict[str, dict[str, float | None]]:
    """Spec §7.6 per metric: the three values and how much main beats each baseline (%).

    Positive = main is better. Bias is signed, so it is compared on absolute values. An
    improvement is omitted when its baseline is absent, 0 or not finite.
    """
    summary: dict[str, dict[str, float | None]] = {}
    for name in METRIC_NAMES:
        # Bias is better the closer it is to 0, so only its magnitude is compared.
        magnitude = abs if name == "bias" else float
        entry: dict[str, float | None] = {
            "main": main[name],
            "naive": naive[name] if naive else None,
            "seasonal_naive": seasonal_naive[name] if seasonal_naive else None,
        }
        for key, baseline in (("vs_naive_pct", naive), ("vs_seasonal_pct", seasonal_naive)):
            pct = improvement_pct(
                magnitude(main[name]), magnitude(baseline[name]) if baseline else None
            )
            if pct is not None:
                entry[key] = pct
        summary[name] = entry
    return summary


def leakage_check_passed(folds: Sequence[Fold], dates: np.ndarray, gap: int) -> bool:
    """Spec §7.7: every fold's train ends before its test starts, `gap` rows apart, disjoint."""
    for fold in folds:
        last_train = fold.train_end - 1
        if not dates[last_train] < dates[fold.test_start]:
            return False
        # Rows strictly between the last train row and the first test row.
        if fold.test_start - last_train - 1 < gap:
            return False
        if np.intersect1d(fold.train_index, fold.test_index).size:
            return False
    return True
