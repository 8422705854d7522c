"""`ingested_sales_sensor` against a real database and Dagster instance: ingested days become
daily_refresh_job partition requests, once each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import dagster as dg
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.ingest import SalesRecord, ingest_sales_daily
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.warehouse.ingest_sensor import ingested_sales_sensor
from tests.dbt.conftest import TODAY, seed


@pytest.fixture
def warehouse(
    fresh_database: Callable[[str], Endpoints], monkeypatch: pytest.MonkeyPatch
) -> Engine:
    endpoints = fresh_database("sensor")
    monkeypatch.setenv("DATABASE_URL", endpoints.app_libpq)  # what WarehouseResource reads
    engine = engine_for(endpoints.app_sqlalchemy)
    seed(engine, "retail_standard", seed=3, stores=2, products=3, window_days=75)
    return engine


def _ingest(engine: Engine, days: list[date]) -> None:
    with engine.connect() as conn:
        code, sku = conn.execute(
            text("select min(code), min(sku) from raw.store, raw.product")
        ).one()
    records = [SalesRecord(day, code, sku, 4, Decimal("2.00"), Decimal("8.00")) for day in days]
    result = ingest_sales_daily(engine, records, batch_size=100, timeout_seconds=10)
    assert result.rejected_count == 0


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"warehouse": WarehouseResource()}
    )
    result = ingested_sales_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def test_ingested_days_request_their_daily_refresh_once(warehouse: Engine) -> None:
    days = [TODAY - timedelta(days=1), TODAY - timedelta(days=30), TODAY - timedelta(days=1)]
    with dg.instance_for_test() as instance:
        first = _tick(instance, None)
        assert first.run_requests == []  # the seeded history is not replayed
        assert first.skip_reason is not None and first.cursor
        _ingest(warehouse, days)
        second = _tick(instance, first.cursor)
        assert [r.partition_key for r in second.run_requests] == ["2025-05-31", "2025-06-29"]
        assert [r.run_key for r in second.run_requests] == [
            f"2025-05-31@{first.cursor}",
            f"2025-06-29@{first.cursor}",
        ]
        assert second.cursor > first.cursor
        # Re-evaluating the same tick requests the same run keys (Dagster drops repeats).
        again = _tick(instance, first.cursor)
        assert [r.run_key for r in again.run_requests] == [r.run_key for r in second.run_requests]
        # Nothing changed since: nothing new.
        third = _tick(instance, second.cursor)
        assert third.run_requests == [] and third.skip_reason is not None


def test_days_outside_the_partitions_are_skipped(warehouse: Engine) -> None:
    old_day = date(1999, 12, 31)  # before the first daily partition (HISTORY_START 2000-01-01)
    with warehouse.begin() as conn:
        conn.execute(
            text(
                "insert into raw.calendar (date, day_of_week, month, quarter, year) "
                "values (:day, 4, 12, 4, 1999)"
            ),
            {"day": old_day},
        )
    with dg.instance_for_test() as instance:
        start = _tick(instance, None)
        _ingest(warehouse, [old_day, TODAY])
        result = _tick(instance, start.cursor)
        assert [r.partition_key for r in result.run_requests] == [TODAY.isoformat()]


def test_the_sensor_targets_the_daily_refresh_and_starts_stopped(defs: dg.Definitions) -> None:
    sensor = defs.resolve_sensor_def("ingested_sales_sensor")
    assert sensor.job_name == "daily_refresh_job"
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
