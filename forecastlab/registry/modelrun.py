"""Log a fitted forecaster as one complete MLflow run: params, metrics, tags, pyfunc, plot."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from mlflow.entities import Metric, Param, RunStatus, RunTag

from forecastlab.errors import public_message
from forecastlab.registry import tags
from forecastlab.registry.artifacts import ArtifactDigest, digest_directory
from forecastlab.registry.client import connect
from forecastlab.registry.errors import RegistryError
from forecastlab.registry.plots import forecast_figure
from forecastlab.registry.pyfunc import save_model
from forecastlab.registry.runs import (
    MODEL_ARTIFACT_PATH,
    RunRecord,
    base_tags,
    config_hash,
    get_run,
    run_name,
    utc_now,
)
from forecastlab.registry.versions import code_version, runtime_info

log = logging.getLogger(__name__)
PLOT_ARTIFACT = "plots/forecast_vs_actual.png"
_LOGGED_STATUSES = {"success": RunStatus.FINISHED, "failed": RunStatus.FAILED}
# MLflow's log_batch limits: 100 params per call, 1000 metrics per call.
_PARAMS_PER_BATCH = 100
_METRICS_PER_BATCH = 1000

T = TypeVar("T")


@dataclass
class ModelRunSpec:
    """Everything one trained model contributes to the registry.

    `model` is any picklable forecaster (`predict(h, X=None)`, or `predict_series` for models
    that serve many series, such as a Portfolio). The bundle fields (history_tail,
    baseline_price, launch_date, feature_columns) are what spec §6.6 keeps for feature-aware
    models to build their future frame at predict time.
    """

    model_type: str
    model: Any
    model_config: dict[str, Any]
    store_id: int | None
    product_id: int | None
    data_window_start: date
    data_window_end: date
    feature_frame_version: int | None = None
    feature_columns: list[str] | None = None
    feature_groups: dict[str, list[str]] | None = None
    feature_safety_classes: dict[str, str] | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    bucket_metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    history_tail: list[float] | None = None
    baseline_price: float | None = None
    launch_date: date | None = None
    n_observations: int | None = None
    plot: tuple[Sequence[date], Sequence[float], Sequence[float]] | None = None
    input_example: pd.DataFrame | None = None
    status: str = "success"


def log_model_run(spec: ModelRunSpec) -> RunRecord:
    """Create the run, log everything and settle it in `spec.status`; returns the record.

    A failure while logging leaves the run `failed` with the error message, then re-raises.
    """
    if spec.status not in _LOGGED_STATUSES:
        raise RegistryError(f"a logged model run ends success or failed, not {spec.status!r}")
    conn = connect()
    client = conn.client
    started = utc_now()
    extras: dict[str, Any] = {}
    if spec.feature_frame_version is not None:
        extras["feature_frame_version"] = spec.feature_frame_version
    for key in ("feature_columns", "feature_groups", "feature_safety_classes"):
        if getattr(spec, key) is not None:
            extras[key] = getattr(spec, key)
    run_tags = base_tags(
        model_type=spec.model_type,
        model_config=spec.model_config,
        store_id=spec.store_id,
        product_id=spec.product_id,
        data_window_start=spec.data_window_start,
        data_window_end=spec.data_window_end,
        runtime_extras=extras,
        status="running",
        now=started,
    )
    run_tags[tags.STARTED_AT] = started.isoformat()
    run = client.create_run(
        conn.experiment_id,
        start_time=int(started.timestamp() * 1000),
        tags={**spec.tags, **run_tags},
        run_name=run_name(spec.model_type, spec.store_id, spec.product_id),
    )
    run_id = run.info.run_id
    try:
        metrics = _all_metrics(spec)
        metrics_tag = tags.encode_json("metrics", metrics)
        _log_params_and_metrics(run_id, spec, metrics)
        digest = _log_model(run_id, spec, started)
        if spec.plot is not None:
            title = f"{spec.model_type}: forecast vs actual"
            client.log_figure(run_id, forecast_figure(*spec.plot, title=title), PLOT_ARTIFACT)
    except BaseException as exc:
        log.exception("logging model run %s failed", run_id)
        message = public_message(exc, "the log of the process that trained the model")
        _settle(run_id, "failed", {tags.ERROR_MESSAGE: message[:2000]})
        raise
    _settle(
        run_id,
        spec.status,
        {
            tags.METRICS: metrics_tag,
            tags.ARTIFACT_URI: f"runs:/{run_id}/{MODEL_ARTIFACT_PATH}",
            tags.ARTIFACT_HASH: digest.sha256,
            tags.ARTIFACT_SIZE_BYTES: str(digest.size_bytes),
        },
    )
    return get_run(run_id)


def flatten(config: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested config as MLflow params: `outer.inner` keys, lists and scalars as text."""
    flat: dict[str, str] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = json.dumps(value, default=str) if isinstance(value, list) else str(value)
    return flat


