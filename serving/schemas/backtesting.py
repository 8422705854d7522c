"""Body and response of /backtesting: the domain models, with OpenAPI examples.

`BacktestRequest` lives in `forecastlab.forecasting.requests` (backtest jobs validate with it
too) and the response is the runner's `BacktestResult` (spec §7.8); these subclasses only add
the examples the docs show.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from forecastlab.backtest.results import BacktestResult
from forecastlab.forecasting import requests

_SPLIT_CONFIG = {
    "strategy": "expanding",
    "n_splits": 2,
    "min_train_size": 30,
    "gap": 0,
    "horizon": 7,
}
_START_DATE = "2025-05-02"  # the window's first day: every expanding fold trains from it
_BUCKET = "h_1_7"
_METRIC_NAMES = ("mae", "rmse", "smape", "wape", "bias")


def _metrics(*values: float) -> dict[str, float]:
    """A metric dict from its values in `_METRIC_NAMES` order."""
    return dict(zip(_METRIC_NAMES, values, strict=True))


def _split(
    fold_index: int, train_end: str, test_start: str, test_end: str, train_size: int
) -> dict[str, Any]:
    """One expanding fold's boundaries (training always starts on the window's first day)."""
    return {
        "fold_index": fold_index,
        "train_start": _START_DATE,
        "train_end": train_end,
        "test_start": test_start,
        "test_end": test_end,
        "train_size": train_size,
        "test_size": _SPLIT_CONFIG["horizon"],
    }


def _fold(split: dict[str, Any], metrics: dict[str, float]) -> dict[str, Any]:
    """One fold of one model: the fold's metrics, also as its only horizon bucket."""
    return {
        "fold_index": split["fold_index"],
        "split": split,
        "dates": [],
        "actuals": [],
        "predictions": [],
        "metrics": metrics,
        "horizon_bucket_metrics": {_BUCKET: metrics},
    }


def _model_result(
    model_type: str,
    config_hash: str,
    fold_metrics: tuple[dict[str, float], ...],
    aggregated: dict[str, float],
    stability: dict[str, float],
) -> dict[str, Any]:
    """One model over the example's folds (one metric dict per fold, in fold order)."""
    return {
        "model_type": model_type,
        "config_hash": config_hash,
        "fold_results": [
            _fold(split, metrics) for split, metrics in zip(_SPLITS, fold_metrics, strict=True)
        ],
        "aggregated_metrics": aggregated,
        "metric_std": {f"{name}_stability": value for name, value in stability.items()},
        "feature_aware": False,
        "exogenous_policy": None,
        "bucketed_aggregated_metrics": {_BUCKET: aggregated},
    }


def _comparison(
    main: dict[str, Any],
    naive: dict[str, Any],
    seasonal: dict[str, Any],
    vs_naive_pct: dict[str, float],
    vs_seasonal_pct: dict[str, float],
) -> dict[str, dict[str, float]]:
    """Per metric: the aggregated values of the three models and the main model's gains."""
    return {
        name: {
            "main": main["aggregated_metrics"][name],
            "naive": naive["aggregated_metrics"][name],
            "seasonal_naive": seasonal["aggregated_metrics"][name],
            "vs_naive_pct": vs_naive_pct[name],
            "vs_seasonal_pct": vs_seasonal_pct[name],
        }
        for name in _METRIC_NAMES
    }


# A real run on the small demo warehouse; without fold details the per-fold arrays are empty.
_SPLITS = (
    _split(0, "2025-06-01", "2025-06-02", "2025-06-08", 30),
    _split(1, "2025-06-23", "2025-06-24", "2025-06-30", 52),
)
_NAIVE = _model_result(
    "naive",
    "f4ace5e1ea47a452",
    (_metrics(46.29, 51.46, 37.31, 43.26, -46.0), _metrics(28.0, 33.7, 31.37, 29.08, 26.29)),
    aggregated=_metrics(37.14, 42.58, 34.34, 36.17, -9.86),
    stability=_metrics(24.62, 20.85, 8.65, 19.6, 366.67),
)
# The main model is seasonal naive too, so it equals that baseline.
_SEASONAL_NAIVE = _model_result(
    "seasonal_naive",
    "5475a45400a6f51c",
    (_metrics(17.14, 22.53, 17.0, 16.02, 2.0), _metrics(25.14, 36.74, 23.92, 26.11, -15.43)),
    aggregated=_metrics(21.14, 29.63, 20.46, 21.07, -6.71),
    stability=_metrics(18.92, 23.98, 16.91, 23.95, 129.79),
)

BACKTEST_EXAMPLE = {
    "store_id": 1,
    "product_id": 2,
    "start_date": _START_DATE,
    "end_date": "2025-06-30",
    "config": {
        "split_config": _SPLIT_CONFIG,
        "model_config_main": {"model_type": "seasonal_naive", "season_length": 7},
        "include_baselines": True,
        "store_fold_details": False,
    },
}
BACKTEST_RESPONSE_EXAMPLE = {
    "backtest_id": "6fc6545d77cd45ca",
    "store_id": 1,
    "product_id": 2,
    "config_hash": "0ba103dbfc2f5758",
    "split_config": _SPLIT_CONFIG,
    "main_model_results": _SEASONAL_NAIVE,
    "baseline_results": [_NAIVE, _SEASONAL_NAIVE],
    "comparison_summary": _comparison(
        _SEASONAL_NAIVE,
        _NAIVE,
        _SEASONAL_NAIVE,
        vs_naive_pct=_metrics(43.08, 30.41, 40.42, 41.75, 31.88),
        vs_seasonal_pct=_metrics(0.0, 0.0, 0.0, 0.0, 0.0),
    ),
    "duration_ms": 25.61,
    "leakage_check_passed": True,
}


class BacktestRequest(requests.BacktestRequest):
    """Body of `POST /backtesting/run` (spec §7.1)."""

    model_config = ConfigDict(json_schema_extra={"examples": [BACKTEST_EXAMPLE]})


class BacktestResponse(BacktestResult):
    """Folds, aggregated and bucketed metrics of the main model and the baselines (§7.8)."""

    model_config = ConfigDict(json_schema_extra={"examples": [BACKTEST_RESPONSE_EXAMPLE]})
