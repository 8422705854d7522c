"""Body and response of /backtesting: the domain models, with OpenAPI examples.

`BacktestRequest` lives in `forecastlab.forecasting.requests` (backtest jobs validate with it
too) and the response is the runner's `BacktestResult` (spec §7.8); these subclasses only add
the examples the docs show.
"""

from __future__ import annotations

from pydantic import ConfigDict

from forecastlab.backtest.results import BacktestResult
from forecastlab.forecasting import requests

# A real run on the small demo warehouse; without fold details the per-fold arrays are empty.
BACKTEST_EXAMPLE = {
    "store_id": 1,
    "product_id": 2,
    "start_date": "2025-05-02",
    "end_date": "2025-06-30",
    "config": {
        "split_config": {
            "strategy": "expanding",
            "n_splits": 2,
            "min_train_size": 30,
            "gap": 0,
            "horizon": 7,
        },
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
    "split_config": {
        "strategy": "expanding",
        "n_splits": 2,
        "min_train_size": 30,
        "gap": 0,
        "horizon": 7,
    },
    "main_model_results": {
        "model_type": "seasonal_naive",
        "config_hash": "5475a45400a6f51c",
        "fold_results": [
            {
                "fold_index": 0,
                "split": {
                    "fold_index": 0,
                    "train_start": "2025-05-02",
                    "train_end": "2025-06-01",
                    "test_start": "2025-06-02",
                    "test_end": "2025-06-08",
                    "train_size": 30,
                    "test_size": 7,
                },
                "dates": [],
                "actuals": [],
                "predictions": [],
                "metrics": {"mae": 17.14, "rmse": 22.53, "smape": 17.0, "wape": 16.02, "bias": 2.0},
                "horizon_bucket_metrics": {
                    "h_1_7": {
                        "mae": 17.14,
                        "rmse": 22.53,
                        "smape": 17.0,
                        "wape": 16.02,
                        "bias": 2.0,
                    }
                },
            },
            {
                "fold_index": 1,
                "split": {
                    "fold_index": 1,
                    "train_start": "2025-05-02",
                    "train_end": "2025-06-23",
                    "test_start": "2025-06-24",
                    "test_end": "2025-06-30",
                    "train_size": 52,
                    "test_size": 7,
                },
                "dates": [],
                "actuals": [],
                "predictions": [],
                "metrics": {
                    "mae": 25.14,
                    "rmse": 36.74,
                    "smape": 23.92,
                    "wape": 26.11,
                    "bias": -15.43,
                },
                "horizon_bucket_metrics": {
                    "h_1_7": {
                        "mae": 25.14,
                        "rmse": 36.74,
                        "smape": 23.92,
                        "wape": 26.11,
                        "bias": -15.43,
                    }
                },
            },
        ],
        "aggregated_metrics": {
            "mae": 21.14,
            "rmse": 29.63,
            "smape": 20.46,
            "wape": 21.07,
            "bias": -6.71,
        },
        "metric_std": {
            "mae_stability": 18.92,
            "rmse_stability": 23.98,
            "smape_stability": 16.91,
            "wape_stability": 23.95,
            "bias_stability": 129.79,
        },
        "feature_aware": False,
        "exogenous_policy": None,
        "bucketed_aggregated_metrics": {
            "h_1_7": {"mae": 21.14, "rmse": 29.63, "smape": 20.46, "wape": 21.07, "bias": -6.71}
        },
    },
    "baseline_results": [
        {
            "model_type": "naive",
            "config_hash": "f4ace5e1ea47a452",
            "fold_results": [
                {
                    "fold_index": 0,
                    "split": {
                        "fold_index": 0,
                        "train_start": "2025-05-02",
                        "train_end": "2025-06-01",
                        "test_start": "2025-06-02",
                        "test_end": "2025-06-08",
                        "train_size": 30,
                        "test_size": 7,
                    },
                    "dates": [],
                    "actuals": [],
                    "predictions": [],
                    "metrics": {
                        "mae": 46.29,
                        "rmse": 51.46,
                        "smape": 37.31,
                        "wape": 43.26,
                        "bias": -46.0,
                    },
                    "horizon_bucket_metrics": {
                        "h_1_7": {
                            "mae": 46.29,
                            "rmse": 51.46,
                            "smape": 37.31,
                            "wape": 43.26,
                            "bias": -46.0,
                        }
                    },
                },
                {
                    "fold_index": 1,
                    "split": {
                        "fold_index": 1,
                        "train_start": "2025-05-02",
                        "train_end": "2025-06-23",
                        "test_start": "2025-06-24",
                        "test_end": "2025-06-30",
                        "train_size": 52,
                        "test_size": 7,
                    },
                    "dates": [],
                    "actuals": [],
                    "predictions": [],
                    "metrics": {
                        "mae": 28.0,
                        "rmse": 33.7,
                        "smape": 31.37,
                        "wape": 29.08,
                        "bias": 26.29,
                    },
                    "horizon_bucket_metrics": {
                        "h_1_7": {
                            "mae": 28.0,
                            "rmse": 33.7,
                            "smape": 31.37,
                            "wape": 29.08,
                            "bias": 26.29,
                        }
                    },
                },
            ],
            "aggregated_metrics": {
                "mae": 37.14,
                "rmse": 42.58,
                "smape": 34.34,
                "wape": 36.17,
                "bias": -9.86,
            },
            "metric_std": {
                "mae_stability": 24.62,
                "rmse_stability": 20.85,
                "smape_stability": 8.65,
                "wape_stability": 19.6,
                "bias_stability": 366.67,
            },
            "feature_aware": False,
            "exogenous_policy": None,
            "bucketed_aggregated_metrics": {
                "h_1_7": {"mae": 37.14, "rmse": 42.58, "smape": 34.34, "wape": 36.17, "bias": -9.86}
            },
        },
        {
            "model_type": "seasonal_naive",
            "config_hash": "5475a45400a6f51c",
            "fold_results": [
                {
                    "fold_index": 0,
                    "split": {
                        "fold_index": 0,
                        "train_start": "2025-05-02",
                        "train_end": "2025-06-01",
                        "test_start": "2025-06-02",
                        "test_end": "2025-06-08",
                        "train_size": 30,
                        "test_size": 7,
                    },
                    "dates": [],
                    "actuals": [],
                    "predictions": [],
                    "metrics": {
                        "mae": 17.14,
                        "rmse": 22.53,
                        "smape": 17.0,
                        "wape": 16.02,
                        "bias": 2.0,
                    },
                    "horizon_bucket_metrics": {
                        "h_1_7": {
                            "mae": 17.14,
                            "rmse": 22.53,
                            "smape": 17.0,
                            "wape": 16.02,
                            "bias": 2.0,
                        }
                    },
                },
                {
                    "fold_index": 1,
                    "split": {
                        "fold_index": 1,
                        "train_start": "2025-05-02",
                        "train_end": "2025-06-23",
                        "test_start": "2025-06-24",
                        "test_end": "2025-06-30",
                        "train_size": 52,
                        "test_size": 7,
                    },
                    "dates": [],
                    "actuals": [],
                    "predictions": [],
                    "metrics": {
                        "mae": 25.14,
                        "rmse": 36.74,
                        "smape": 23.92,
                        "wape": 26.11,
                        "bias": -15.43,
                    },
                    "horizon_bucket_metrics": {
                        "h_1_7": {
                            "mae": 25.14,
                            "rmse": 36.74,
                            "smape": 23.92,
                            "wape": 26.11,
                            "bias": -15.43,
                        }
                    },
                },
            ],
            "aggregated_metrics": {
                "mae": 21.14,
                "rmse": 29.63,
                "smape": 20.46,
                "wape": 21.07,
                "bias": -6.71,
            },
            "metric_std": {
                "mae_stability": 18.92,
                "rmse_stability": 23.98,
                "smape_stability": 16.91,
                "wape_stability": 23.95,
                "bias_stability": 129.79,
            },
            "feature_aware": False,
            "exogenous_policy": None,
            "bucketed_aggregated_metrics": {
                "h_1_7": {"mae": 21.14, "rmse": 29.63, "smape": 20.46, "wape": 21.07, "bias": -6.71}
            },
        },
    ],
    "comparison_summary": {
        "mae": {
            "main": 21.14,
            "naive": 37.14,
            "seasonal_naive": 21.14,
            "vs_naive_pct": 43.08,
            "vs_seasonal_pct": 0.0,
        },
        "rmse": {
            "main": 29.63,
            "naive": 42.58,
            "seasonal_naive": 29.63,
            "vs_naive_pct": 30.41,
            "vs_seasonal_pct": 0.0,
        },
        "smape": {
            "main": 20.46,
            "naive": 34.34,
            "seasonal_naive": 20.46,
            "vs_naive_pct": 40.42,
            "vs_seasonal_pct": 0.0,
        },
        "wape": {
            "main": 21.07,
            "naive": 36.17,
            "seasonal_naive": 21.07,
            "vs_naive_pct": 41.75,
            "vs_seasonal_pct": 0.0,
        },
        "bias": {
            "main": -6.71,
            "naive": -9.86,
            "seasonal_naive": -6.71,
            "vs_naive_pct": 31.88,
            "vs_seasonal_pct": 0.0,
        },
    },
    "duration_ms": 25.61,
    "leakage_check_passed": True,
}


class BacktestRequest(requests.BacktestRequest):
    """Body of `POST /backtesting/run` (spec §7.1)."""

    model_config = ConfigDict(json_schema_extra={"examples": [BACKTEST_EXAMPLE]})


class BacktestResponse(BacktestResult):
    """Folds, aggregated and bucketed metrics of the main model and the baselines (§7.8)."""

    model_config = ConfigDict(json_schema_extra={"examples": [BACKTEST_RESPONSE_EXAMPLE]})
