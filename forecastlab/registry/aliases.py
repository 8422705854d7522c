"""Aliases = MLflow aliases of the registered model `forecastlab-demand`.

Aliasing a successful run registers it as a version on demand (one version per run, reused)
and points the alias at that version. Alias metadata MLflow has no field for (description,
timestamps) is kept as JSON in a registered-model tag per alias.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import (
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    ErrorCode,
)
from mlflow.tracking import MlflowClient

from forecastlab.registry.client import REGISTERED_MODEL, connect
from forecastlab.registry.errors import AliasError, AliasNotFoundError, RunNotFoundError
from forecastlab.registry.runs import RunRecord, get_run, utc_now
from forecastlab.registry.uris import run_artifact

PRODUCTION_ALIAS = "production"
PORTFOLIO_MODEL_TYPE = "portfolio"

ALIAS_NAME_PATTERN = r"^[a-z0-9][a-z0-9\-_]*$"
ALIAS_NAME_MAX_LENGTH = 100
_NAME = re.compile(ALIAS_NAME_PATTERN)
# MLflow reserves `latest` and `v<digits>` (they address versions in models:/ URIs).
_RESERVED = re.compile(r"^(latest|v\d+)$")
_TAG_PREFIX = "forecastlab.alias."


@dataclass(frozen=True)
class AliasRecord:
    """An alias as the contract sees it (spec §8.8), plus the model version behind it."""

    alias_name: str
    run_id: str
    run_status: str
    model_type: str
    version: int
    description: str | None
    created_at: datetime
    updated_at: datetime


def validate_alias_name(name: str) -> None:
    """Spec §8.8's pattern and length plus MLflow's reserved names; AliasError otherwise."""
    if not 1 <= len(name) <= ALIAS_NAME_MAX_LENGTH or not _NAME.fullmatch(name):
        raise AliasError(
            f"alias {name!r} must be 1-{ALIAS_NAME_MAX_LENGTH} characters matching {_NAME.pattern}",
            "invalid_name",
        )
    if _RESERVED.match(name):
        raise AliasError(f"alias {name!r} is reserved by MLflow (latest, v<n>)", "invalid_name")


def set_alias(alias_name: str, run_id: str, description: str | None = None) -> AliasRecord:
    """Create or re-point `alias_name` at the run's model, registering it when needed."""
    validate_alias_name(alias_name)
    run = get_run(run_id)
    if run.status != "success":
        raise AliasError(
            f"run {run_id} is {run.status}; only a successful run can be aliased", "not_success"
        )
    if alias_name == PRODUCTION_ALIAS and run.model_type != PORTFOLIO_MODEL_TYPE:
        raise AliasError(
            f"alias {PRODUCTION_ALIAS!r} is reserved for portfolio models; run {run_id} is "
            f"{run.model_type!r}",
            "not_portfolio",
        )
    client = connect().client
    version = _version_for(client, run)
    now = utc_now()
    previous = _metadata(_registered_model(client).tags).get(alias_name, {})
    created = previous.get("created_at", now.isoformat())
    client.set_registered_model_alias(REGISTERED_MODEL, alias_name, version.version)
    meta = {"description": description, "created_at": created, "updated_at": now.isoformat()}
    client.set_registered_model_tag(REGISTERED_MODEL, _TAG_PREFIX + alias_name, json.dumps(meta))
    return _record(alias_name, version, meta, run)


def get_alias(alias_name: str) -> AliasRecord:
    """The alias with this name; AliasNotFoundError when there is none."""
    client = connect().client
    model = _registered_model(client)
    number = model.aliases.get(alias_name) if model else None
    if model is None or number is None:
        raise AliasNotFoundError(f"alias {alias_name!r} not found")
    version = client.get_model_version(REGISTERED_MODEL, str(number))
    return _record(alias_name, version, _metadata(model.tags).get(alias_name, {}))


def list_aliases() -> list[AliasRecord]:
    """Every alias of the registered model, ordered by name."""
    client = connect().client
    model = _registered_model(client)
    if model is None:
        return []
    metadata = _metadata(model.tags)
    return [
        _record(
            name, client.get_model_version(REGISTERED_MODEL, str(number)), metadata.get(name, {})
        )
        for name, number in sorted(model.aliases.items())
    ]


def delete_alias(alias_name: str) -> None:
    """Remove the alias (the model version stays registered); AliasNotFoundError if absent."""
    get_alias(alias_name)
    client = connect().client
    client.delete_registered_model_alias(REGISTERED_MODEL, alias_name)
    client.delete_registered_model_tag(REGISTERED_MODEL, _TAG_PREFIX + alias_name)


def _version_for(client: MlflowClient, run: RunRecord) -> ModelVersion:
    """The registered version of this run's model, created the first time it is aliased."""
    try:
        client.create_registered_model(REGISTERED_MODEL)
    except MlflowException as exc:
        if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
            raise
    existing = client.search_model_versions(
        f"name = '{REGISTERED_MODEL}' and run_id = '{run.run_id}'"
    )
    if existing:
        return min(existing, key=lambda v: int(v.version))
    # A run created through the API may have no model: its version then points at the run's
    # artifact root, so the alias still names the run (loading it is refused, see load_model).
    source = (
        run_artifact(run.artifact_uri, run.run_id).uri
        if run.artifact_uri
        else f"runs:/{run.run_id}"
    )
    return client.create_model_version(
        REGISTERED_MODEL,
        source=source,
        run_id=run.run_id,
        tags={"model_type": run.model_type, "config_hash": run.config_hash},
    )


def _registered_model(client: MlflowClient) -> RegisteredModel | None:
    """The registered model, or None before the first alias created it."""
    try:
        return client.get_registered_model(REGISTERED_MODEL)
    except MlflowException as exc:
        if exc.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
            raise
        return None


def _metadata(model_tags: dict[str, str]) -> dict[str, Any]:
    """alias name -> its metadata, from the registered model's tags."""
    return {
        key.removeprefix(_TAG_PREFIX): json.loads(value)
        for key, value in model_tags.items()
        if key.startswith(_TAG_PREFIX)
    }


def _record(
    alias_name: str, version: ModelVersion, meta: dict[str, Any], run: RunRecord | None = None
) -> AliasRecord:
    if run is None:
        try:
            run = get_run(version.run_id)
        except RunNotFoundError:  # the run was deleted in MLflow; the alias still resolves
            run = None
    created = _parse(meta.get("created_at")) or datetime.fromtimestamp(
        version.creation_timestamp / 1000, UTC
    )
    return AliasRecord(
        alias_name=alias_name,
        run_id=version.run_id,
        run_status=run.status if run else "deleted",
        model_type=run.model_type if run else "",
        version=int(version.version),
        description=meta.get("description"),
        created_at=created,
        updated_at=_parse(meta.get("updated_at")) or created,
    )


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
