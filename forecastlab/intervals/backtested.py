"""Calibrate a model trained on demand: a short backtest of its configuration on its own window.

The backtest is `/backtesting/run`'s runner with a fixed split: expanding, no gap, horizon =
`forecast_default_horizon`, as many folds as the window allows up to CALIBRATION_FOLDS, no
baselines. Feature-aware models are scored with the observed price and promotion of the test
days (the runner's policy), while plain predictions assume none: their intervals can be
somewhat narrow on promotion days.
"""

from __future__ import annotations

from typing import Final

from forecastlab.backtest.errors import BacktestDataError
from forecastlab.backtest.runner import BacktestConfig, run_backtest
from forecastlab.backtest.splitter import SplitConfig
from forecastlab.features.frames import backtest_feature_builder
from forecastlab.features.series import SeriesData
from forecastlab.intervals.calibration import Calibration
from forecastlab.models import FEATURE_AWARE_TYPES, ModelConfig, ModelError, make_forecaster
from forecastlab.settings import Settings

CALIBRATION_FOLDS: Final = 5
# SplitConfig's largest horizon; a larger default horizon calibrates the first 90 steps.
_MAX_SPLIT_HORIZON: Final = 90


def calibration_split(config: ModelConfig, settings: Settings) -> SplitConfig:
    """The calibration backtest's split for one model configuration."""
    needs = make_forecaster(config, settings).min_observations
    return SplitConfig(
        strategy="expanding",
        n_splits=CALIBRATION_FOLDS,
        # Every fold must be able to fit the model (seasonal models with a long season).
        min_train_size=max(settings.backtest_default_min_train_size, needs),
        gap=0,
        horizon=min(settings.forecast_default_horizon, _MAX_SPLIT_HORIZON),
    )


def calibrate_by_backtest(
    series: SeriesData,
    config: ModelConfig,
    settings: Settings,
    *,
    feature_frame_version: int = 1,
    feature_groups: tuple[str, ...] | None = None,
) -> Calibration:
    """The residuals of `config` backtested on `series`; none (with a note) when it cannot run."""
    split = calibration_split(config, settings)
    backtest = BacktestConfig(split_config=split, model_config_main=config, include_baselines=False)
    builder = (
        backtest_feature_builder(series, feature_frame_version, feature_groups)
        if config.model_type in FEATURE_AWARE_TYPES
        else None
    )
    try:
        result = run_backtest(
            series.dates, series.quantity, backtest, feature_builder=builder, settings=settings
        )
    except BacktestDataError as exc:
        return Calibration(
            residuals={},
            note=f"no prediction intervals: the training window has {exc.available} observed "
            f"rows, the calibration backtest needs at least {exc.required}",
        )
    except ModelError as exc:  # a fold's slice the model cannot fit (e.g. all zeros)
        return Calibration(
            residuals={}, note=f"no prediction intervals: the calibration backtest failed: {exc}"
        )
    return Calibration.from_backtest(result)
