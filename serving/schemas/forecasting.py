"""Bodies and responses of /forecasting: the domain models, with OpenAPI examples.

The models live in `forecastlab.forecasting.requests` because `POST /jobs` validates train and
predict jobs with them too; these subclasses only add the examples the docs show.
"""

from __future__ import annotations

from pydantic import ConfigDict

from forecastlab.forecasting import requests

_RUN_ID = "0b7e4c1f2d3a4e5f8a9b0c1d2e3f4a5b"

TRAIN_EXAMPLES = [
    {
        "store_id": 1,
        "product_id": 2,
        "train_start_date": "2025-03-03",
        "train_end_date": "2025-06-30",
        "config": {"model_type": "seasonal_naive", "season_length": 7},
    },
    {
        "store_id": 1,
        "product_id": 2,
        "train_start_date": "2025-03-03",
        "train_end_date": "2025-06-30",
        "config": {"model_type": "lightgbm", "n_estimators": 200, "learning_rate": 0.05},
        "feature_frame_version": 2,
        "feature_groups": ["target_history", "calendar", "price_promo"],
    },
]
TRAIN_RESPONSE_EXAMPLE = {
    "store_id": 1,
    "product_id": 2,
    "model_type": "seasonal_naive",
    "run_id": _RUN_ID,
    "model_path": f"runs:/{_RUN_ID}/model",
    "config_hash": "9f2c4be01d7a3e55",
    "n_observations": 120,
    "train_start_date": "2025-03-03",
    "train_end_date": "2025-06-30",
    "feature_frame_version": None,
    "duration_ms": 412.7,
}
PREDICT_EXAMPLES = [
    {"store_id": 1, "product_id": 2, "horizon": 7, "run_id": _RUN_ID},
    {"store_id": 1, "product_id": 2, "horizon": 14, "model_path": f"runs:/{_RUN_ID}/model"},
    {
        "store_id": 1,
        "product_id": 2,
        "horizon": 14,
        "model_path": "models:/forecastlab-demand@production",
    },
]
PREDICT_RESPONSE_EXAMPLE = {
    "store_id": 1,
    "product_id": 2,
    "forecasts": [
        {"date": "2025-07-01", "forecast": 12.0, "lower_bound": 7.0, "upper_bound": 17.0},
        {"date": "2025-07-02", "forecast": 9.0, "lower_bound": 4.0, "upper_bound": 14.0},
    ],
    "model_type": "seasonal_naive",
    "config_hash": "9f2c4be01d7a3e55",
    "horizon": 2,
    "run_id": _RUN_ID,
    "model_path": f"runs:/{_RUN_ID}/model",
    "interval_level": 0.8,
    "interval_note": None,
    "duration_ms": 3.1,
}


class TrainRequest(requests.TrainRequest):
    """Body of `POST /forecasting/train` (spec §6.4)."""

    model_config = ConfigDict(json_schema_extra={"examples": TRAIN_EXAMPLES})


class TrainResponse(requests.TrainResponse):
    """The trained model: its MLflow run (`run_id`) and model URI (`model_path`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [TRAIN_RESPONSE_EXAMPLE]})


class PredictRequest(requests.PredictRequest):
    """Body of `POST /forecasting/predict`: the series, the horizon and the model's address."""

    model_config = ConfigDict(json_schema_extra={"examples": PREDICT_EXAMPLES})


class PredictResponse(requests.PredictResponse):
    """One forecast per day from the day after the model's origin, with conformal bounds at
    `interval_level` (null bounds and an `interval_note` when the run has no calibration)."""

    model_config = ConfigDict(json_schema_extra={"examples": [PREDICT_RESPONSE_EXAMPLE]})
