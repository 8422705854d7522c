"""The /featuresets slice: time-safe features of one series, computed on demand (spec §5.4-5.5)."""

from __future__ import annotations

from time import perf_counter
from typing import Any, Final

from fastapi import APIRouter
from sqlalchemy import Engine

from forecastlab.features.featureset_service import (
    PREVIEW_LOOKBACK_DAYS,
    check_limits,
    compute_featureset,
)
from forecastlab.settings import Settings
from serving.deps import EngineDep, SettingsDep
from serving.schemas.featuresets import (
    FeatureSetComputeRequest,
    FeatureSetPreviewRequest,
    FeatureSetResponse,
)

router = APIRouter(prefix="/featuresets", tags=["featuresets"])

RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {
        "description": "A lag, price lag, window or lookback_days exceeds the server's "
        "feature_max_lag / feature_max_window / feature_max_lookback_days."
    },
    404: {"description": "The series has no sales rows in the window."},
    422: {
        "description": "Request validation failed (bounds, unknown keys, wrong JSON types, "
        "invalid feature config)."
    },
}


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
    return _feature_response(request, engine, settings, request.lookback_days)


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
    return _feature_response(request, engine, settings, None, last=request.sample_rows)


def _feature_response(
    request: FeatureSetComputeRequest | FeatureSetPreviewRequest,
    engine: Engine,
    settings: Settings,
    lookback_days: int | None,
    last: int | None = None,
) -> FeatureSetResponse:
    """Check the limits, compute the series' features and time it all.

    `lookback_days` is the caller's, checked against feature_max_lookback_days; None means the
    preview's fixed year (D-27), which is not. `last` keeps only the last n rows.
    """
    started = perf_counter()
    check_limits(request.config, settings, lookback_days)
    feature_set = compute_featureset(
        engine,
        request.store_id,
        request.product_id,
        request.cutoff_date,
        PREVIEW_LOOKBACK_DAYS if lookback_days is None else lookback_days,
        request.config,
    )
    return FeatureSetResponse.of(feature_set, (perf_counter() - started) * 1000.0, last=last)
