"""The database layer: endpoint resolution, migrations, the embedded server."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from forecastlab.db.endpoints import ConfigurationError, resolve
from forecastlab.settings import Settings

RAW_TABLES = {
    "store",
    "product",
    "calendar",
    "sales_daily",
    "price_history",
    "promotion",
    "inventory_snapshot_daily",
    "exogenous_signal",
    "sales_returns",
    "replenishment_event",
}


def test_migrations_create_every_raw_table_with_its_keys(engine: Engine) -> None:
    insp = inspect(engine)
    assert set(insp.get_table_names(schema="raw")) >= RAW_TABLES
    uniques = {u["name"] for u in insp.get_unique_constraints("sales_daily", schema="raw")}
    assert "uq_sales_daily_grain" in uniques
    indexes = {i["name"] for i in insp.get_indexes("sales_daily", schema="raw")}
    assert {"ix_sales_daily_date_store", "ix_sales_daily_date_product"} <= indexes
    assert "ix_sales_daily_date" not in indexes  # covered by the composites (spec §1.2)
    fks = {fk["referred_table"] for fk in insp.get_foreign_keys("sales_daily", schema="raw")}
    assert fks == {"calendar", "store", "product"}


def test_pgvector_is_enabled(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("select '[1,2,3]'::vector <=> '[1,2,3]'::vector")).scalar() == 0


def test_check_constraints_reject_bad_rows(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(Exception, match="ck_calendar_day_of_week"):
        conn.execute(
            text(
                "insert into raw.calendar (date, day_of_week, month, quarter, year) "
                "values ('1999-01-01', 7, 1, 1, 1999)"
            )
        )


def test_database_url_must_be_postgres() -> None:
    with pytest.raises(ValueError, match="DATABASE_URL must be a PostgreSQL URL"):
        Settings(database_url="mysql://x@y/z")


def test_real_server_urls_derive_dagster_and_mlflow_databases() -> None:
    eps = resolve(
        Settings(
            database_url="postgresql://u:p@db.example:5432/forecastlab",
            dagster_pg_url=None,
            mlflow_tracking_uri=None,
        )
    )
    assert eps.dagster_url == "postgresql+psycopg2://u:p@db.example:5432/dagster"
    assert eps.mlflow_uri == "postgresql+psycopg2://u:p@db.example:5432/mlflow"
    assert eps.app_sqlalchemy.startswith("postgresql+psycopg://")
    assert not eps.embedded


def test_embedded_not_running_fails_with_a_fix(tmp_path) -> None:
    settings = Settings(database_url=None, forecastlab_home=tmp_path)
    with pytest.raises(ConfigurationError, match="forecastlab db up"):
        resolve(settings, start_embedded=False)


def test_an_mlflow_server_address_is_passed_through() -> None:
    eps = resolve(
        Settings(
            database_url="postgresql://u:p@db:5432/forecastlab",
            dagster_pg_url=None,
            mlflow_tracking_uri="http://mlflow:5000",
        )
    )
    assert eps.mlflow_uri == "http://mlflow:5000"
    assert [u.database for u in eps.databases()] == ["forecastlab", "dagster"]
