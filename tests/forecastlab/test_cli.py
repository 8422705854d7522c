"""The `forecastlab` command against the session's real database."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from forecastlab.cli import app
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.migrate import alembic_config

runner = CliRunner()


def test_env_prints_the_four_keys_for_the_running_setup(endpoints: Endpoints) -> None:
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 0, result.output
    pairs = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    assert set(pairs) == {"DATABASE_URL", "DAGSTER_PG_URL", "MLFLOW_TRACKING_URI", "DAGSTER_HOME"}
    assert pairs["DATABASE_URL"] == endpoints.app_libpq
    assert pairs["DAGSTER_PG_URL"].startswith("postgresql+psycopg2://")


def test_migrate_is_idempotent_and_status_reports_the_revision(endpoints: Endpoints) -> None:
    head = ScriptDirectory.from_config(alembic_config(endpoints)).get_current_head()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    again = runner.invoke(app, ["migrate"])
    assert again.exit_code == 0 and f"revision {head}" in again.output
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 0, status.output
    assert f"migration revision: {head}" in status.output


def test_seed_rejects_an_out_of_bounds_knob_with_a_clear_message(endpoints: Endpoints) -> None:
    result = runner.invoke(app, ["seed", "--stores", "500"])
    assert result.exit_code == 2
    assert "stores" in result.output and "100" in result.output


def test_seed_rejects_an_unknown_preset(endpoints: Endpoints) -> None:
    result = runner.invoke(app, ["seed", "--preset", "black_friday"])
    assert result.exit_code == 2
    assert "retail_standard" in result.output


def test_seed_and_append_write_and_extend_history(fresh_database, monkeypatch) -> None:
    eps: Endpoints = fresh_database("cli")
    monkeypatch.setenv("DATABASE_URL", eps.app_libpq)
    seeded = runner.invoke(
        app,
        ["seed", "--preset", "demo_minimal", "--seed", "3", "--end-date", "2025-03-31"],
    )
    assert seeded.exit_code == 0, seeded.output
    appended = runner.invoke(app, ["seed", "append", "--days", "3"])
    assert appended.exit_code == 0, appended.output
    status = runner.invoke(app, ["db", "status"])
    assert "raw.calendar" in status.output
    from forecastlab.db.engine import engine_for
    from forecastlab.db.stats import date_range

    first, last = date_range(engine_for(eps.app_sqlalchemy), "raw.sales_daily")
    assert str(last) == "2025-04-03"
    assert str(first) == "2024-12-30"


def test_bad_configuration_fails_fast_with_the_variable_named(monkeypatch) -> None:
    monkeypatch.setenv("API_PORT", "not-a-port")
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 2
    assert "API_PORT" in result.output
