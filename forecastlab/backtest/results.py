"""The backtest response models of spec §7.8.

Metrics can be NaN or +/-inf (e.g. WAPE on an all-zero window); JSON cannot carry those,
so every result model serialises non-finite floats as null (Decision D-03) through
`model_dump_json` and `to_json_dict`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from forecastlab.backtest.splitter import SplitBoundary, SplitConfig

MetricDict = dict[str, float]


class _Result(BaseModel):
    """A response model whose JSON forms carry non-finite floats as null."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON-ready dict: dates as ISO strings, non-finite floats as None."""
        # model_dump(mode="json") keeps NaN/inf as floats; the JSON serialiser applies D-03.
        return json.loads(self.model_dump_json())


class FoldResult(_Result):
    """One fold of one model: its boundaries, the scored window and its metrics."""

    fold_index: int
    split: SplitBoundary
    dates: list[date]
    actuals: list[float]
    predictions: list[float]
    metrics: MetricDict
    horizon_bucket_metrics: dict[str, MetricDict]


class ModelBacktestResult(_Result):
    """One model over every fold."""

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
