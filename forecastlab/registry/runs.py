"""Registry runs = MLflow runs of experiment `forecastlab`: records, lifecycle, lookups.

The contract's status lives in the `forecastlab.status` tag and is mirrored onto MLflow's own
run status so the UI shows the same thing (archived keeps whatever MLflow status it had).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from mlflow.entities import Run, RunStatus, RunTag
from mlflow.exceptions import MlflowException

from forecastlab.registry import tags
from forecastlab.registry.client import connect
from forecastlab.registry.errors import InvalidTransitionError, RunNotFoundError
from forecastlab.registry.versions import code_version, runtime_info

STATUS_TAG = tags.STATUS
MODEL_ARTIFACT_PATH = "model"

Status = Literal["pending", "running", "success", "failed", "archived"]

# Spec §8.1. Same-state moves are not listed, so they are rejected like any other.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("running", "archived"),
    "running": ("success", "failed", "archived"),
    "success": ("archived",),
    "failed": ("archived",),
    "archived": (),
}
_MLFLOW_STATUS = {
    "pending": RunStatus.SCHEDULED,
    "running": RunStatus.RUNNING,
    "success": RunStatus.FINISHED,
    "failed": RunStatus.FAILED,
}


@dataclass(frozen=True)
class RunRecord:
    """One registry run as the contract sees it (spec §8.3), read back from MLflow."""

    run_id: str
    status: str
    model_type: str
    model_config: dict[str, Any]
    config_hash: str
    store_id: int | None
    product_id: int | None
    data_window_start: date | None
    data_window_end: date | None
    metrics: dict[str, Any]
    artifact_uri: str | None
    artifact_hash: str | None
    artifact_size_bytes: int | None
    runtime_info: dict[str, Any]
    feature_frame_version: int | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    error_message: str | None
    tags: dict[str, str]


def config_hash(model_config: dict[str, Any]) -> str:
    """The registry recipe of spec §6.8: sha256 of the sorted-keys JSON, first 16 hex."""
    return hashlib.sha256(json.dumps(model_config, sort_keys=True).encode()).hexdigest()[:16]


def utc_now() -> datetime:
    """Now, timezone-aware, as every registry timestamp."""
    return datetime.now(UTC)


def base_tags(
    *,
    model_type: str,
    model_config: dict[str, Any],
    store_id: int | None,
    product_id: int | None,
    data_window_start: date,
    data_window_end: date,
    runtime_extras: dict[str, Any] | None,
    status: str,
    now: datetime,
) -> dict[str, str]:
    """The tags every run starts with, whoever creates it."""
    info = {**runtime_info(), **(runtime_extras or {})}
    values: dict[str, Any] = {
        tags.MODEL_TYPE: model_type,
        tags.CONFIG_HASH: config_hash(model_config),
        tags.STORE_ID: store_id,
        tags.PRODUCT_ID: product_id,
        tags.DATA_WINDOW_START: data_window_start.isoformat(),
        tags.DATA_WINDOW_END: data_window_end.isoformat(),
        tags.FEATURE_FRAME_VERSION: info.get("feature_frame_version"),
        tags.CODE_VERSION: code_version(),
        tags.MODEL_CONFIG: json.dumps(model_config, sort_keys=True, default=str),
        tags.RUNTIME_INFO: json.dumps(info, sort_keys=True, default=str),
        tags.METRICS: "{}",
        tags.STATUS: status,
        tags.UPDATED_AT: now.isoformat(),
    }
    return {key: str(value) for key, value in values.items() if value is not None}


def create_run(
    model_type: str,
    model_config: dict[str, Any],
    data_window_start: date,
    data_window_end: date,
    store_id: int | None = None,
    product_id: int | None = None,
    *,
    feature_config: dict[str, Any] | None = None,
    runtime_info_extras: dict[str, Any] | None = None,
    extra_tags: dict[str, str] | None = None,
) -> RunRecord:
    """Create a `pending` run without a model (POST /registry/runs, spec §8.2)."""
    conn = connect()
    now = utc_now()
    run_tags = base_tags(
        model_type=model_type,
        model_config=model_config,
        store_id=store_id,
        product_id=product_id,
        data_window_start=data_window_start,
        data_window_end=data_window_end,
        runtime_extras=runtime_info_extras,
        status="pending",
        now=now,
    )
    if feature_config is not None:
        run_tags[tags.FEATURE_CONFIG] = json.dumps(feature_config, sort_keys=True, default=str)
    run = conn.client.create_run(
        conn.experiment_id,
        start_time=_millis(now),
        tags={**(extra_tags or {}), **run_tags},
        run_name=run_name(model_type, store_id, product_id),
    )
    conn.client.update_run(run.info.run_id, status=RunStatus.to_string(RunStatus.SCHEDULED))
    return get_run(run.info.run_id)


def transition(run_id: str, to_status: Status) -> RunRecord:
    """Move a run along the lifecycle of spec §8.1, stamping started_at / completed_at."""
    current = get_run(run_id)
    allowed = TRANSITIONS.get(current.status, ())
    if to_status not in allowed:
        raise InvalidTransitionError(current.status, to_status, allowed)
    client = connect().client
    now = utc_now()
    stamps = {tags.STATUS: to_status, tags.UPDATED_AT: now.isoformat()}
    if to_status == "running":
        stamps[tags.STARTED_AT] = now.isoformat()
    elif to_status in ("success", "failed"):
        stamps[tags.COMPLETED_AT] = now.isoformat()
    client.log_batch(run_id, tags=[RunTag(key, value) for key, value in stamps.items()])
    if to_status == "running":
        client.update_run(run_id, status=RunStatus.to_string(RunStatus.RUNNING))
    elif to_status in ("success", "failed"):
        # set_terminated also records MLflow's end time, which update_run leaves alone.
        client.set_terminated(
            run_id, RunStatus.to_string(_MLFLOW_STATUS[to_status]), end_time=_millis(now)
        )
    return get_run(run_id)


def get_run(run_id: str) -> RunRecord:
    """The run with this id; RunNotFoundError when unknown, deleted or in another experiment."""
    conn = connect()
    try:
        run = conn.client.get_run(run_id)
    except MlflowException as exc:
        raise RunNotFoundError(f"run {run_id} not found") from exc
    if run.info.experiment_id != conn.experiment_id or run.info.lifecycle_stage != "active":
        raise RunNotFoundError(f"run {run_id} not found")
    return record_from(run)


def run_name(model_type: str, store_id: int | None, product_id: int | None) -> str:
    """A readable MLflow run name: the model type and, when it has one, the series."""
    if store_id is None or product_id is None:
        return model_type
    return f"{model_type}-s{store_id}-p{product_id}"


def record_from(run: Run) -> RunRecord:
    """Read the contract's fields back from a run's tags (the source of truth)."""
    t = run.data.tags
    created = datetime.fromtimestamp(run.info.start_time / 1000, UTC)
    has_model = tags.ARTIFACT_HASH in t
    return RunRecord(
        run_id=run.info.run_id,
        status=t.get(tags.STATUS, "pending"),
        model_type=t.get(tags.MODEL_TYPE, ""),
        model_config=json.loads(t.get(tags.MODEL_CONFIG, "{}")),
        config_hash=t.get(tags.CONFIG_HASH, ""),
        store_id=_int(t.get(tags.STORE_ID)),
        product_id=_int(t.get(tags.PRODUCT_ID)),
        data_window_start=_date(t.get(tags.DATA_WINDOW_START)),
        data_window_end=_date(t.get(tags.DATA_WINDOW_END)),
        metrics=json.loads(t.get(tags.METRICS, "{}")),
        artifact_uri=f"runs:/{run.info.run_id}/{MODEL_ARTIFACT_PATH}" if has_model else None,
        artifact_hash=t.get(tags.ARTIFACT_HASH),
        artifact_size_bytes=_int(t.get(tags.ARTIFACT_SIZE_BYTES)),
        runtime_info=json.loads(t.get(tags.RUNTIME_INFO, "{}")),
        feature_frame_version=_int(t.get(tags.FEATURE_FRAME_VERSION)),
        created_at=created,
        updated_at=_datetime(t.get(tags.UPDATED_AT)) or created,
        started_at=_datetime(t.get(tags.STARTED_AT)),
        completed_at=_datetime(t.get(tags.COMPLETED_AT)),
        error_message=t.get(tags.ERROR_MESSAGE),
        tags=dict(t),
    )


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _int(value: str | None) -> int | None:
    return None if value is None or value == "" else int(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
