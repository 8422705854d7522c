"""/analytics over the shared small warehouse, every number recomputed from raw.* in pandas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from tests.dbt.conftest import Warehouse, seed
from tests.serving.conftest import assert_problem

DIVISION = Context(prec=28)
# Inside the 120 seeded days (2025-03-03 .. 2025-06-30), Wednesday to Wednesday.
START, END = date(2025, 4, 9), date(2025, 6, 18)
RANGE = {"start_date": START.isoformat(), "end_date": END.isoformat()}


@pytest.fixture(scope="module")
def sales(small_warehouse: Warehouse) -> pd.DataFrame:
    """Every sales row with its store's code and region and its product's SKU and category."""
    query = """
        select f.date, f.store_id, f.product_id, f.quantity, f.total_amount,
               s.code, s.region, p.sku, p.category
        from raw.sales_daily f join raw.store s on s.id = f.store_id
        join raw.product p on p.id = f.product_id
    """
    with small_warehouse.engine.connect() as conn:
        frame = pd.read_sql(text(query), conn, coerce_float=False)
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _in_range(sales: pd.DataFrame, start: date = START, end: date = END) -> pd.DataFrame:
    return sales[(sales["date"] >= start) & (sales["date"] <= end)]


def _ratio(numerator: Decimal, denominator: int) -> str | None:
    return str(DIVISION.divide(numerator, Decimal(denominator))) if denominator else None


def _metrics(rows: pd.DataFrame) -> dict:
    revenue = sum(rows["total_amount"], Decimal(0))
    units = int(rows["quantity"].sum())
    return {
        "total_revenue": str(revenue),
        "total_units": units,
        "total_transactions": len(rows),
        "avg_unit_price": _ratio(revenue, units),
        "avg_basket_value": _ratio(revenue, len(rows)),
    }


def test_kpis_over_a_range(client: TestClient, sales: pd.DataFrame) -> None:
    response = client.get("/analytics/kpis", params=RANGE)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "metrics": _metrics(_in_range(sales)),
        **RANGE,
        "store_id": None,
        "product_id": None,
        "category": None,
    }


def test_kpi_filters_narrow_the_rows_and_are_echoed(client: TestClient, sales) -> None:
    rows = _in_range(sales)
    store_id, product_id = int(rows["store_id"].max()), int(rows["product_id"].min())
    category = rows["category"].iloc[0]
    cases = [
        ({"store_id": store_id}, rows["store_id"] == store_id),
        ({"product_id": product_id}, rows["product_id"] == product_id),
        ({"category": category}, rows["category"] == category),
        ({"category": "no such category"}, rows["category"] == "no such category"),
        (
            {"store_id": store_id, "category": category},
            (rows["store_id"] == store_id) & (rows["category"] == category),
        ),
    ]
    for params, mask in cases:
        body = client.get("/analytics/kpis", params={**RANGE, **params}).json()
        assert body["metrics"] == _metrics(rows[mask])
        assert {k: body[k] for k in params} == params


def test_kpis_without_sales_are_zero_with_null_averages(client: TestClient) -> None:
    body = client.get(
        "/analytics/kpis", params={"start_date": "2021-01-01", "end_date": "2021-12-31"}
    ).json()
    assert body["metrics"] == {
        "total_revenue": "0",
        "total_units": 0,
        "total_transactions": 0,
        "avg_unit_price": None,
        "avg_basket_value": None,
    }


@pytest.mark.parametrize("endpoint", ["kpis", "drilldowns", "timeseries"])
def test_the_range_may_span_730_days_but_not_731(client: TestClient, endpoint: str) -> None:
    extra = {"dimension": "store"} if endpoint == "drilldowns" else {}
    end = date(2025, 6, 30)

    def get(start: date, stop: date = end):
        params = {"start_date": start.isoformat(), "end_date": stop.isoformat(), **extra}
        return client.get(f"/analytics/{endpoint}", params=params)

    assert get(end - timedelta(days=730)).status_code == 200
    body = assert_problem(get(end - timedelta(days=731)), 400, "BAD_REQUEST")
    assert "731" in body["detail"] and "730" in body["detail"]
    body = assert_problem(get(end, end - timedelta(days=1)), 400, "BAD_REQUEST")
    assert "before" in body["detail"]
    assert get(end, end).status_code == 200


@pytest.mark.parametrize("endpoint", ["kpis", "drilldowns", "timeseries"])
def test_missing_or_malformed_dates_are_422(client: TestClient, endpoint: str) -> None:
    extra = {"dimension": "store"} if endpoint == "drilldowns" else {}
    url = f"/analytics/{endpoint}"
    body = assert_problem(
        client.get(url, params={"start_date": "2025-01-01", **extra}), 422, "VALIDATION_ERROR"
    )
    assert [e["field"] for e in body["errors"]] == ["query.end_date"]
    bad = {"start_date": "2025-13-01", "end_date": "2025-01-01", **extra}
    assert_problem(client.get(url, params=bad), 422, "VALIDATION_ERROR")


def _expected_groups(rows: pd.DataFrame, key: str, key_id: str | None) -> list[dict]:
    rows = rows[rows[key].notna()]
    all_revenue = sum(rows["total_amount"], Decimal(0))
    groups = []
    for value, group in rows.groupby(key):
        revenue = sum(group["total_amount"], Decimal(0))
        share = (
            DIVISION.divide(revenue * 100, all_revenue).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            if all_revenue
            else Decimal("0.00")
        )
        groups.append(
            {
                "dimension_value": value.isoformat() if isinstance(value, date) else value,
                "dimension_id": int(group[key_id].iloc[0]) if key_id else None,
                "metrics": _metrics(group),
                "revenue_share_pct": str(share),
            }
        )
    groups.sort(key=lambda g: (-Decimal(g["metrics"]["total_revenue"]), g["dimension_value"]))
    return [{**g, "rank": rank} for rank, g in enumerate(groups, start=1)]


@pytest.mark.parametrize(
    ("dimension", "key", "key_id"),
    [
        ("store", "code", "store_id"),
        ("product", "sku", "product_id"),
        ("category", "category", None),
        ("region", "region", None),
        ("date", "date", None),
    ],
)
def test_drilldowns_rank_groups_by_revenue(
    client: TestClient, sales: pd.DataFrame, dimension: str, key: str, key_id: str | None
) -> None:
    expected = _expected_groups(_in_range(sales), key, key_id)
    response = client.get(
        "/analytics/drilldowns", params={**RANGE, "dimension": dimension, "max_items": 100}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items"] == expected
    assert body["total_items"] == len(expected)
    assert (body["dimension"], body["store_id"], body["product_id"]) == (dimension, None, None)
    cut = client.get(
        "/analytics/drilldowns", params={**RANGE, "dimension": dimension, "max_items": 2}
    )
    assert cut.json()["items"] == expected[:2]
    assert cut.json()["total_items"] == len(expected)


def test_drilldown_filters_and_default_cut(client: TestClient, sales: pd.DataFrame) -> None:
    rows = _in_range(sales)
    store_id = int(rows["store_id"].min())
    body = client.get(
        "/analytics/drilldowns", params={**RANGE, "dimension": "date", "store_id": store_id}
    ).json()
    expected = _expected_groups(rows[rows["store_id"] == store_id], "date", None)
    assert len(expected) > 20
    assert body["items"] == expected[:20]  # max_items defaults to 20
    assert body["total_items"] == len(expected)
    assert body["store_id"] == store_id
    shares = client.get(
        "/analytics/drilldowns", params={**RANGE, "dimension": "product", "product_id": 999999}
    ).json()
    assert (shares["items"], shares["total_items"]) == ([], 0)


@pytest.mark.parametrize(
    "params",
    [
        {"dimension": "brand"},
        {},
        {"dimension": "store", "max_items": 0},
        {"dimension": "store", "max_items": 101},
    ],
)
def test_bad_drilldown_parameters_are_422(client: TestClient, params: dict) -> None:
    response = client.get("/analytics/drilldowns", params={**RANGE, **params})
    assert_problem(response, 422, "VALIDATION_ERROR")


def _bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


@pytest.mark.parametrize(
    ("granularity", "first_start", "last_end"),
    [
        ("day", START, END),
        ("week", date(2025, 4, 7), END),  # Monday before START; Sunday 06-22 clipped
        ("month", date(2025, 4, 1), END),
        ("quarter", date(2025, 4, 1), END),
    ],
)
def test_timeseries_buckets(
    client: TestClient, sales: pd.DataFrame, granularity: str, first_start: date, last_end: date
) -> None:
    rows = _in_range(sales)
    rows = rows.assign(bucket=[_bucket(d, granularity) for d in rows["date"]])
    expected = []
    for start, group in rows.groupby("bucket"):
        metrics = _metrics(group)
        del metrics["avg_basket_value"]
        expected.append({"period_start": start.isoformat(), **metrics})
    params = {**RANGE} if granularity == "day" else {**RANGE, "granularity": granularity}
    body = client.get("/analytics/timeseries", params=params).json()
    points = body["points"]
    assert [{k: v for k, v in p.items() if k != "period_end"} for p in points] == expected
    assert body["total_points"] == len(expected)
    assert (points[0]["period_start"], points[-1]["period_end"]) == (
        first_start.isoformat(),
        last_end.isoformat(),
    )
    assert body["granularity"] == granularity


def test_timeseries_period_ends_and_no_zero_fill(client: TestClient, sales: pd.DataFrame) -> None:
    body = client.get(
        "/analytics/timeseries",
        params={"start_date": "2025-05-15", "end_date": "2025-07-20", "granularity": "week"},
    ).json()
    periods = [(p["period_start"], p["period_end"]) for p in body["points"]]
    assert periods[0] == ("2025-05-12", "2025-05-18")
    assert periods[-1] == ("2025-06-30", "2025-07-06")  # the last week with sales
    assert all(
        date.fromisoformat(e) - date.fromisoformat(s) == timedelta(days=6) for s, e in periods
    )
    monthly = client.get(
        "/analytics/timeseries",
        params={"start_date": "2025-01-10", "end_date": "2025-12-31", "granularity": "month"},
    ).json()["points"]
    # No sales before March or after June: those months are simply absent.
    assert [(p["period_start"], p["period_end"]) for p in monthly] == [
        ("2025-03-01", "2025-03-31"),
        ("2025-04-01", "2025-04-30"),
        ("2025-05-01", "2025-05-31"),
        ("2025-06-01", "2025-06-30"),
    ]


def test_timeseries_filters(client: TestClient, sales: pd.DataFrame) -> None:
    rows = _in_range(sales)
    product_id = int(rows["product_id"].max())
    params = {**RANGE, "granularity": "month", "product_id": product_id}
    body = client.get("/analytics/timeseries", params=params).json()
    expected = rows[rows["product_id"] == product_id]
    assert sum(p["total_units"] for p in body["points"]) == int(expected["quantity"].sum())
    assert body["product_id"] == product_id
    empty = client.get("/analytics/timeseries", params={**RANGE, "category": "no such"}).json()
    assert (empty["points"], empty["total_points"], empty["category"]) == ([], 0, "no such")
    bad = client.get("/analytics/timeseries", params={**RANGE, "granularity": "year"})
    assert_problem(bad, 422, "VALIDATION_ERROR")


@pytest.fixture(scope="module")
def latest_inventory(small_warehouse: Warehouse) -> list[dict]:
    query = """
        select i.store_id, i.product_id, i.date, i.on_hand_qty, i.on_order_qty, i.is_stockout,
               s.code as store_code, p.sku
        from raw.inventory_snapshot_daily i join raw.store s on s.id = i.store_id
        join raw.product p on p.id = i.product_id
    """
    with small_warehouse.engine.connect() as conn:
        frame = pd.read_sql(text(query), conn)
    latest = frame.sort_values("date").groupby(["store_id", "product_id"]).tail(1)
    latest = latest.sort_values(["store_id", "product_id"])
    latest["date"] = latest["date"].astype(str)
    return latest.to_dict("records")


def test_inventory_status_is_the_latest_snapshot_per_pair(
    client: TestClient, latest_inventory: list[dict]
) -> None:
    body = client.get("/analytics/inventory-status").json()
    assert len(latest_inventory) == 6
    assert body == {"items": latest_inventory, "total": 6}
    store_id = latest_inventory[0]["store_id"]
    mine = [i for i in latest_inventory if i["store_id"] == store_id]
    body = client.get("/analytics/inventory-status", params={"store_id": store_id}).json()
    assert body == {"items": mine, "total": len(mine)}
    product_id = latest_inventory[-1]["product_id"]
    params = {"store_id": store_id, "product_id": product_id}
    body = client.get("/analytics/inventory-status", params=params).json()
    assert body["items"] == [i for i in mine if i["product_id"] == product_id]
    nothing = client.get("/analytics/inventory-status", params={"store_id": 999999})
    assert nothing.status_code == 200
    assert nothing.json() == {"items": [], "total": 0}


@pytest.mark.parametrize("params", [{"store_id": 0}, {"product_id": -1}, {"store_id": "x"}])
def test_inventory_status_rejects_bad_ids(client: TestClient, params: dict) -> None:
    assert_problem(
        client.get("/analytics/inventory-status", params=params), 422, "VALIDATION_ERROR"
    )


def test_inventory_status_stops_at_the_row_cap(
    client_for: Callable[..., TestClient], small_warehouse: Warehouse, latest_inventory
) -> None:
    capped = client_for(small_warehouse.endpoints, analytics_max_rows=4)
    body = capped.get("/analytics/inventory-status").json()
    assert body == {"items": latest_inventory[:4], "total": 6}


def test_inventory_status_picks_each_pairs_own_latest_day(
    client_for: Callable[..., TestClient], fresh_database: Callable[[str], Endpoints]
) -> None:
    endpoints = fresh_database("inventory")
    engine = engine_for(endpoints.app_sqlalchemy)
    seed(engine, "retail_standard", seed=3, stores=2, products=2, window_days=75)
    with engine.begin() as conn:
        # One pair stops reporting ten days early, another has a gap in the middle.
        conn.execute(
            text(
                "delete from raw.inventory_snapshot_daily where (store_id = 1 and product_id = 2 "
                "and date > '2025-06-20') or (store_id = 2 and product_id = 1 "
                "and date between '2025-06-01' and '2025-06-25')"
            )
        )
        conn.execute(
            text(
                "update raw.inventory_snapshot_daily set on_hand_qty = 7, is_stockout = true "
                "where store_id = 1 and product_id = 2 and date = '2025-06-20'"
            )
        )
    items = client_for(endpoints).get("/analytics/inventory-status").json()["items"]
    latest = {(i["store_id"], i["product_id"]): (i["date"], i["on_hand_qty"]) for i in items}
    assert latest[(1, 2)] == ("2025-06-20", 7)
    assert next(i for i in items if (i["store_id"], i["product_id"]) == (1, 2))["is_stockout"]
    assert latest[(2, 1)][0] == latest[(1, 1)][0] == "2025-06-30"
    assert [(i["store_id"], i["product_id"]) for i in items] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_an_empty_warehouse_answers_with_empty_results(
    client_for: Callable[..., TestClient], fresh_database: Callable[[str], Endpoints]
) -> None:
    empty = client_for(fresh_database("analytics_empty"))
    response = empty.get("/analytics/inventory-status")
    assert (response.status_code, response.json()) == (200, {"items": [], "total": 0})
    drilldown = empty.get("/analytics/drilldowns", params={**RANGE, "dimension": "region"})
    assert (drilldown.json()["items"], drilldown.json()["total_items"]) == ([], 0)
    assert empty.get("/analytics/timeseries", params=RANGE).json()["points"] == []
