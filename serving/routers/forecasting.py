"""The /forecasting slice: train a model on one series, forecast with a logged model."""

from __future__ import annotations

from fastapi import APIRouter

from forecastlab.forecasting import requests, service
from serving.deps import EngineDep, SettingsDep
from serving.schemas.forecasting import (
    PredictRequest,
    PredictResponse,
    TrainRequest,
    TrainResponse,
)

router = APIRouter(prefix="/forecasting", tags=["forecasting"])


@router.post(
    "/train",
    response_model=TrainResponse,
    responses={
        400: {"description": "No or too few rows in the window, or a disabled model"},
        422: {"description": "Schema violation (e.g. train_end_date not after the start)"},
    },
)
def train_model(
    body: TrainRequest, engine: EngineDep, settings: SettingsDep
) -> requests.TrainResponse:
    """Train one model on one series' observed rows and log it as an MLflow run."""
    return service.train(engine, body, settings)


@router.post(
    "/predict",
    response_model=PredictResponse,
    responses={
        400: {
            "description": "Unsupported model_path, another series than a single-series model "
            "was trained on, or a horizon over forecast_max_horizon"
        },
        404: {
            "description": "Unknown run or alias, no model artifact, or a series the "
            "portfolio does not hold"
        },
        422: {"description": "Schema violation (e.g. neither run_id nor model_path)"},
    },
)
def predict(
    body: PredictRequest, engine: EngineDep, settings: SettingsDep
) -> requests.PredictResponse:
    """Forecast one series with a model addressed by run_id, runs:/ URI or models:/ alias URI."""
    return service.predict(engine, body, settings)