def _all_metrics(spec: ModelRunSpec) -> dict[str, float]:
    """Overall metrics plus per-bucket ones named `<bucket>.<metric>` (e.g. h_1_7.wape)."""
    metrics = {name: float(value) for name, value in spec.metrics.items()}
    for bucket, values in spec.bucket_metrics.items():
        metrics.update({f"{bucket}.{name}": float(value) for name, value in values.items()})
    return metrics


def _log_params_and_metrics(run_id: str, spec: ModelRunSpec, metrics: dict[str, float]) -> None:
    client = connect().client
    params = {**flatten(spec.model_config), **{k: str(v) for k, v in spec.params.items()}}
    for batch in _chunks([Param(k, v) for k, v in params.items()], _PARAMS_PER_BATCH):
        client.log_batch(run_id, params=batch)
    stamp = int(utc_now().timestamp() * 1000)
    entries = [Metric(name, value, stamp, 0) for name, value in metrics.items()]
    for batch in _chunks(entries, _METRICS_PER_BATCH):
        client.log_batch(run_id, metrics=batch)


def _log_model(run_id: str, spec: ModelRunSpec, started: datetime) -> ArtifactDigest:
    """Save the pyfunc locally, hash exactly those files, upload them under `model/`."""
    bundle = {
        "model_type": spec.model_type,
        "model_config": spec.model_config,
        "config_hash": config_hash(spec.model_config),
        "store_id": spec.store_id,
        "product_id": spec.product_id,
        "train_start_date": spec.data_window_start.isoformat(),
        "train_end_date": spec.data_window_end.isoformat(),
        "n_observations": spec.n_observations,
        "feature_frame_version": spec.feature_frame_version,
        "feature_columns": spec.feature_columns,
        "feature_groups": spec.feature_groups,
        "feature_safety_classes": spec.feature_safety_classes,
        "history_tail": spec.history_tail,
        "baseline_price": spec.baseline_price,
        "launch_date": spec.launch_date.isoformat() if spec.launch_date else None,
        "created_at": started.isoformat(),
        "runtime_info": runtime_info(),
        "code_version": code_version(),
        "run_id": run_id,
    }
    with tempfile.TemporaryDirectory(prefix="forecastlab-model-") as scratch:
        model_dir = Path(scratch) / MODEL_ARTIFACT_PATH
        save_model(model_dir, spec.model, bundle, spec.input_example)
        digest = digest_directory(model_dir)
        connect().client.log_artifacts(run_id, str(model_dir), MODEL_ARTIFACT_PATH)
    return digest


def _settle(run_id: str, status: str, extra: dict[str, str]) -> None:
    """Write the final tags, then end the MLflow run in the mirrored status."""
    client = connect().client
    now = utc_now().isoformat()
    final = {**extra, tags.STATUS: status, tags.COMPLETED_AT: now, tags.UPDATED_AT: now}
    client.log_batch(run_id, tags=[RunTag(key, value) for key, value in final.items()])
    client.set_terminated(run_id, RunStatus.to_string(_LOGGED_STATUSES[status]))


def _chunks(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
