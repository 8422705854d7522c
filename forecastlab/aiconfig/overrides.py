"""`app.app_config` (spec §1.10): persisted overrides of the AI settings, as `{"v": value}`.

The effective settings are the process settings with these overrides applied, read on every
use: every worker process, and an app restarted on the same database, see the same values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.exc import SQLAlchemyError

from forecastlab.aiconfig.update import ALLOWED_KEYS, AIConfigUpdate
from forecastlab.settings import Settings

log = logging.getLogger("forecastlab.aiconfig")

_SELECT = text("select key, value from app.app_config where key in :keys").bindparams(
    bindparam("keys", expanding=True)
)
_UPSERT = text(
    "insert into app.app_config (key, value) values (:key, cast(:value as jsonb)) "
    "on conflict (key) do update set value = excluded.value, updated_at = now()"
)


def load_overrides(engine: Engine) -> dict[str, Any]:
    """The persisted overrides of the allow-listed keys (a row that no longer validates is
    skipped with a warning naming its key)."""
    with engine.connect() as conn:
        rows = conn.execute(_SELECT, {"keys": list(ALLOWED_KEYS)}).all()
    overrides: dict[str, Any] = {}
    for key, stored in rows:
        try:
            valid = AIConfigUpdate.model_validate({key: stored.get("v")}).changes()
        except (ValidationError, AttributeError):
            valid = {}
        if key in valid:
            overrides[key] = valid[key]
        else:
            log.warning("ignoring the stored AI config override %s: not a valid value", key)
    return overrides


def save_overrides(engine: Engine, changes: Mapping[str, Any]) -> None:
    """Upsert one row per changed key, in one transaction."""
    with engine.begin() as conn:
        conn.execute(
            _UPSERT, [{"key": key, "value": json.dumps({"v": v})} for key, v in changes.items()]
        )


def effective_settings(engine: Engine, settings: Settings) -> Settings:
    """A copy of `settings` with the persisted overrides applied.

    When the overrides cannot be read (the table is not migrated yet, the database is down)
    this logs a warning and returns `settings`: the AI configuration never blocks a caller.
    """
    try:
        overrides = load_overrides(engine)
    except SQLAlchemyError as exc:
        log.warning(
            "AI config overrides not applied (%s); using the process settings", type(exc).__name__
        )
        return settings
    return with_overrides(settings, overrides)


def with_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """A copy of `settings` with `overrides` (validated allow-listed values) applied."""
    return settings.model_copy(update=dict(overrides)) if overrides else settings
