"""Request and response bodies of `/registry` (spec §8).

The model configuration travels on the wire as `model_config`, a name Pydantic reserves for
a model's own settings: the attribute is `config` and `model_config` its alias.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, ConfigDict, Field, computed_field, model_validator

from forecastlab.models import model_family
from forecastlab.registry import (
    ALIAS_NAME_MAX_LENGTH,
    ALIAS_NAME_PATTERN,
    AliasError,
    Status,
    validate_alias_name,
)
from forecastlab.wire import DbId, IsoDate
from serving.schemas.base import ApiModel, StrictRequest, page_example

_RUN_ID: Final = "3f9c2a7be04d4f0c9a1d5e6b7c8d9e0f"
_CONFIG_EXAMPLE: Final = {"model_type": "seasonal_naive", "season_length": 7}
_VALUE_DIFF_EXAMPLE: Final = {"a": 7, "b": 14}
_METRIC_DIFF_EXAMPLE: Final = {"a": 0.21, "b": 0.18, "diff": -0.03}
_RUN_EXAMPLE: Final = {
    "run_id": _RUN_ID,
    "status": "success",
    "model_type": "seasonal_naive",
    "model_config": _CONFIG_EXAMPLE,
    "feature_config": None,
    "config_hash": "9b1f0c3d2e4a5b6c",
    "data_window_start": "2025-01-01",
    "data_window_end": "2025-06-30",
    "store_id": 1,
    "product_id": 2,
    "metrics": {"wape": 0.21, "mae": 3.4},
    "artifact_uri": f"runs:/{_RUN_ID}/model",
    "artifact_hash": "5d41402abc4b2a76b9719d911017c592ae3fd8f0e3b1c6a7d2c4b5e6f7a8b9c0",
    "artifact_size_bytes": 18234,
    "runtime_info": {"python_version": "3.11.9", "feature_frame_version": 1},
    "agent_context": None,
    "git_sha": "a1b2c3d",
    "error_message": None,
    "started_at": "2025-07-01T08:00:00+00:00",
    "completed_at": "2025-07-01T08:00:05+00:00",
    "created_at": "2025-07-01T07:59:58+00:00",
    "updated_at": "2025-07-01T08:00:05+00:00",
    "model_family": "baseline",
    "feature_frame_version": 1,
    "feature_groups": None,
}


def _alias_name(name: str) -> str:
    # One rule set, owned by the registry: the pattern, the length and MLflow's reserved names.
    try:
        validate_alias_name(name)
    except AliasError as exc:
        raise ValueError(str(exc)) from exc
    return name


class AgentContext(StrictRequest):
    """Which agent session created the run, if any."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"agent_id": "forecast-agent", "session_id": "sess-2025-07-01-0800"}]
        }
    )

    agent_id: str | None = None
    session_id: str | None = None


class RunCreateRequest(StrictRequest):
    """Body of `POST /registry/runs`: a pending run for one series and data window."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "seasonal_naive",
                    "model_config": _CONFIG_EXAMPLE,
                    "data_window_start": "2025-01-01",
                    "data_window_end": "2025-06-30",
                    "store_id": 1,
                    "product_id": 2,
                    "git_sha": "a1b2c3d",
                    "runtime_info_extras": {"feature_frame_version": 1},
                }
            ]
        }
    )

    model_type: str = Field(min_length=1, max_length=50)
    config: dict[str, Any] = Field(alias="model_config")
    feature_config: dict[str, Any] | None = None
    data_window_start: IsoDate
    data_window_end: IsoDate
    store_id: DbId
    product_id: DbId
    agent_context: AgentContext | None = None
    git_sha: str | None = Field(default=None, max_length=40)
    runtime_info_extras: dict[str, Any] | None = Field(
        default=None, description="Merged over the captured runtime_info; caller keys win."
    )

    @model_validator(mode="after")
    def _window_in_order(self) -> RunCreateRequest:
        if self.data_window_end < self.data_window_start:
            raise ValueError("data_window_end must be on or after data_window_start")
        return self


class RunUpdateRequest(StrictRequest):
    """Body of `PATCH /registry/runs/{run_id}`: absent or null fields stay as they are."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "running"},
                {"status": "success", "metrics": {"wape": 0.21, "mae": 3.4}},
                {"status": "failed", "error_message": "training data was empty"},
            ]
        }
    )

    status: Status | None = None
    metrics: dict[str, Any] | None = Field(
        default=None, description="Replaces the whole metrics object."
    )
    artifact_uri: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="runs:/<run_id>/<path>, or a path relative to this run's artifacts.",
    )
    artifact_hash: str | None = Field(default=None, min_length=1, max_length=64)
    artifact_size_bytes: int | None = Field(default=None, ge=0)
    error_message: str | None = Field(default=None, max_length=2000)


