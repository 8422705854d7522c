"""POST /ingest/sales-daily against a database of its own (seeded, then written by the API)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from serving.main import create_app
from tests.dbt.conftest import TODAY, seed
from tests.serving.conftest import assert_problem, settings_for

SALES = """
    select f.id, f.date, s.code as store_code, p.sku, f.quantity, f.unit_price, f.total_amount,
           f.channel, f.created_at, f.updated_at
    from raw.sales_daily f join raw.store s on s.id = f.store_id
    join raw.product p on p.id = f.product_id
"""


@dataclass(frozen=True)
class Seeded:
    """The API over a freshly seeded warehouse, with its natural keys."""

    client: TestClient
    engine: Engine
    codes: list[str]
    skus: list[str]

    def sales(self) -> pd.DataFrame:
        """raw.sales_daily by natural key (date, store_code, sku)."""
        with self.engine.connect() as conn:
            frame = pd.read_sql(text(SALES), conn, coerce_float=False)
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
        return frame.set_index(["date", "store_code", "sku"]).sort_index()

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)


def _seed(fresh_database: Callable[[str], Endpoints]) -> tuple[Endpoints, Engine]:
    endpoints = fresh_database("ingest")
    engine = engine_for(endpoints.app_sqlalchemy)
    seed(engine, "retail_standard", seed=3, stores=2, products=3, window_days=75)
    return endpoints, engine


def _seeded(client: TestClient, engine: Engine) -> Seeded:
    with engine.connect() as conn:
        codes = conn.execute(text("select code from raw.store order by code")).scalars().all()
        skus = conn.execute(text("select sku from raw.product order by sku")).scalars().all()
    return Seeded(client, engine, list(codes), list(skus))


@pytest.fixture
def seeded(fresh_database, client_for) -> Seeded:
    """A warehouse of the test's own."""
    endpoints, engine = _seed(fresh_database)
    return _seeded(client_for(endpoints), engine)


@pytest.fixture(scope="module")
def validating(fresh_database, endpoints: Endpoints) -> Iterator[Seeded]:
    """One warehouse for the requests the schema rejects (they must leave it unchanged)."""
    app_db, engine = _seed(fresh_database)
    with TestClient(create_app(settings_for(app_db, endpoints))) as client:
        yield _seeded(client, engine)


def record(day: date, code: str, sku: str, quantity: int = 5, price: str = "2.50") -> dict:
    total = str(Decimal(price) * quantity)
    return {
        "date": day.isoformat(),
        "store_code": code,
        "sku": sku,
        "quantity": quantity,
        "unit_price": price,
        "total_amount": total,
    }


def ingest(client: TestClient, records: list[dict]) -> dict:
    response = client.post("/ingest/sales-daily", json={"records": records})
    assert response.status_code == 200, response.text
    return response.json()


def test_rows_are_updated_or_inserted_by_natural_key(seeded: Seeded) -> None:
    code, sku = seeded.codes[0], seeded.skus[1]
    updated_day, new_day = TODAY - timedelta(days=3), TODAY - timedelta(days=4)
    seeded.execute(
        "update raw.sales_daily set channel = 'online' where date = :day", day=updated_day
    )
    seeded.execute(
        "delete from raw.sales_daily where date = :day and store_id = "
        "(select id from raw.store where code = :code) and product_id = "
        "(select id from raw.product where sku = :sku)",
        day=new_day,
        code=code,
        sku=sku,
    )
    before = seeded.sales()
    update = record(updated_day, code, sku, quantity=12, price="4.99")
    update["total_amount"] = "50.00"  # not quantity x price: a discount, accepted as sent
    insert = record(new_day, code, sku, quantity=3)
    insert["unit_price"] = 2.5  # a JSON number is a decimal too
    body = ingest(seeded.client, [update, insert])
    assert {k: body[k] for k in ("processed_count", "rejected_count", "total_received")} == {
        "processed_count": 2,
        "rejected_count": 0,
        "total_received": 2,
    }
    assert body["errors"] == []
    assert isinstance(body["duration_ms"], float)
    assert round(body["duration_ms"], 2) == body["duration_ms"] >= 0
    after = seeded.sales()
    assert len(after) == len(before) + 1
    changed = after.loc[(updated_day, code, sku)]
    assert (changed["quantity"], changed["unit_price"], changed["total_amount"]) == (
        12,
        Decimal("4.99"),
        Decimal("50.00"),
    )
    assert changed["channel"] == "online"  # not part of the payload: kept
    assert changed["id"] == before.loc[(updated_day, code, sku), "id"]
    assert changed["updated_at"] > before.loc[(updated_day, code, sku), "updated_at"]
    added = after.loc[(new_day, code, sku)]
    assert (added["quantity"], added["unit_price"], added["channel"]) == (
        3,
        Decimal("2.50"),
        "in_store",
    )
    untouched = after.drop([(updated_day, code, sku), (new_day, code, sku)])
    pd.testing.assert_frame_equal(untouched, before.drop([(updated_day, code, sku)]))


