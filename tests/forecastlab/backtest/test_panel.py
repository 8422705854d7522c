"""The vectorised panel engine equals the single-series runner, value for value."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest import (
    BacktestConfig,
    SplitConfig,
    backtest_baselines,
    panel_metrics,
    run_backtest,
)
from forecastlab.models import (
    ADIDAConfig,
    CrostonConfig,
    IMAPAConfig,
    ModelConfigBase,
    MovingAverageConfig,
    NaiveConfig,
    RegressionConfig,
    SeasonalAverageConfig,
    SeasonalNaiveConfig,
    TrendRegressionBaselineConfig,
    TSBConfig,
    WeightedMovingAverageConfig,
)

MODELS = (
    NaiveConfig(),
    SeasonalNaiveConfig(season_length=7),
    MovingAverageConfig(window_size=5),
    WeightedMovingAverageConfig(window_size=6, weight_strategy="exponential", decay=0.6),
    WeightedMovingAverageConfig(window_size=4),
    SeasonalAverageConfig(season_length=7, lookback_cycles=5, trim_outliers=True),
    SeasonalAverageConfig(season_length=3, lookback_cycles=2),
    TrendRegressionBaselineConfig(alpha=1.0),
    TrendRegressionBaselineConfig(alpha=25.0, include_dow=False),
    CrostonConfig(),
    CrostonConfig(variant="sba", alpha=0.2),
    TSBConfig(alpha_d=0.2, alpha_p=0.05),
    ADIDAConfig(),
    IMAPAConfig(),
)
INTERMITTENT = MODELS[-5:]
TOL = {"rtol": 1e-9, "atol": 1e-9}


def _panel(seed: int = 0, n_series: int = 12) -> pd.DataFrame:
    """Unequal lengths (some too short), with a gap in the calendar, rows shuffled."""
    rng = np.random.default_rng(seed)
    frames = []
    for i, n in enumerate(rng.integers(25, 160, n_series)):
        ds = pd.date_range("2024-01-01", periods=n + 5, freq="D").delete([3, 10, 11, 20, 21])
        level = rng.uniform(0, 20)
        y = np.maximum(0, level + 4 * np.sin(np.arange(n) / 1.1) + rng.normal(0, 3, n)).round(1)
        y[rng.random(n) < 0.1] = 0.0
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": ds, "y": y}))
    return pd.concat(frames).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _intermittent_panel(seed: int = 0, n_series: int = 30) -> pd.DataFrame:
    """Zero-heavy negative-binomial counts of unequal lengths (some too short for the split),
    including series that never sell, sell once, or sell only before the last folds."""
    rng = np.random.default_rng(seed)
    frames = []
    for i, n in enumerate(rng.integers(20, 150, n_series)):
        y = rng.negative_binomial(1, 0.4, n) * (rng.random(n) < rng.uniform(0.03, 0.7))
        if i % 6 == 0:
            y[:] = 0
        elif i % 6 == 1:
            y[:] = 0
            y[rng.integers(n)] = 3
        elif i % 6 == 2:
            y[n // 3 :] = 0
        ds = pd.date_range("2024-01-01", periods=n, freq="D")
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "ds": ds, "y": y.astype(float)}))
    return pd.concat(frames).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _distinct(models) -> list:
    """One config per model_type (the cv frame has one column per type)."""
    return list({m.model_type: m for m in reversed(models)}.values())


SPLITS = [
    SplitConfig(n_splits=4, min_train_size=30, gap=0, horizon=10),
    SplitConfig(n_splits=3, min_train_size=28, gap=3, horizon=12, strategy="sliding"),
    SplitConfig(n_splits=5, min_train_size=14, gap=1, horizon=20),
]


@pytest.mark.parametrize("split", SPLITS, ids=["expanding", "sliding-gap", "short-train"])
@pytest.mark.parametrize("variant", [0, 1])
def test_panel_equals_the_runner(split: SplitConfig, variant: int) -> None:
    models = _distinct(MODELS[variant::2] + MODELS[:1])
    panel = _panel(seed=variant)
    cv = backtest_baselines(panel, split, models)
    metrics = (
        panel_metrics(cv)
        .set_index(["unique_id", "model", "bucket", "metric"])["value"]
        .sort_index()
    )
    assert list(cv.columns[:6]) == ["unique_id", "ds", "cutoff", "fold", "horizon_step", "y"]
    assert set(cv.columns[6:]) == {m.model_type for m in models}
    checked = 0
    for uid, series in panel.groupby("unique_id"):
        series = series.sort_values("ds")
        rows = cv[cv["unique_id"] == uid]
        if uid in cv.attrs["skipped_series"]:
            assert len(series) < split.required_observations and rows.empty
            continue
        for model in models:
            config = BacktestConfig(
                split_config=split, model_config_main=model, include_baselines=False
            )
            result = run_backtest(series["ds"].to_numpy(), series["y"].to_numpy(), config)
            main = result.main_model_results
            folds = main.fold_results
            np.testing.assert_allclose(
                rows[model.model_type], np.concatenate([f.predictions for f in folds]), **TOL
            )
            np.testing.assert_array_equal(rows["y"], np.concatenate([f.actuals for f in folds]))
            assert rows["fold"].unique().tolist() == [f.fold_index for f in folds]
            assert pd.to_datetime(rows["cutoff"]).dt.date.unique().tolist() == [
                f.split.train_end for f in folds
            ]
            assert pd.to_datetime(rows["ds"]).dt.date.tolist() == [
                d for f in folds for d in f.dates
            ]
            expected = {("all", k): v for k, v in main.aggregated_metrics.items()}
            expected |= {("all", k): v for k, v in main.metric_std.items()}
            for bucket, values in (main.bucketed_aggregated_metrics or {}).items():
                expected |= {(bucket, k): v for k, v in values.items()}
            got = metrics.loc[(uid, model.model_type)]
            assert set(got.index) == set(expected)
            for key, value in expected.items():
                np.testing.assert_allclose(got.loc[key], value, **TOL, err_msg=f"{uid} {key}")
            checked += 1
    assert checked >= 3 * len(models)
    assert cv.attrs["skipped_series"]  # the random panel has series too short for the split


@pytest.mark.parametrize("config", INTERMITTENT, ids=["croston", "sba", "tsb", "adida", "imapa"])
@pytest.mark.parametrize("split", SPLITS[:2], ids=["expanding", "sliding-gap"])
def test_intermittent_kernels_equal_the_forecaster(
    config: ModelConfigBase, split: SplitConfig
) -> None:
    panel = _intermittent_panel()
    cv = backtest_baselines(panel, split, [config])
    checked = 0
    for uid, series in panel.groupby("unique_id"):
        if uid in cv.attrs["skipped_series"]:
            continue
        series = series.sort_values("ds")
        backtest = BacktestConfig(
            split_config=split, model_config_main=config, include_baselines=False
        )
        result = run_backtest(series["ds"].to_numpy(), series["y"].to_numpy(), backtest)
        folds = result.main_model_results.fold_results
        np.testing.assert_allclose(
            cv.loc[cv["unique_id"] == uid, config.model_type],
            np.concatenate([f.predictions for f in folds]),
            **TOL,
            err_msg=str(uid),
        )
        checked += 1
    assert checked >= 20
    assert (cv.groupby("unique_id")["y"].sum() == 0).any()  # never-selling series included


def test_horizon_step_is_the_gap_offset_and_rows_are_ordered() -> None:
    split = SplitConfig(n_splits=2, min_train_size=30, gap=2, horizon=5)
    cv = backtest_baselines(_panel(), split, [NaiveConfig()])
    assert sorted(cv["horizon_step"].unique()) == [3, 4, 5, 6, 7]
    assert cv.equals(cv.sort_values(["unique_id", "fold", "horizon_step"]))
    # Naive: every step of a fold repeats the value at the cutoff.
    assert (cv.groupby(["unique_id", "fold"])["naive"].nunique() == 1).all()


def test_models_that_need_more_than_min_train_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    split = SplitConfig(n_splits=2, min_train_size=10, horizon=7)
    models = [NaiveConfig(), SeasonalAverageConfig(season_length=7)]  # needs 14 rows
    with caplog.at_level(logging.WARNING, logger="forecastlab.backtest.panel"):
        cv = backtest_baselines(_panel(), split, models)
    assert cv.attrs["skipped_models"] == ["seasonal_average"]
    assert "seasonal_average" not in cv.columns and "naive" in cv.columns
    assert "seasonal_average skipped" in caplog.text


def test_feature_aware_and_duplicate_models_are_rejected() -> None:
    split = SplitConfig()
    with pytest.raises(ValueError, match="not a target-only"):
        backtest_baselines(_panel(), split, [RegressionConfig()])
    with pytest.raises(ValueError, match="twice"):
        backtest_baselines(_panel(), split, [NaiveConfig(), NaiveConfig()])


def test_duplicate_rows_are_rejected() -> None:
    panel = _panel()
    with pytest.raises(ValueError, match="duplicate"):
        backtest_baselines(pd.concat([panel, panel.head(1)]), SplitConfig(), [NaiveConfig()])


def test_same_input_gives_the_same_output() -> None:
    split = SPLITS[1]
    first = backtest_baselines(_panel(seed=5), split, MODELS[::2])
    second = backtest_baselines(_panel(seed=5), split, MODELS[::2])
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(panel_metrics(first), panel_metrics(second))
