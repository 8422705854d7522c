"""Single-series backtest (spec §7.2-§7.8): split, fit a fresh model per fold, score, compare.

This is the reference path the API uses for one grain; `forecastlab.backtest.panel` computes
the target-only baselines for many series at once and is checked against it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from forecastlab.backtest.aggregate import (
    aggregate_buckets,
    aggregate_folds,
    comparison_summary,
    leakage_check_passed,
)
from forecastlab.backtest.buckets import bucket_masks, horizon_offsets
from forecastlab.backtest.errors import FeatureFramesRequiredError
from forecastlab.backtest.metrics import calculate_all
from forecastlab.backtest.results import BacktestResult, FoldResult, ModelBacktestResult
from forecastlab.backtest.splitter import SPLIT_CONFIG_EXAMPLE, Fold, SplitConfig, split_indices
from forecastlab.models import (
    FEATURE_AWARE_TYPES,
    ModelConfig,
    ModelConfigBase,
    ModelError,
    NaiveConfig,
    SeasonalNaiveConfig,
    config_hash,
    make_forecaster,
)
from forecastlab.settings import Settings

logger = logging.getLogger(__name__)

# (train positions, forecast positions = gap rows + test window) -> (X_train, X_future) or None.
FeatureBuilder = Callable[[np.ndarray, np.ndarray], tuple[pd.DataFrame, pd.DataFrame] | None]

BASELINE_CONFIGS: tuple[ModelConfigBase, ...] = (
    NaiveConfig(),
    SeasonalNaiveConfig(season_length=7),
)


class BacktestConfig(BaseModel):
    """What to backtest and how (the `config` of spec §7.1)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "split_config": SPLIT_CONFIG_EXAMPLE,
                    "model_config_main": {"model_type": "seasonal_naive", "season_length": 7},
                    "include_baselines": True,
                    "store_fold_details": True,
                }
            ]
        },
    )

    schema_version: str = "1.0"
    split_config: SplitConfig = SplitConfig()
    model_config_main: ModelConfig
    include_baselines: bool = True
    store_fold_details: bool = True


def run_backtest(
    dates: np.ndarray,
    y: np.ndarray,
    config: BacktestConfig,
    *,
    feature_builder: FeatureBuilder | None = None,
    store_id: int | None = None,
    product_id: int | None = None,
    settings: Settings | None = None,
) -> BacktestResult:
    """Backtest `config.model_config_main` (and the baselines) on one observed series.

    `dates` and `y` are the grain's observed rows, oldest first (no re-indexing). Raises
    `BacktestDataError` when the series is too short for the split, the models' errors for
    the main model, and `FeatureFramesRequiredError` for a feature-aware model without frames.
    `settings` decide which opt-in models may run (default: the environment's).
    """
    started = time.perf_counter()
    dates = np.asarray(dates)
    target = np.asarray(y, dtype=np.float64)
    if dates.shape != target.shape:
        raise ValueError(f"dates has {dates.shape[0]} rows, y has {target.shape[0]}")
    split = config.split_config
    folds = split_indices(target.shape[0], split)
    run = _ModelRunner(
        dates, target, folds, split, feature_builder, config.store_fold_details, settings
    )

    main = run(config.model_config_main)
    baselines: list[ModelBacktestResult] | None = None
    comparison = None
    if config.include_baselines:
        baselines = []
        for baseline in BASELINE_CONFIGS:
            try:
                baselines.append(run(baseline))
            except ModelError as exc:
                logger.warning("baseline %s skipped: %s", baseline.model_type, exc)
        by_type = {result.model_type: result.aggregated_metrics for result in baselines}
        if by_type:
            comparison = comparison_summary(
                main.aggregated_metrics, by_type.get("naive"), by_type.get("seasonal_naive")
            )
    return BacktestResult(
        backtest_id=uuid.uuid4().hex[:16],
        store_id=store_id,
        product_id=product_id,
        config_hash=config_hash(config),
        split_config=split,
        main_model_results=main,
        baseline_results=baselines,
        comparison_summary=comparison,
        duration_ms=(time.perf_counter() - started) * 1000.0,
        leakage_check_passed=leakage_check_passed(folds, dates, split.gap),
    )


class _ModelRunner:
    """Runs one model configuration over the folds of one series."""

    def __init__(
        self,
        dates: np.ndarray,
        y: np.ndarray,
        folds: list[Fold],
        split: SplitConfig,
        feature_builder: FeatureBuilder | None,
        store_fold_details: bool,
        settings: Settings | None,
    ) -> None:
        self.dates = dates
        self.y = y
        self.folds = folds
        self.split = split
        self.feature_builder = feature_builder
        self.store_fold_details = store_fold_details
        self.settings = settings
        self.masks = {
            bucket: mask
            for bucket, mask in bucket_masks(horizon_offsets(split.gap, split.horizon)).items()
            if mask.any()
        }

    def __call__(self, config: ModelConfigBase) -> ModelBacktestResult:
        feature_aware = config.model_type in FEATURE_AWARE_TYPES
        if feature_aware and self.feature_builder is None:
            raise FeatureFramesRequiredError(
                f"{config.model_type} is feature-aware: the backtest needs a feature_builder"
            )
        fold_results = [self._fold(config, fold, feature_aware) for fold in self.folds]
        aggregated, stability = aggregate_folds([fold.metrics for fold in fold_results])
        if not self.store_fold_details:
            fold_results = [
                fold.model_copy(update={"dates": [], "actuals": [], "predictions": []})
                for fold in fold_results
            ]
        return ModelBacktestResult(
            model_type=config.model_type,
            config_hash=config_hash(config),
            fold_results=fold_results,
            aggregated_metrics=aggregated,
            metric_std=stability,
            feature_aware=feature_aware,
            exogenous_policy="observed" if feature_aware else None,
            bucketed_aggregated_metrics=aggregate_buckets(
                [fold.horizon_bucket_metrics for fold in fold_results]
            ),
        )

    def _fold(self, config: ModelConfigBase, fold: Fold, feature_aware: bool) -> FoldResult:
        # fresh per fold: no state crosses folds
        forecaster = make_forecaster(config, self.settings)
        y_train = self.y[fold.train_start : fold.train_end]
        steps = fold.test_end - fold.train_end  # gap + horizon
        if feature_aware:
            x_train, x_future = self._frames(config, fold)
            forecast = forecaster.fit(y_train, x_train).predict(steps, x_future)
        else:
            forecast = forecaster.fit(y_train).predict(steps)
        # D-04: the forecast starts at the train end; the last `horizon` steps meet the test.
        predictions = np.asarray(forecast, dtype=np.float64)[self.split.gap :]
        actuals = self.y[fold.test_start : fold.test_end]
        return FoldResult(
            fold_index=fold.index,
            split=fold.boundary(self.dates),
            dates=[pd.Timestamp(d).date() for d in self.dates[fold.test_start : fold.test_end]],
            actuals=actuals.tolist(),
            predictions=predictions.tolist(),
            metrics=calculate_all(actuals, predictions),
            horizon_bucket_metrics={
                bucket: calculate_all(actuals[mask], predictions[mask])
                for bucket, mask in self.masks.items()
            },
        )

    def _frames(self, config: ModelConfigBase, fold: Fold) -> tuple[pd.DataFrame, pd.DataFrame]:
        assert self.feature_builder is not None  # checked once per model in __call__
        frames = self.feature_builder(fold.train_index, fold.forecast_index)
        if frames is None:
            raise FeatureFramesRequiredError(
                f"{config.model_type}: no feature frames for fold {fold.index}"
            )
        return frames
