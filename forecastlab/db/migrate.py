"""Apply the Alembic migrations (forward-only) to the app database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from forecastlab.db.endpoints import Endpoints

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(endpoints: Endpoints) -> Config:
    """An Alembic config pointing at our migrations and the app database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation treats % specially.
    cfg.set_main_option("sqlalchemy.url", endpoints.app_sqlalchemy.replace("%", "%%"))
    return cfg


def upgrade(endpoints: Endpoints) -> str:
    """Upgrade to the newest revision; returns that revision id."""
    cfg = alembic_config(endpoints)
    command.upgrade(cfg, "head")
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(endpoints: Endpoints) -> str | None:
    """The revision the app database is at (None before the first migration)."""
    from forecastlab.db.engine import app_engine

    with app_engine(endpoints).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
