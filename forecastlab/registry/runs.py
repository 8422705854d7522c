"""Registry runs = MLflow runs of experiment `forecastlab`: records, lifecycle, lookups.

The contract's status lives in the `forecastlab.status` tag and is mirrored onto MLflow's own
run status so the UI shows the same thing (archived keeps whatever MLflow status it had).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from mlflow.entities import Run, RunStatus, RunTag
from mlflow.exceptions import MlflowException

from forecastlab.registry import tags
from forecastlab.registry.client import connect
from forecastlab.registry.errors import (
    DuplicateRunError,
    InvalidTransitionError,
    RunNotFoundError,
)
from forecastlab.registry.search import search_runs
from forecastlab.registry.versions import code_version, runtime_info

log = logging.getLogger(__name__)

STATUS_TAG = tags.STATUS
MODEL_ARTIFACT_PATH = "model"

Status = Literal["pending", "running", "success", "failed", "archived"]
DuplicatePolicy = Literal["allow", "detect", "deny"]

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
# Spec §8.2 + D-21: runs that differ in none of these (and in feature_frame_version) are
# duplicates of each other.
_DUPLICATE_KEY = (
    tags.CONFIG_HASH,
    tags.STORE_ID,
    tags.PRODUCT_ID,
    tags.DATA_WINDOW_START,
    tags.DATA_WINDOW_END,
)


@dataclass(frozen=True)
class RunRecord:
    """One registry run as the contract sees it (spec §8.3), read back from MLflow."""

    run_id: str
    status: str
    model_type: str
    model_config: dict[str, Any]
    feature_config: dict[str, Any] | None
    config_hash: str
    store_id: int | None
    product_id: int | None
    data_window_start: date | None
    data_window_end: date | None
    metrics: dict[str, Any] | None  # None until a PATCH or a logged model sets them
    artifact_uri: str | None
    artifact_hash: str | None
    artifact_size_bytes: int | None
    runtime_info: dict[str, Any]
    feature_frame_version: int | None
    agent_context: dict[str, Any] | None
    git_sha: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    error_message: str | None
    tags: dict[str, str]

    @property
    def feature_groups(self) -> dict[str, list[str]] | None:
        """runtime_info.feature_groups when it is an object (V2 runs), else None (spec §8.3)."""
        groups = self.runtime_info.get("feature_groups")
        return groups if isinstance(groups, dict) else None

    @property
    def effective_frame_version(self) -> int:
        """The feature frame version duplicates and comparisons use: a missing one is 1 (D-21)."""
        return 1 if self.feature_frame_version is None else self.feature_frame_version


def config_hash(model_config: dict[str, Any]) -> str:
    """The registry recipe of spec §6.8: sha256 of the sorted-keys JSON, first 16 hex."""
    return hashlib.sha256(json.dumps(model_config, sort_keys=True).encode()).hexdigest()[:16]


def frame_version(info: dict[str, Any]) -> int | None:
    """runtime_info.feature_frame_version when it is an int, else None (V1 and legacy runs)."""
    value = info.get("feature_frame_version")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
        tags.FEATURE_FRAME_VERSION: frame_version(info),
        tags.CODE_VERSION: code_version(),
        tags.MODEL_CONFIG: tags.encode_json("model_config", model_config),
        tags.RUNTIME_INFO: tags.encode_json("runtime_info", info),
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
    agent_context: dict[str, Any] | None = None,
    git_sha: str | None = None,
    extra_tags: dict[str, str] | None = None,
    duplicate_policy: DuplicatePolicy = "detect",
) -> RunRecord:
    """Create a `pending` run without a model (POST /registry/runs, spec §8.2).

    `duplicate_policy` decides what an existing duplicate does: nothing (`allow`), a logged
    warning (`detect`) or DuplicateRunError (`deny`).
    """
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
        run_tags[tags.FEATURE_CONFIG] = tags.encode_json("feature_config", feature_config)
    if agent_context is not None:
        run_tags[tags.AGENT_CONTEXT] = tags.encode_json("agent_context", agent_context)
    if git_sha is not None:
        run_tags[tags.GIT_SHA] = git_sha
    if duplicate_policy != "allow":
        _check_duplicates(run_tags, duplicate_policy)
    run = conn.client.create_run(
        conn.experiment_id,
        start_time=_millis(now),
        tags={**(extra_tags or {}), **run_tags},
        run_name=run_name(model_type, store_id, product_id),
    )
    conn.client.update_run(run.info.run_id, status=RunStatus.to_string(RunStatus.SCHEDULED))
    return get_run(run.info.run_id)


def _check_duplicates(run_tags: dict[str, str], policy: DuplicatePolicy) -> None:
    """Apply the duplicate policy of spec §8.2 to a run about to be created with `run_tags`."""
    version = frame_version(json.loads(run_tags[tags.RUNTIME_INFO]))
    effective = 1 if version is None else version
    duplicates = [
        record.run_id
        for record in map(record_from, search_runs({k: run_tags.get(k) for k in _DUPLICATE_KEY}))
        if record.status != "archived" and record.effective_frame_version == effective
    ]
    if not duplicates:
        return
    if policy == "deny":
        raise DuplicateRunError(duplicates)
    log.warning("creating a duplicate of registry run(s) %s", ", ".join(duplicates))


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
    info = json.loads(t.get(tags.RUNTIME_INFO, "{}"))
    return RunRecord(
        run_id=run.info.run_id,
        status=t.get(tags.STATUS, "pending"),
        model_type=t.get(tags.MODEL_TYPE, ""),
        model_config=json.loads(t.get(tags.MODEL_CONFIG, "{}")),
        feature_config=_json(t.get(tags.FEATURE_CONFIG)),
        config_hash=t.get(tags.CONFIG_HASH, ""),
        store_id=_int(t.get(tags.STORE_ID)),
        product_id=_int(t.get(tags.PRODUCT_ID)),
        data_window_start=_date(t.get(tags.DATA_WINDOW_START)),
        data_window_end=_date(t.get(tags.DATA_WINDOW_END)),
        metrics=json.loads(t[tags.METRICS]) if tags.METRICS in t else None,
        artifact_uri=t.get(tags.ARTIFACT_URI),
        artifact_hash=t.get(tags.ARTIFACT_HASH),
        artifact_size_bytes=_int(t.get(tags.ARTIFACT_SIZE_BYTES)),
        runtime_info=info,
        feature_frame_version=frame_version(info),
        agent_context=_json(t.get(tags.AGENT_CONTEXT)),
        git_sha=t.get(tags.GIT_SHA),
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


def _json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
