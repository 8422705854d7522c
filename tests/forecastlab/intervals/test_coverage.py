"""Calibrated on earlier folds, the intervals cover about their level of an unseen fold."""

from __future__ import annotations

import pandas as pd
import pytest

from forecastlab.backtest.panel import backtest_baselines
from forecastlab.backtest.splitter import SplitConfig
from forecastlab.intervals.coverage import OVERALL, holdout_coverage
from forecastlab.models import SeasonalNaiveConfig
from forecastlab.models.global_model import backtest_global, load_feature_panel
from forecastlab.training.backtests import target_panel
from tests.dbt.conftest import Warehouse

SPLIT = SplitConfig(n_splits=6, min_train_size=30, horizon=14)
LEVELS = (0.8, 0.9)


@pytest.fixture(scope="module")
def coverage(many_series: Warehouse) -> pd.DataFrame:
    """Held-out coverage of seasonal naive and the global LightGBM, per level and bucket."""
    panel = target_panel(many_series.engine)[["unique_id", "ds", "y"]]
    snaive = backtest_baselines(panel, SPLIT, [SeasonalNaiveConfig(season_length=7)])
    lightgbm = backtest_global(
        load_feature_panel(many_series.engine), SPLIT, "lightgbm", n_estimators=50
    )
    frames = [
        holdout_coverage(snaive, "seasonal_naive", LEVELS),
        holdout_coverage(lightgbm, "global_lightgbm", LEVELS),
    ]
    return pd.concat(frames, ignore_index=True).set_index(["model", "level", "bucket"])


@pytest.mark.parametrize("model", ["seasonal_naive", "global_lightgbm"])
def test_coverage_of_the_held_out_fold_is_near_80_percent(
    coverage: pd.DataFrame, model: str
) -> None:
    overall = coverage.loc[(model, 0.8, OVERALL)]
    assert overall["points"] == 96 * 14  # every series' last fold
    assert overall["with_interval"] == 1.0  # 5 folds x 7 days = 35 residuals per bucket
    assert abs(overall["coverage"] - 0.8) <= 0.05, coverage.loc[model]


@pytest.mark.parametrize("model", ["seasonal_naive", "global_lightgbm"])
def test_a_higher_level_covers_more_with_wider_bounds(coverage: pd.DataFrame, model: str) -> None:
    at_80, at_90 = coverage.loc[(model, 0.8, OVERALL)], coverage.loc[(model, 0.9, OVERALL)]
    assert at_90["coverage"] > at_80["coverage"]
    assert at_90["mean_width"] > at_80["mean_width"]
    assert abs(at_90["coverage"] - 0.9) <= 0.05
