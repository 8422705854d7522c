"""The split-conformal rule on tiny inputs: ranks, bucket fallback, bounds, levels, JSON."""

from __future__ import annotations

import itertools
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest.runner import BacktestConfig, run_backtest
from forecastlab.backtest.splitter import SplitConfig
from forecastlab.intervals import (
    Calibration,
    RunCalibration,
    SourceFold,
    calibrations_from_fold_errors,
    conformal_rank,
    min_residuals,
)
from forecastlab.models import NaiveConfig
from forecastlab.training.fold_metrics import fold_sums


def _week(residuals: list[float]) -> Calibration:
    """A calibration whose residuals all sit in h_1_7."""
    return Calibration.from_residuals(np.ones(len(residuals), dtype=int), np.array(residuals))


@pytest.mark.parametrize(
    ("n", "level", "rank"),
    [
        (4, 0.8, 4),  # ⌈5 x 0.8⌉ = 4
        (9, 0.8, 8),  # ⌈10 x 0.8⌉ = 8, although 10 x 0.8 is not exactly 8 in binary
        (9, 0.9, 9),  # 10 x 0.9 = 9.000000000000002 in binary: still rank 9
        (10, 0.8, 9),  # ⌈8.8⌉
        (1, 0.5, 1),
        (35, 0.8, 29),  # five folds x 7 days
    ],
)
def test_rank_is_the_finite_sample_quantile(n: int, level: float, rank: int) -> None:
    assert conformal_rank(n, level) == rank


@pytest.mark.parametrize(("level", "needed"), [(0.5, 1), (0.8, 4), (0.9, 9), (0.95, 19)])
def test_min_residuals_is_the_first_count_with_a_rank_inside(level: float, needed: int) -> None:
    assert min_residuals(level) == needed
    assert conformal_rank(needed, level) <= needed
    assert conformal_rank(needed - 1, level) > needed - 1


def test_half_width_is_the_ranked_absolute_residual() -> None:
    calibration = _week([-5.0, 1.0, 3.0, -2.0, 4.0])  # |r| sorted: 1 2 3 4 5
    assert calibration.residuals == {"h_1_7": (1.0, 2.0, 3.0, 4.0, 5.0)}
    assert calibration.half_widths(0.5) == {"h_1_7": 3.0}  # ⌈6 x 0.5⌉ = 3rd
    assert calibration.half_widths(0.8) == {"h_1_7": 5.0}  # ⌈4.8⌉ = 5th
    assert calibration.half_widths(0.9) == {"h_1_7": None}  # ⌈5.4⌉ = 6th of 5: too few


def test_bounds_are_the_forecast_plus_minus_the_half_width_floored_at_zero() -> None:
    interval = _week([1.0, 2.0, 3.0, 4.0, 5.0]).interval(np.array([10.0, 2.0, 0.0]), 0.5)
    np.testing.assert_array_equal(interval.lower, [7.0, 0.0, 0.0])
    np.testing.assert_array_equal(interval.upper, [13.0, 5.0, 3.0])
    assert interval.note is None and interval.available


def test_a_later_bucket_borrows_the_nearest_earlier_one_with_enough() -> None:
    steps = np.array([1, 2, 3, 4, 8, 15, 16, 17, 18])  # 4 in h_1_7, 1 in h_8_14, 4 in h_15_28
    residuals = np.array([1.0, 2.0, 3.0, 4.0, 9.0, 5.0, 6.0, 7.0, 8.0])
    calibration = Calibration.from_residuals(steps, residuals)
    assert calibration.counts == {"h_1_7": 4, "h_8_14": 1, "h_15_28": 4}
    interval = calibration.interval(np.full(30, 10.0), 0.8)  # a bucket needs 4 residuals
    width = interval.upper - 10.0
    assert (width[:7] == 4.0).all()  # own
    assert (width[7:14] == 4.0).all()  # h_8_14 has 1: borrows h_1_7's
    assert (width[14:28] == 8.0).all()  # own again
    assert (width[28:] == 8.0).all()  # h_29_plus has none: borrows h_15_28's
    assert interval.note == (
        "steps 8-14 use the h_1_7 half-width (1 residuals at h_8_14, level 0.8 needs 4); "
        "steps 29-30 use the h_15_28 half-width (0 residuals at h_29_plus, level 0.8 needs 4)"
    )


def test_without_enough_in_an_earlier_bucket_there_is_no_interval() -> None:
    calibration = Calibration.from_residuals(np.array([1, 8, 9, 10, 11]), np.ones(5))
    interval = calibration.interval(np.full(10, 3.0), 0.8)
    assert np.isnan(interval.lower[:7]).all() and np.isnan(interval.upper[:7]).all()
    np.testing.assert_array_equal(interval.upper[7:], [4.0, 4.0, 4.0])  # h_8_14 has its own
    assert interval.pairs()[0] == (None, None)
    assert interval.note.startswith("steps 1-7 have no bounds (1 residuals at h_1_7")


def test_higher_levels_never_narrow_the_interval() -> None:
    rng = np.random.default_rng(3)
    calibration = Calibration.from_residuals(
        np.tile(np.arange(1, 15), 5), rng.normal(0, 4, 70)
    )  # 35 per bucket
    forecast = np.full(14, 20.0)
    levels = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    widths = [calibration.interval(forecast, level).upper - forecast for level in levels]
    for narrow, wide in itertools.pairwise(widths):
        assert (wide >= narrow).all()
    assert (widths[-1] > widths[0]).all()
    assert not calibration.interval(forecast, 0.99).available  # 35 residuals, 0.99 needs 99