def test_unresolvable_rows_are_reported_and_the_rest_written(seeded: Seeded) -> None:
    code, sku, day = seeded.codes[1], seeded.skus[0], TODAY - timedelta(days=1)
    outside = date(2019, 1, 1)
    records = [
        record(day, code, sku, quantity=101),
        record(day, "S0000X", "SKU-NOPE", quantity=1),  # both unknown: the store check wins
        record(day, code, "SKU-NOPE", quantity=1),
        record(outside, code, sku, quantity=1),
        record(outside, code, "SKU-NOPE", quantity=1),  # the product check comes first
        record(day, code, seeded.skus[2], quantity=102),
    ]
    body = ingest(seeded.client, records)
    assert (body["processed_count"], body["rejected_count"], body["total_received"]) == (2, 4, 6)
    assert body["errors"] == [
        {
            "row_index": 1,
            "store_code": "S0000X",
            "sku": "SKU-NOPE",
            "date": day.isoformat(),
            "error_code": "UNKNOWN_STORE",
            "error_message": "Store code 'S0000X' not found",
        },
        {
            "row_index": 2,
            "store_code": code,
            "sku": "SKU-NOPE",
            "date": day.isoformat(),
            "error_code": "UNKNOWN_PRODUCT",
            "error_message": "Product SKU 'SKU-NOPE' not found",
        },
        {
            "row_index": 3,
            "store_code": code,
            "sku": sku,
            "date": "2019-01-01",
            "error_code": "UNKNOWN_DATE",
            "error_message": "Date 2019-01-01 not in the calendar",
        },
        {
            "row_index": 4,
            "store_code": code,
            "sku": "SKU-NOPE",
            "date": "2019-01-01",
            "error_code": "UNKNOWN_PRODUCT",
            "error_message": "Product SKU 'SKU-NOPE' not found",
        },
    ]
    sales = seeded.sales()
    assert sales.loc[(day, code, sku), "quantity"] == 101
    assert sales.loc[(day, code, seeded.skus[2]), "quantity"] == 102
    assert outside not in sales.index.get_level_values("date")


def test_a_batch_of_unknown_rows_writes_nothing(seeded: Seeded) -> None:
    before = seeded.sales()
    body = ingest(seeded.client, [record(TODAY, "NOPE", "NOPE")] * 3)
    assert (body["processed_count"], body["rejected_count"]) == (0, 3)
    assert [e["row_index"] for e in body["errors"]] == [0, 1, 2]
    pd.testing.assert_frame_equal(seeded.sales(), before)


def test_duplicates_in_one_batch_collapse_to_the_last(seeded: Seeded) -> None:
    code, sku, day = seeded.codes[0], seeded.skus[0], TODAY - timedelta(days=10)
    before = seeded.sales()
    records = [
        record(day, code, sku, quantity=1),
        record(day, code, seeded.skus[1], quantity=7),
        record(day, code, sku, quantity=2),
        record(day, code, sku, quantity=3, price="9.99"),
    ]
    body = ingest(seeded.client, records)
    assert (body["processed_count"], body["rejected_count"], body["errors"]) == (4, 0, [])
    after = seeded.sales()
    assert len(after) == len(before)
    assert (after.loc[(day, code, sku), "quantity"], after.loc[(day, code, sku), "unit_price"]) == (
        3,
        Decimal("9.99"),
    )
    assert after.loc[(day, code, seeded.skus[1]), "quantity"] == 7


