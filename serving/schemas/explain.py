"""Request and response bodies of `/explain` (spec §10, plus the contributions extension)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, ConfigDict, Field

from forecastlab.explain.baselines import EXPLAINABLE_TYPES
from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.wire import DbId, IsoDate, no_nul
from serving.schemas.base import ApiModel, StrictRequest

_RUN_ID: Final = "3f9c2a7be04d4f0c9a1d5e6b7c8d9e0f"
_DRIVER_EXAMPLE: Final = {
    "name": "window_mean",
    "feature_value": 12.43,
    "contribution": 12.43,
    "direction": "positive",
    "description": "Mean of the last 7 observations (2025-06-24..2025-06-30).",
}
_REASON_EXAMPLE: Final = {
    "code": "promotion_overlap",
    "severity": "info",
    "detail": "1 promotion(s) of the product overlap 2025-05-31..2025-06-30; 0 still active on "
    "2025-06-30",
}
_EXPLANATION_EXAMPLE: Final[dict[str, Any]] = {
    "explanation_id": "9e1b7c2d4f3a4b5c8d6e0f1a2b3c4d5e",
    "store_id": 1,
    "product_id": 2,
    "model_type": "moving_average",
    "method": "rule_based",
    "forecast_value": 12.43,
    "drivers": [
        _DRIVER_EXAMPLE,
        {
            "name": "window_dispersion",
            "feature_value": 2.1,
            "contribution": 0.0,
            "direction": "neutral",
            "description": "Population standard deviation of the 7 observations in the window.",
        },
    ],
    "reason_codes": [_REASON_EXAMPLE],
    "confidence": "high",
    "caveats": [
        "Correlation, not causation: the drivers decompose the model's arithmetic; they do not "
        "say why demand moved.",
        "A moving average smooths recent shifts: a change in level shows only gradually.",
    ],
    "agent_summary": "Store 1, product 2: the moving_average model forecasts 12.4 units for "
    "2025-07-01. The leading driver is window_mean (value 12.4, contribution +12.4). "
    "Confidence is high. Reason codes: promotion_overlap.",
    "as_of_date": "2025-06-30",
    "forecast_date": "2025-07-01",
    "generated_at": "2025-07-01T08:00:00+00:00",
    "run_id": None,
    "job_id": None,
}
_TREE_EXPLANATION_EXAMPLE: Final[dict[str, Any]] = {
    **_EXPLANATION_EXAMPLE,
    "model_type": "lightgbm",
    "method": "shap",
    "forecast_value": 13.2,
    "drivers": [
        {
            "name": "lag_7",
            "feature_value": 15.0,
            "contribution": 1.84,
            "direction": "positive",
            "description": "lag_7 = 15: +1.840 against the bias.",
        },
        {
            "name": "bias",
            "feature_value": None,
            "contribution": 11.36,
            "direction": "positive",
            "description": "LightGBM's expected value: the average raw prediction over the "
            "training data, before any feature is known.",
        },
    ],
    "confidence": "medium",
    "agent_summary": "Store 1, product 2: the lightgbm model forecasts 13.2 units for "
    "2025-07-01. The leading driver is lag_7 (value 15.0, contribution +1.8). Confidence is "
    "medium. Reason codes: promotion_overlap.",
    "run_id": _RUN_ID,
}

ModelType = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(no_nul)]
RunId = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_nul)]


class ExplainForecastRequest(StrictRequest):
    """Body of `POST /explain/forecast` (spec §10.6): a baseline, a series and a cutoff."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "store_id": 1,
                    "product_id": 2,
                    "model_type": "moving_average",
                    "as_of_date": "2025-06-30",
                    "window_size": 7,
                },
                {
                    "store_id": 1,
                    "product_id": 2,
                    "model_type": "seasonal_naive",
                    "as_of_date": "2025-06-30",
                    "season_length": 7,
                },
            ]
        }
    )

    store_id: DbId
    product_id: DbId
    model_type: ModelType = Field(
        description=f"One of {', '.join(EXPLAINABLE_TYPES)}; any other type is a 400 (D-17)."
    )
    as_of_date: IsoDate = Field(description="The cutoff: only sales on or before it are read.")
    season_length: int | None = Field(None, ge=1, le=365, description="Default 7.")
    window_size: int | None = Field(None, ge=1, le=90, description="Default 7.")


class ContributionsRequest(StrictRequest):
    """Body of `POST /explain/contributions`: a tree model's run and the days to explain."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"run_id": _RUN_ID, "horizon": 7},
                {"run_id": _RUN_ID, "store_id": 1, "product_id": 2, "horizon": 1},
            ]
        }
    )

    run_id: RunId = Field(
        description="MLflow run id of a lightgbm, regression, global or portfolio model."
    )
    store_id: DbId | None = Field(None, description="Required for a global model or portfolio.")
    product_id: DbId | None = Field(None, description="Required for a global model or portfolio.")
    horizon: int = Field(1, ge=1, le=MAX_HORIZON, description="Forecast days to explain.")


class DriverContribution(ApiModel):
    """One driver: a term of the forecast, or a context value contributing 0."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DRIVER_EXAMPLE]})

    name: str
    feature_value: float | None
    contribution: float
    direction: Literal["positive", "negative", "neutral"]
    description: str


class ReasonCode(ApiModel):
    """An advisory about the series (correlation, never causation), spec §10.3."""

    model_config = ConfigDict(json_schema_extra={"examples": [_REASON_EXAMPLE]})

    code: str
    severity: Literal["info", "warn"]
    detail: str


class ForecastExplanation(ApiModel):
    """One explained forecast day (spec §10.5): drivers summing to the model's output, reason
    codes, confidence, caveats and a summary; `forecast_date`, `run_id` and `job_id` are
    additive."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXPLANATION_EXAMPLE]})

    explanation_id: str
    store_id: int
    product_id: int
    model_type: str
    method: Literal["rule_based", "shap", "tree_path"]
    forecast_value: float
    drivers: list[DriverContribution]
    reason_codes: list[ReasonCode]
    confidence: Literal["high", "medium", "low"]
    caveats: list[str]
    agent_summary: str
    as_of_date: date
    forecast_date: date
    generated_at: datetime
    run_id: str | None
    job_id: str | None


class ContributionsResponse(ApiModel):
    """The explained forecast days of one series by a tree model."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_id": _RUN_ID,
                    "run_model_type": "lightgbm",
                    "store_id": 1,
                    "product_id": 2,
                    "horizon": 1,
                    "method": "shap",
                    "explanations": [_TREE_EXPLANATION_EXAMPLE],
                }
            ]
        }
    )

    run_id: str
    run_model_type: str = Field(description="The run's model type (e.g. portfolio).")
    store_id: int
    product_id: int
    horizon: int
    method: Literal["shap", "tree_path"]
    explanations: list[ForecastExplanation]