def test_json_round_trip_keeps_every_residual_and_fold() -> None:
    calibration = Calibration.from_residuals(
        np.array([1, 2, 8, 9]),
        np.array([-1.23456789, 2.0, 0.5, -3.0]),
        folds=[SourceFold(0, date(2025, 5, 1)), SourceFold(1, date(2025, 5, 15))],
    )
    run = RunCalibration(level=0.8, series={(1, 2): calibration, (3, 4): Calibration({}, note="x")})
    payload = json.loads(json.dumps(run.to_json()))
    assert RunCalibration.from_json(payload) == run
    first = payload["series"][0]
    assert first["abs_residuals"] == {"h_1_7": [1.234568, 2.0], "h_8_14": [0.5, 3.0]}
    assert first["residual_counts"] == {"h_1_7": 2, "h_8_14": 2}
    assert first["half_widths"] == {"h_1_7": None, "h_8_14": None}  # 2 < 4 at 0.8
    assert first["folds"] == [
        {"fold": 0, "cutoff": "2025-05-01"},
        {"fold": 1, "cutoff": "2025-05-15"},
    ]
    assert payload["series"][1]["note"] == "x"
    with pytest.raises(ValueError, match="not a split_conformal"):
        RunCalibration.from_json({**payload, "method": "quantile_regression"})


def test_a_series_the_run_did_not_calibrate_has_no_bounds() -> None:
    run = RunCalibration(level=0.8, series={(1, 2): _week([1.0, 2.0, 3.0, 4.0])})
    interval = run.interval(5, 6, np.ones(3), 0.8)
    assert not interval.available
    assert "no residuals for store 5 product 6" in interval.note


def test_many_rows_at_once_match_each_series_interval() -> None:
    rng = np.random.default_rng(7)
    series = {
        (1, 1): Calibration.from_residuals(np.tile(np.arange(1, 15), 4), rng.normal(0, 2, 56)),
        (1, 2): Calibration.from_residuals(np.tile(np.arange(1, 8), 4), rng.normal(0, 9, 28)),
        (2, 1): Calibration.from_residuals(np.arange(1, 3), np.ones(2)),  # too few anywhere
    }
    run = RunCalibration(level=0.8, series=series)
    keys = [*series, (9, 9)]
    store = np.repeat([k[0] for k in keys], 20)
    product = np.repeat([k[1] for k in keys], 20)
    step = np.tile(np.arange(1, 21), len(keys))
    forecast = rng.uniform(0, 30, step.size)
    lower, upper = run.bounds(store, product, step, forecast, 0.8)
    for i, (store_id, product_id) in enumerate(keys):
        rows = slice(20 * i, 20 * (i + 1))
        one = run.interval(store_id, product_id, forecast[rows], 0.8)
        np.testing.assert_array_equal(lower[rows], one.lower)
        np.testing.assert_array_equal(upper[rows], one.upper)
    assert np.isfinite(lower[:40]).all() and np.isnan(lower[40:]).all()
    assert (lower[:40] >= 0).all()


def test_a_backtest_calibrates_on_every_fold_at_its_lead_times() -> None:
    y = np.arange(60, dtype=float)  # naive misses by exactly the lead time
    dates = np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-03-02"))
    split = SplitConfig(n_splits=3, min_train_size=30, gap=2, horizon=9)
    result = run_backtest(
        dates, y, BacktestConfig(split_config=split, model_config_main=NaiveConfig())
    )
    calibration = Calibration.from_backtest(result)
    assert [fold.fold for fold in calibration.folds] == [0, 1, 2]
    assert calibration.folds[0].cutoff == date(2025, 1, 30)
    # Lead times 3..11 (gap 2): 3..7 in h_1_7, 8..11 in h_8_14, errors = lead times.
    assert calibration.residuals == {
        "h_1_7": tuple(float(v) for v in np.repeat(np.arange(3, 8), 3)),
        "h_8_14": tuple(float(v) for v in np.repeat(np.arange(8, 12), 3)),
    }


def test_fold_errors_as_stored_calibrate_each_series() -> None:
    cv = pd.DataFrame(
        {
            "unique_id": ["1/2"] * 4 + ["3/4"] * 2,
            "ds": pd.date_range("2025-01-01", periods=6),
            "cutoff": [date(2025, 1, 1)] * 2 + [date(2025, 1, 8)] * 2 + [date(2025, 1, 1)] * 2,
            "fold": [0, 0, 1, 1, 0, 0],
            "horizon_step": [1, 8, 1, 8, 1, 2],
            "y": [10.0, 10.0, 10.0, 10.0, 5.0, 5.0],
            "naive": [7.0, 14.0, 11.0, 10.0, 5.0, np.nan],
        }
    )
    stored = fold_sums(cv, ["naive"])
    run = calibrations_from_fold_errors(stored, 0.8)
    assert run.series[(1, 2)] == Calibration(
        residuals={"h_1_7": (1.0, 3.0), "h_8_14": (0.0, 4.0)},
        folds=(SourceFold(0, date(2025, 1, 1)), SourceFold(1, date(2025, 1, 8))),
    )
    assert run.series[(3, 4)].residuals == {"h_1_7": (0.0,)}  # the NaN forecast is not scored
    assert calibrations_from_fold_errors(stored.iloc[0:0], 0.8).series == {}