def test_the_same_batch_twice_changes_only_updated_at(seeded: Seeded) -> None:
    days = [TODAY - timedelta(days=n) for n in range(5)]
    records = [
        record(day, code, sku, quantity=n, price="1.10")
        for n, (day, code, sku) in enumerate(
            (d, c, s) for d in days for c in seeded.codes for s in seeded.skus
        )
    ]
    seeded.execute("delete from raw.sales_daily where date = :day", day=days[0])
    first = ingest(seeded.client, records)
    once = seeded.sales()
    second = ingest(seeded.client, records)
    twice = seeded.sales()
    assert first["processed_count"] == second["processed_count"] == len(records) == 30
    assert len(twice) == len(once)
    keys = [(r["date"], r["store_code"], r["sku"]) for r in records]
    keys = [(date.fromisoformat(d), c, s) for d, c, s in keys]
    stable = ["id", "quantity", "unit_price", "total_amount", "channel", "created_at"]
    pd.testing.assert_frame_equal(twice[stable], once[stable])
    assert (twice.loc[keys, "updated_at"] > once.loc[keys, "updated_at"]).all()
    pd.testing.assert_frame_equal(twice.drop(keys), once.drop(keys))
    assert twice.loc[keys, "quantity"].tolist() == list(range(30))


def test_a_database_failure_writes_nothing_and_is_a_500_problem(fresh_database, client_for) -> None:
    endpoints, engine = _seed(fresh_database)
    seeded = _seeded(client_for(endpoints, ingest_timeout_seconds=1), engine)
    code, day = seeded.codes[0], TODAY - timedelta(days=2)
    records = [record(day, code, sku, quantity=500) for sku in seeded.skus]
    before = seeded.sales()
    with engine.connect() as holder:
        # Another writer holds the last row: the upsert waits, then hits its statement timeout.
        holder.execute(
            text(
                "select 1 from raw.sales_daily f join raw.product p on p.id = f.product_id "
                "where f.date = :day and p.sku = :sku for update of f"
            ),
            {"day": day, "sku": seeded.skus[-1]},
        )
        response = seeded.client.post("/ingest/sales-daily", json={"records": records})
        holder.rollback()
    body = assert_problem(response, 500, "DATABASE_ERROR")
    assert "sales_daily" not in body["detail"]  # no SQL leaks into the problem
    pd.testing.assert_frame_equal(seeded.sales(), before)


@pytest.mark.parametrize(
    ("change", "field", "error_type"),
    [
        ({"quantity": -1}, "records.1.quantity", "greater_than_equal"),
        ({"quantity": "5"}, "records.1.quantity", "int_type"),
        ({"quantity": 2.5}, "records.1.quantity", "int_type"),
        ({"unit_price": "4.999"}, "records.1.unit_price", "decimal_max_places"),
        ({"unit_price": "-0.01"}, "records.1.unit_price", "greater_than_equal"),
        ({"unit_price": "abc"}, "records.1.unit_price", "decimal_parsing"),
        ({"total_amount": "12345678901.00"}, "records.1.total_amount", "decimal_whole_digits"),
        ({"store_code": ""}, "records.1.store_code", "string_too_short"),
        ({"store_code": "S" * 21}, "records.1.store_code", "string_too_long"),
        ({"sku": "K" * 51}, "records.1.sku", "string_too_long"),
        ({"date": "2025-02-30"}, "records.1.date", "value_error"),
        ({"channel": "online"}, "records.1.channel", "extra_forbidden"),
        ({"sku": None}, "records.1.sku", "string_type"),
    ],
)
def test_a_schema_error_rejects_the_whole_batch(
    validating: Seeded, change: dict, field: str, error_type: str
) -> None:
    before = validating.sales()
    good = record(TODAY, validating.codes[0], validating.skus[0], quantity=999)
    response = validating.client.post(
        "/ingest/sales-daily", json={"records": [good, {**good, **change}]}
    )
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert [(e["field"], e["type"]) for e in body["errors"]] == [(field, error_type)]
    pd.testing.assert_frame_equal(validating.sales(), before)


