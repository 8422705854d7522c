"""The /featuresets slice: time-safe features of one series, computed on demand (spec §5.4-5.5)."""

from __future__ import annotations

from time import perf_counter
from typing import Any, Final

from fastapi import APIRouter

from forecastlab.features.featureset_service import (
    PREVIEW_LOOKBACK_DAYS,
    check_limits,
    compute_featureset,
)
from serving.deps import EngineDep, SettingsDep
from serving.schemas.featuresets import (
    FeatureSetComputeRequest,
    FeatureSetPreviewRequest,
    FeatureSetResponse,
)

router = APIRouter(prefix="/featuresets", tags=["featuresets"])

_PROBLEM: Final[dict[str, Any]] = {"content": {"application/problem+json": {}}}
RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {
        "description": "A lag, price lag, window or lookback_days exceeds the server's "
        "feature_max_lag / feature_max_window / feature_max_lookback_days.",
        **_PROBLEM,
    },
    404: {"description": "The series has no sales rows in the window.", **_PROBLEM},
    422: {
        "description": "Request validation failed (bounds, unknown keys, wrong JSON types, "
        "invalid feature config).",
        **_PROBLEM,
    },
}


def _elapsed_ms(started: float) -> float:
    return (perf_counter() - started) * 1000.0


@router.post(
    "/compute",
    response_model=FeatureSetResponse,
    responses=RESPONSES,
    operation_id="featuresets_compute",
)
def compute(
    request: FeatureSetComputeRequest, engine: EngineDep, settings: SettingsDep
) -> FeatureSetResponse:
    """Compute time-safe lag/rolling/calendar/exogenous features of one series up to cutoff_date."""
    started = perf_counter()
    check_limits(request.config, settings, request.lookback_days)
    feature_set = compute_featureset(
        engine,
        request.store_id,
        request.product_id,
        request.cutoff_date,
        request.lookback_days,
        request.config,
    )
    return FeatureSetResponse.of(feature_set, _elapsed_ms(started))


@router.post(
    "/preview",
    response_model=FeatureSetResponse,
    responses=RESPONSES,
    operation_id="featuresets_preview",
)
def preview(
    request: FeatureSetPreviewRequest, engine: EngineDep, settings: SettingsDep
) -> FeatureSetResponse:
    """Preview features: the last sample_rows rows of a 365-day window (null counts over all)."""
    started = perf_counter()
    check_limits(request.config, settings)
    feature_set = compute_featureset(
        engine,
        request.store_id,
        request.product_id,
        request.cutoff_date,
        PREVIEW_LOOKBACK_DAYS,
        request.config,
    )
    return FeatureSetResponse.of(feature_set, _elapsed_ms(started), last=request.sample_rows)
