"""Change a run after creation (PATCH /registry/runs/{run_id}, spec §8.6).

runtime_info and the creation fields are not changeable: only the lifecycle status, the
metrics dict, the artifact reference and the error message are.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from mlflow.entities import Metric, RunTag
from mlflow.utils.validation import (
    MAX_ENTITY_KEY_LENGTH,
    path_not_unique,
    validate_param_and_metric_name,
)

from forecastlab.registry import tags
from forecastlab.registry.client import connect
from forecastlab.registry.runs import RunRecord, Status, get_run, transition, utc_now


def update_run(
    run_id: str,
    *,
    status: Status | None = None,
    metrics: dict[str, Any] | None = None,
    artifact_uri: str | None = None,
    artifact_hash: str | None = None,
    artifact_size_bytes: int | None = None,
    error_message: str | None = None,
) -> RunRecord:
    """Apply the given changes (None = leave unchanged) and return the updated run.

    `metrics` replaces the whole dict; its numeric values are also logged as MLflow metrics so
    the UI can chart them. A rejected status change writes nothing.
    """
    get_run(run_id)
    changes = {
        tags.METRICS: None if metrics is None else tags.encode_json("metrics", metrics),
        tags.ARTIFACT_URI: artifact_uri,
        tags.ARTIFACT_HASH: artifact_hash,
        tags.ARTIFACT_SIZE_BYTES: None if artifact_size_bytes is None else str(artifact_size_bytes),
        tags.ERROR_MESSAGE: error_message,
    }
    written = {key: value for key, value in changes.items() if value is not None}
    if status is not None:
        transition(run_id, status)
    if not written:
        return get_run(run_id)
    now = utc_now()
    written[tags.UPDATED_AT] = now.isoformat()
    client = connect().client
    stamp = int(now.timestamp() * 1000)
    client.log_batch(
        run_id,
        metrics=[Metric(name, value, stamp, 0) for name, value in loggable_metrics(metrics or {})],
        tags=[RunTag(key, value) for key, value in written.items()],
    )
    return get_run(run_id)


def loggable_metrics(metrics: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """The finite numbers of a metrics dict as MLflow metrics; nested keys join with a dot.

    Names MLflow would reject (odd characters, path-like) stay in the JSON tag only.
    """
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from loggable_metrics(value, f"{name}.")
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and _finite(value)
            and len(name) <= MAX_ENTITY_KEY_LENGTH
            and validate_param_and_metric_name(name)
            and not path_not_unique(name)
        ):
            yield name, float(value)


def _finite(value: int | float) -> bool:
    """A finite number that fits a float (a 400-digit JSON integer does not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
