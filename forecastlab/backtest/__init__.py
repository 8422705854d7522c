"""Backtesting (spec §7): splitter, metrics, horizon buckets, aggregation and two engines.

`run_backtest` backtests one model on one series and returns the §7.8 response;
`backtest_baselines` computes the target-only baselines for a whole panel at once and
returns a statsforecast-style cross-validation frame, scored by `panel_metrics`.
"""

from forecastlab.backtest.aggregate import (
    aggregate_buckets,
    aggregate_folds,
    comparison_summary,
    finite_mean,
    leakage_check_passed,
    stability_index,
)
from forecastlab.backtest.buckets import BUCKET_IDS, HORIZON_BUCKETS, bucket_masks, horizon_offsets
from forecastlab.backtest.errors import (
    BacktestDataError,
    BacktestError,
    FeatureFramesRequiredError,
)
from forecastlab.backtest.metrics import (
    METRIC_NAMES,
    batch_metrics,
    bias,
    calculate_all,
    mae,
    rmse,
    smape,
    wape,
)
from forecastlab.backtest.panel import backtest_baselines, panel_metrics
from forecastlab.backtest.results import (
    BacktestResult,
    FoldResult,
    ModelBacktestResult,
)
from forecastlab.backtest.runner import BacktestConfig, FeatureBuilder, run_backtest
from forecastlab.backtest.splitter import (
    Fold,
    FoldPlan,
    SplitBoundary,
    SplitConfig,
    plan_folds,
    split_indices,
)

__all__ = [
    "BUCKET_IDS",
    "HORIZON_BUCKETS",
    "METRIC_NAMES",
    "BacktestConfig",
    "BacktestDataError",
    "BacktestError",
    "BacktestResult",
    "FeatureBuilder",
    "FeatureFramesRequiredError",
    "Fold",
    "FoldPlan",
    "FoldResult",
    "ModelBacktestResult",
    "SplitBoundary",
    "SplitConfig",
    "aggregate_buckets",
    "aggregate_folds",
    "backtest_baselines",
    "batch_metrics",
    "bias",
    "bucket_masks",
    "calculate_all",
    "comparison_summary",
    "finite_mean",
    "horizon_offsets",
    "leakage_check_passed",
    "mae",
    "panel_metrics",
    "plan_folds",
    "rmse",
    "run_backtest",
    "smape",
    "split_indices",
    "stability_index",
    "wape",
]