@pytest.mark.parametrize(
    ("body", "field", "error_type"),
    [
        ({"records": []}, "records", "too_short"),
        ({}, "records", "missing"),
        ({"records": [], "dry_run": True}, "dry_run", "extra_forbidden"),
        ({"records": {"date": "2025-06-30"}}, "records", "list_type"),
    ],
)
def test_a_malformed_body_is_422(validating: Seeded, body: dict, field: str, error_type: str):
    response = validating.client.post("/ingest/sales-daily", json=body)
    problem = assert_problem(response, 422, "VALIDATION_ERROR")
    assert (field, error_type) in [(e["field"], e["type"]) for e in problem["errors"]]


def test_a_batch_holds_at_most_10000_records(seeded: Seeded) -> None:
    days = [TODAY - timedelta(days=n) for n in range(70)]
    grains = [(d, c, s) for d in days for c in seeded.codes for s in seeded.skus]
    records = [record(*grains[n % len(grains)], quantity=n) for n in range(10_001)]
    too_many = seeded.client.post("/ingest/sales-daily", json={"records": records})
    problem = assert_problem(too_many, 422, "VALIDATION_ERROR")
    assert [(e["field"], e["type"]) for e in problem["errors"]] == [("records", "too_long")]
    body = ingest(seeded.client, records[:10_000])
    assert (body["processed_count"], body["total_received"]) == (10_000, 10_000)
    sales = seeded.sales()
    # Every grain holds its last occurrence among the 10,000 records.
    last = {grains[n % len(grains)]: n for n in range(10_000)}
    assert {key: int(sales.loc[key, "quantity"]) for key in last} == last


def test_concurrent_overlapping_batches_end_with_exactly_the_expected_rows(
    fresh_database, client_for
) -> None:
    # Small statements: each request runs several upserts in its transaction, interleaving
    # with the others' (the lock-order case that deadlocks when rows are not sorted).
    endpoints, engine = _seed(fresh_database)
    seeded = _seeded(client_for(endpoints, ingest_batch_size=8), engine)
    days = [TODAY - timedelta(days=n) for n in range(20)]
    grains = [(d, c, s) for d in days for c in seeded.codes for s in seeded.skus]
    target = {grain: record(*grain, quantity=n, price="3.25") for n, grain in enumerate(grains)}
    # A third of the grains are new, so concurrent inserts of one key race too.
    seeded.execute("delete from raw.sales_daily where date = any(:days)", days=days[::3])
    before = seeded.sales()

    def worker(number: int) -> list[tuple[int, int]]:
        rng = random.Random(number)
        outcomes = []
        for _ in range(3):
            # Overlapping subsets in a different order in every request.
            mine = [target[g] for i, g in enumerate(grains) if (i + number) % 4 != 0]
            rng.shuffle(mine)
            response = seeded.client.post("/ingest/sales-daily", json={"records": mine})
            assert response.status_code == 200, response.text  # never a deadlock's 500
            outcomes.append((response.json()["processed_count"], len(mine)))
        return outcomes

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = [o for batch in pool.map(worker, range(6)) for o in batch]
    assert len(outcomes) == 18
    assert all(processed == sent for processed, sent in outcomes)
    after = seeded.sales()
    assert not after.index.duplicated().any()
    assert len(after) == len(before.drop(grains, errors="ignore")) + len(grains)
    written = after.loc[grains]
    assert written["quantity"].tolist() == list(range(len(grains)))
    assert set(written["unit_price"]) == {Decimal("3.25")}
    assert set(written["channel"]) <= {"in_store", *before["channel"]}
    pd.testing.assert_frame_equal(after.drop(grains), before.drop(grains, errors="ignore"))
