"""Request and response bodies of `/featuresets` (spec §5.4, §5.5)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from pydantic import ConfigDict, Field

from forecastlab.features.featureset_config import FeatureSetConfig
from forecastlab.features.featureset_service import FeatureSet
from forecastlab.wire import DbId, IsoDate
from serving.schemas.base import ApiModel, StrictRequest

_CONFIG_EXAMPLE: Final[dict[str, Any]] = {
    "name": "default",
    "lag_config": {"lags": [1, 7, 14, 28]},
    "rolling_config": {"windows": [7, 14, 28], "aggregations": ["mean", "std"]},
    "calendar_config": {},
    "exogenous_config": {"include_inventory": False},
}
_ROW_EXAMPLE: Final[dict[str, Any]] = {
    "date": "2025-06-30",
    "store_id": 1,
    "product_id": 2,
    "features": {"lag_1": 41.0, "rolling_mean_7": 38.4, "is_weekend": 0},
}
MAX_LOOKBACK_DAYS: Final[int] = 1095
MAX_SAMPLE_ROWS: Final[int] = 100


def _request_example(window_key: str, window_value: int) -> dict[str, Any]:
    """A request body's example: the demo series, its window parameter, the default config."""
    return {
        "store_id": 1,
        "product_id": 2,
        "cutoff_date": "2025-06-30",
        window_key: window_value,
        "config": _CONFIG_EXAMPLE,
    }


class _SeriesAtCutoff(StrictRequest):
    """The fields both bodies start with: one series and the last day of its window.

    Each body declares `config` itself, after its own window field, so that the field order
    (and the documented schema) stays store_id, product_id, cutoff_date, window, config.
    """

    store_id: DbId
    product_id: DbId
    cutoff_date: IsoDate


class FeatureSetComputeRequest(_SeriesAtCutoff):
    """Body of `POST /featuresets/compute`: one series, a window ending at the cut-off, a config."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [_request_example("lookback_days", 90)]}
    )

    lookback_days: int = Field(
        default=365,
        ge=1,
        le=MAX_LOOKBACK_DAYS,
        description="Days before cutoff_date in the window (also capped by "
        "feature_max_lookback_days: 400 above it).",
    )
    config: FeatureSetConfig


class FeatureSetPreviewRequest(_SeriesAtCutoff):
    """Body of `POST /featuresets/preview`: a fixed 365-day window, the last rows only (D-27)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_request_example("sample_rows", 5)]})

    sample_rows: int = Field(default=10, ge=1, le=MAX_SAMPLE_ROWS)
    config: FeatureSetConfig


class FeatureRow(ApiModel):
    """One observed sales row's features (null where a value is not available)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_EXAMPLE]})

    date: date
    store_id: int
    product_id: int
    features: dict[str, float | int | None]


class FeatureSetResponse(ApiModel):
    """Computed features of one series, with the column order and the nulls per column."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rows": [_ROW_EXAMPLE],
                    "feature_columns": ["lag_1", "rolling_mean_7", "is_weekend"],
                    "config_hash": "3f2a9c0d1e4b5a67",
                    "cutoff_date": "2025-06-30",
                    "row_count": 1,
                    "null_counts": {"lag_1": 0, "rolling_mean_7": 0, "is_weekend": 0},
                    "duration_ms": 12.3,
                }
            ]
        }
    )

    rows: list[FeatureRow]
    feature_columns: list[str]
    config_hash: str = Field(description="SHA-256 of the config's JSON, first 16 hex chars.")
    cutoff_date: date
    row_count: int = Field(description="Rows returned.")
    null_counts: dict[str, int] = Field(description="Nulls per feature over the whole window.")
    duration_ms: float

    @classmethod
    def of(
        cls, feature_set: FeatureSet, duration_ms: float, last: int | None = None
    ) -> FeatureSetResponse:
        """The response for `feature_set`: every row, or only the `last` n."""
        rows = feature_set.rows(last)
        return cls(
            rows=rows,
            feature_columns=feature_set.feature_columns,
            config_hash=feature_set.config_hash,
            cutoff_date=feature_set.cutoff_date,
            row_count=len(rows),
            null_counts=feature_set.null_counts(),
            duration_ms=duration_ms,
        )
