"""The backtest response models of spec §7.8.

Metrics can be NaN or +/-inf (e.g. WAPE on an all-zero window); JSON cannot carry those,
so every result model serialises non-finite floats as null (Decision D-03) through
`model_dump_json` and `to_json_dict`.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict

from forecastlab.backtest.splitter import SPLIT_BOUNDARY_EXAMPLES, SplitBoundary, SplitConfig

MetricDict = dict[str, float]


def _fold_example(
    split: dict[str, Any], actuals: list[float], predictions: list[float], metrics: MetricDict
) -> dict[str, Any]:
    """One fold with its details: the test window's days, values and (only) bucket."""
    start = date.fromisoformat(split["test_start"])
    return {
        "fold_index": split["fold_index"],
        "split": split,
        "dates": [(start + timedelta(days=i)).isoformat() for i in range(split["test_size"])],
        "actuals": actuals,
        "predictions": predictions,
        "metrics": metrics,
        "horizon_bucket_metrics": {"h_1_7": metrics},
    }


# OpenAPI examples: seasonal_naive (season 7) over the example folds of the splitter, with
# fold details; metrics as the runner computes them, rounded to 2 dp.
_FOLD_EXAMPLES: Final = (
    _fold_example(
        SPLIT_BOUNDARY_EXAMPLES[0],
        actuals=[31.0, 29.0, 31.0, 41.0, 48.0, 56.0, 29.0],
        predictions=[27.0, 31.0, 28.0, 41.0, 43.0, 52.0, 26.0],
        metrics={"mae": 3.0, "rmse": 3.36, "smape": 8.56, "wape": 7.92, "bias": 2.43},
    ),
    _fold_example(
        SPLIT_BOUNDARY_EXAMPLES[1],
        actuals=[34.0, 31.0, 39.0, 49.0, 56.0, 28.0, 29.0],
        predictions=[29.0, 26.0, 29.0, 43.0, 46.0, 21.0, 30.0],
        metrics={"mae": 6.29, "rmse": 6.93, "smape": 18.21, "wape": 16.54, "bias": 6.0},
    ),
)
_AGGREGATED_EXAMPLE: Final = {
    "mae": 4.64,
    "rmse": 5.14,
    "smape": 13.38,
    "wape": 12.23,
    "bias": 4.21,
}
_MODEL_RESULT_EXAMPLE: Final = {
    "model_type": "seasonal_naive",
    "config_hash": "5475a45400a6f51c",
    "fold_results": list(_FOLD_EXAMPLES),
    "aggregated_metrics": _AGGREGATED_EXAMPLE,
    "metric_std": {
        "mae_stability": 35.38,
        "rmse_stability": 34.69,
        "smape_stability": 36.03,
        "wape_stability": 35.22,
        "bias_stability": 42.37,
    },
    "feature_aware": False,
    "exogenous_policy": None,
    "bucketed_aggregated_metrics": {"h_1_7": _AGGREGATED_EXAMPLE},
}


class _Result(BaseModel):
    """A response model whose JSON forms carry non-finite floats as null."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON-ready dict: dates as ISO strings, non-finite floats as None."""
        # model_dump(mode="json") keeps NaN/inf as floats; the JSON serialiser applies D-03.
        return json.loads(self.model_dump_json())


class FoldResult(_Result):
    """One fold of one model: its boundaries, the scored window and its metrics."""

    model_config = ConfigDict(json_schema_extra={"examples": [_FOLD_EXAMPLES[0]]})

    fold_index: int
    split: SplitBoundary
    dates: list[date]
    actuals: list[float]
    predictions: list[float]
    metrics: MetricDict
    horizon_bucket_metrics: dict[str, MetricDict]


class ModelBacktestResult(_Result):
    """One model over every fold."""

    model_config = ConfigDict(json_schema_extra={"examples": [_MODEL_RESULT_EXAMPLE]})

    model_type: str
    config_hash: str
    fold_results: list[FoldResult]
    aggregated_metrics: MetricDict
    # Name kept for compatibility: holds the stability index `{metric}_stability` (§7.5).
    metric_std: MetricDict
    feature_aware: bool
    exogenous_policy: Literal["observed"] | None
    bucketed_aggregated_metrics: dict[str, MetricDict] | None


class BacktestResult(_Result):
    """The whole backtest: main model, baselines and the comparison between them."""

    backtest_id: str
    store_id: int | None
    product_id: int | None
    config_hash: str
    split_config: SplitConfig
    main_model_results: ModelBacktestResult
    baseline_results: list[ModelBacktestResult] | None
    comparison_summary: dict[str, dict[str, float | None]] | None
    duration_ms: float
    leakage_check_passed: bool