class RunResponse(ApiModel):
    """One registry run (an MLflow run of experiment `forecastlab`), spec §8.3."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RUN_EXAMPLE]})

    run_id: str
    status: Status
    model_type: str
    config: dict[str, Any] = Field(alias="model_config")
    feature_config: dict[str, Any] | None
    config_hash: str
    data_window_start: date | None
    data_window_end: date | None
    store_id: int | None
    product_id: int | None
    metrics: dict[str, Any] | None
    artifact_uri: str | None
    artifact_hash: str | None
    artifact_size_bytes: int | None
    runtime_info: dict[str, Any] | None
    agent_context: dict[str, Any] | None
    git_sha: str | None
    error_message: str | None
    started_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    feature_frame_version: int | None = Field(
        description="runtime_info.feature_frame_version when an int; null for V1 runs."
    )
    feature_groups: dict[str, list[str]] | None = Field(
        description="runtime_info.feature_groups when an object, else null."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def model_family(self) -> str:
        """baseline, additive or tree (spec §6.1); unknown model types count as baseline."""
        return model_family(self.model_type)


class RunListResponse(ApiModel):
    """A page of runs and the size of the whole filtered result."""

    model_config = ConfigDict(json_schema_extra={"examples": [page_example("runs", _RUN_EXAMPLE)]})

    runs: list[RunResponse]
    total: int
    page: int
    page_size: int


class VerifiedResponse(ApiModel):
    """The artifact's SHA-256 matches the hash recorded for the run."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verified": True,
                    "run_id": _RUN_ID,
                    "artifact_uri": f"runs:/{_RUN_ID}/model",
                    "stored_hash": _RUN_EXAMPLE["artifact_hash"],
                    "computed_hash": _RUN_EXAMPLE["artifact_hash"],
                }
            ]
        }
    )

    verified: Literal[True] = True
    run_id: str
    artifact_uri: str
    stored_hash: str
    computed_hash: str


class VerifyMismatchResponse(ApiModel):
    """The artifact changed since its hash was recorded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verified": False,
                    "run_id": _RUN_ID,
                    "artifact_uri": f"runs:/{_RUN_ID}/model",
                    "error": "artifact hash mismatch: expected 5d41…, got 9e10…",
                }
            ]
        }
    )

    verified: Literal[False] = False
    run_id: str
    artifact_uri: str
    error: str


VerifyResponse = VerifiedResponse | VerifyMismatchResponse


class AliasCreateRequest(StrictRequest):
    """Body of `POST /registry/aliases`: create the alias or re-point it (upsert by name)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"alias_name": "champion", "run_id": _RUN_ID, "description": "best WAPE in June"}
            ]
        }
    )

    alias_name: Annotated[
        str,
        Field(min_length=1, max_length=ALIAS_NAME_MAX_LENGTH, pattern=ALIAS_NAME_PATTERN),
        AfterValidator(_alias_name),
    ] = Field(description="Lower-case name; `latest` and `v<n>` are reserved by MLflow.")
    run_id: str = Field(min_length=1, description="Registry run id (MLflow run id).")
    description: str | None = Field(default=None, max_length=500)


class AliasResponse(ApiModel):
    """An alias of the registered model `forecastlab-demand` and the run behind it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "alias_name": "champion",
                    "run_id": _RUN_ID,
                    "run_status": "success",
                    "model_type": "seasonal_naive",
                    "description": "best WAPE in June",
                    "created_at": "2025-07-01T08:10:00+00:00",
                    "updated_at": "2025-07-01T08:10:00+00:00",
                }
            ]
        }
    )

    alias_name: str
    run_id: str
    run_status: str = Field(description="The run's status; `deleted` if MLflow lost the run.")
    model_type: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ValueDiff(ApiModel):
    """A top-level model_config key whose values differ (null = missing on that side)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_VALUE_DIFF_EXAMPLE]})

    a: Any
    b: Any


class MetricDiff(ApiModel):
    """One metric on both sides; diff = b - a when both are numbers."""

    model_config = ConfigDict(json_schema_extra={"examples": [_METRIC_DIFF_EXAMPLE]})

    a: float | None
    b: float | None
    diff: float | None


class RunComparisonResponse(ApiModel):
    """Two runs side by side (spec §8.9)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "run_a": _RUN_EXAMPLE,
                    "run_b": _RUN_EXAMPLE,
                    "config_diff": {"season_length": _VALUE_DIFF_EXAMPLE},
                    "metrics_diff": {"wape": _METRIC_DIFF_EXAMPLE},
                    "comparable": True,
                }
            ]
        }
    )

    run_a: RunResponse
    run_b: RunResponse
    config_diff: dict[str, ValueDiff]
    metrics_diff: dict[str, MetricDiff]
    comparable: bool = Field(
        description="Same grain, overlapping data windows and the same feature_frame_version."
    )
