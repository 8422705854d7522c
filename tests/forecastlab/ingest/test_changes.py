"""`sales_changes` and `ingest_sales_daily` against a real database, including writers whose
transactions are still open when changes are read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.ingest import SalesRecord, ingest_sales_daily, sales_changes
from tests.dbt.conftest import TODAY, seed

TOUCH = "update raw.sales_daily set quantity = quantity + 1, updated_at = now() where date = :day"


@pytest.fixture
def engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    eng = engine_for(fresh_database("changes").app_sqlalchemy)
    seed(eng, "retail_standard", seed=3, stores=2, products=3, window_days=75)
    return eng


def test_a_first_call_only_marks_the_start_then_reports_changed_days(engine: Engine) -> None:
    start = sales_changes(engine, None)
    assert start.dates == []  # the seeded history is not replayed
    with engine.connect() as conn:
        code, sku = conn.execute(
            text("select min(code), min(sku) from raw.store, raw.product")
        ).one()
    days = [TODAY - timedelta(days=5), TODAY - timedelta(days=40)]
    records = [SalesRecord(d, code, sku, 1, Decimal("1.00"), Decimal("1.00")) for d in days * 2]
    result = ingest_sales_daily(engine, records, batch_size=1, timeout_seconds=5)
    assert (result.processed_count, result.rejected_count) == (4, 0)
    changes = sales_changes(engine, start.horizon)
    assert changes.dates == sorted(days)
    assert changes.horizon > start.horizon
    assert sales_changes(engine, changes.horizon).dates == []


def test_rows_of_a_transaction_open_at_read_time_are_reported_once_it_commits(
    engine: Engine,
) -> None:
    slow_day, quick_day = TODAY - timedelta(days=1), TODAY - timedelta(days=2)
    with engine.connect() as slow:
        # `slow` starts first, so its rows carry the older stamp; `quick` commits first. A
        # cursor at the newest stamp seen so far would skip `slow`'s rows for good.
        slow.execute(text("select 1"))
        with engine.begin() as quick:
            quick.execute(text(TOUCH), {"day": quick_day})
        while_open = sales_changes(engine, None)
        slow.execute(text(TOUCH), {"day": slow_day})
        # Nothing is reported while `slow` is open: the horizon stays before its start.
        assert sales_changes(engine, while_open.horizon).dates == []
        slow.commit()
    after = sales_changes(engine, while_open.horizon)
    assert after.dates == [quick_day, slow_day]
    assert sales_changes(engine, after.horizon).dates == []


def test_an_unchanged_database_reports_nothing_and_keeps_its_cursor(engine: Engine) -> None:
    start = sales_changes(engine, None)
    again = sales_changes(engine, start.horizon)
    assert again.dates == []
    assert again.horizon >= start.horizon
    # The sensor keeps the horizon as its cursor: an ISO string with the UTC offset.
    assert again.horizon.tzinfo is not None
    assert datetime.fromisoformat(again.horizon.isoformat()) == again.horizon
