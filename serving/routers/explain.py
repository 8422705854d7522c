"""The /explain slice (spec §10): rule-based explanations of baseline forecasts, for a series, a
registry run or a predict job, and (an extension) per-feature contributions of tree models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from forecastlab.explain import service
from forecastlab.jobs.store import fetch_outcomes
from forecastlab.wire import DbId
from serving.dagster_client import DagsterJobsDep
from serving.deps import EngineDep, SettingsDep
from serving.schemas.explain import (
    ContributionsRequest,
    ContributionsResponse,
    ExplainForecastRequest,
    ForecastExplanation,
)

router = APIRouter(prefix="/explain", tags=["explain"])

_NOT_EXPLAINABLE = (
    "A model type without a rule-based explanation (e.g. lightgbm, regression, portfolio), "
    "invalid model parameters, or too few observations on or before the cutoff"
)


@router.post(
    "/forecast",
    response_model=ForecastExplanation,
    responses={
        400: {"description": f"{_NOT_EXPLAINABLE}, or no sales at all"},
        422: {"description": "Schema violation (e.g. season_length over 365, an unknown key)"},
    },
)
def explain_forecast(
    body: ExplainForecastRequest, engine: EngineDep, settings: SettingsDep
) -> ForecastExplanation:
    """Explain a baseline's forecast for the day after as_of_date from the sales up to it."""
    explanation = service.explain_forecast(
        engine,
        body.store_id,
        body.product_id,
        body.model_type,
        body.as_of_date,
        {"season_length": body.season_length, "window_size": body.window_size},
        settings,
    )
    return ForecastExplanation.model_validate(explanation)


@router.get(
    "/runs/{run_id}",
    response_model=ForecastExplanation,
    responses={
        400: {
            "description": f"{_NOT_EXPLAINABLE}; a run without a series and no store_id / "
            "product_id; ids that differ from the run's own"
        },
        404: {"description": "No run with this id (also for malformed ids)"},
    },
)
def explain_run(
    run_id: str,
    engine: EngineDep,
    settings: SettingsDep,
    store_id: Annotated[
        DbId | None, Query(description="Only for a run without a series (global, portfolio).")
    ] = None,
    product_id: Annotated[
        DbId | None, Query(description="Only for a run without a series (global, portfolio).")
    ] = None,
) -> ForecastExplanation:
    """Explain a baseline run's forecast after its data window, with its own parameters."""
    explanation = service.explain_run(engine, run_id, store_id, product_id, settings)
    return ForecastExplanation.model_validate(explanation)


@router.get(
    "/jobs/{job_id}",
    response_model=ForecastExplanation,
    responses={
        400: {
            "description": "Not a completed predict job, a result without forecasts, series or "
            f"model type, or: {_NOT_EXPLAINABLE}"
        },
        404: {"description": "No job with this id"},
        502: {"description": "The Dagster webserver is unreachable or refused the call"},
    },
)
def explain_job(
    job_id: str, engine: EngineDep, settings: SettingsDep, dagster: DagsterJobsDep
) -> ForecastExplanation:
    """Explain the first forecast day of a completed predict job, from the day before it."""
    job = dagster.get(job_id).with_outcome(fetch_outcomes(engine, [job_id]).get(job_id))
    return ForecastExplanation.model_validate(service.explain_job(engine, job, settings))


@router.post(
    "/contributions",
    response_model=ContributionsResponse,
    responses={
        400: {
            "description": "Not a tree model (lightgbm, regression, global_lightgbm, "
            "global_hgb, or a portfolio member that is one), a global model or portfolio "
            "without store_id/product_id, ids other than a single-series run's, or a horizon "
            "over forecast_max_horizon"
        },
        404: {
            "description": "Unknown run, a run without a model, or a series the global model "
            "or portfolio does not hold"
        },
        422: {"description": "Schema violation (e.g. horizon 0)"},
    },
)
def explain_contributions(
    body: ContributionsRequest, engine: EngineDep, settings: SettingsDep
) -> ContributionsResponse:
    """Extension: per-feature contributions to a tree model's forecast days (SHAP, tree path)."""
    contributions = service.explain_contributions(
        engine, body.run_id, body.horizon, body.store_id, body.product_id, settings
    )
    return ContributionsResponse.model_validate(contributions)
