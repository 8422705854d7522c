"""Aggregation, stability index, comparison and leakage check (§7.5-§7.7)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest import (
    Fold,
    SplitConfig,
    aggregate_buckets,
    aggregate_folds,
    comparison_summary,
    finite_mean,
    leakage_check_passed,
    split_indices,
    stability_index,
)


def _metrics(mae: float, **rest: float) -> dict[str, float]:
    return {"mae": mae, "rmse": 1.0, "smape": 1.0, "wape": 1.0, "bias": 0.0} | rest


def test_finite_mean_skips_nan_and_inf() -> None:
    assert finite_mean(np.array([1.0, np.nan, 3.0, np.inf])) == 2.0
    assert math.isnan(finite_mean(np.array([np.nan, np.inf])))
    np.testing.assert_array_equal(
        finite_mean(np.array([[1.0, 3.0], [np.nan, 5.0]]), axis=1), [2, 5]
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([2.0, 2.0], 0.0),
        ([1.0, 3.0], 50.0),  # population std 1 / mean 2
        ([1.0, 3.0, np.nan], 50.0),
        ([-1.0, 1.0], math.inf),  # mean 0
        ([4.0], math.nan),  # fewer than 2 valid folds
        ([4.0, np.nan], math.nan),
        ([-2.0, -6.0], 50.0),  # |mean|
    ],
)
def test_stability_index(values: list[float], expected: float) -> None:
    got = float(stability_index(np.array(values)))
    assert got == pytest.approx(expected, nan_ok=True)


def test_aggregate_folds_means_and_stability() -> None:
    folds = [
        _metrics(1.0, wape=math.inf),
        _metrics(3.0, wape=20.0),
        _metrics(math.nan, wape=math.nan),
    ]
    means, stability = aggregate_folds(folds)
    assert means["mae"] == 2.0
    assert means["wape"] == 20.0  # the +inf fold is skipped (D-03)
    assert stability["mae_stability"] == pytest.approx(50.0)
    assert math.isnan(stability["wape_stability"])
    assert set(stability) == {f"{m}_stability" for m in means}


def test_aggregate_buckets_over_the_folds_that_emitted_them() -> None:
    assert aggregate_buckets([{}, {}]) is None
    result = aggregate_buckets(
        [{"h_8_14": _metrics(2.0)}, {"h_8_14": _metrics(4.0), "h_1_7": _metrics(1.0)}]
    )
    assert list(result) == ["h_1_7", "h_8_14"]
    assert result["h_1_7"]["mae"] == 1.0
    assert result["h_8_14"]["mae"] == 3.0


def test_comparison_positive_when_main_beats_the_baseline() -> None:
    main = _metrics(5.0, bias=-1.0)
    naive = _metrics(10.0, bias=2.0)
    seasonal = _metrics(4.0, bias=-0.5)
    summary = comparison_summary(main, naive, seasonal)
    assert summary["mae"] == {
        "main": 5.0,
        "naive": 10.0,
        "seasonal_naive": 4.0,
        "vs_naive_pct": 50.0,
        "vs_seasonal_pct": -25.0,
    }
    # Bias on absolute values: |-1| vs |2| -> 50 % better; vs |-0.5| -> 100 % worse.
    assert summary["bias"]["vs_naive_pct"] == 50.0
    assert summary["bias"]["vs_seasonal_pct"] == -100.0


def test_comparison_omits_zero_nan_or_missing_baselines() -> None:
    summary = comparison_summary(_metrics(1.0), _metrics(0.0, wape=math.nan), None)
    assert summary["mae"] == {"main": 1.0, "naive": 0.0, "seasonal_naive": None}
    assert "vs_naive_pct" not in summary["wape"]
    assert summary["rmse"]["vs_naive_pct"] == 0.0


def _dates(n: int) -> np.ndarray:
    return pd.date_range("2024-01-01", periods=n, freq="D").to_numpy()


@pytest.mark.parametrize("strategy", ["expanding", "sliding"])
@pytest.mark.parametrize("gap", [0, 3])
def test_leakage_check_passes_for_the_splitter_folds(strategy: str, gap: int) -> None:
    config = SplitConfig(strategy=strategy, n_splits=4, min_train_size=20, gap=gap, horizon=7)
    assert leakage_check_passed(split_indices(80, config), _dates(80), gap)


def test_leakage_check_fails_on_overlap_short_gap_or_date_order() -> None:
    dates = _dates(60)
    overlapping = Fold(index=0, train_start=0, train_end=30, test_start=25, test_end=35)
    assert not leakage_check_passed([overlapping], dates, 0)
    adjacent = Fold(index=0, train_start=0, train_end=30, test_start=31, test_end=40)
    assert leakage_check_passed([adjacent], dates, 1)
    assert not leakage_check_passed([adjacent], dates, 2)
    assert not leakage_check_passed([adjacent], dates[::-1], 0)
