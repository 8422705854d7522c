"""Time safety: the mart equals an independent pandas/numpy recompute from raw.*, and changing
one target value moves only the features of later rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.features import columns
from tests.dbt.conftest import Warehouse, new_warehouse, read_table, seed

RTOL = 1e-9
ATOL = 1e-12


def _sample_series(engine: Engine, n: int = 6) -> list[tuple[int, int]]:
    """A reproducible sample of series, always including the longest and the gappiest."""
    with engine.connect() as conn:
        stats = pd.read_sql(
            text(
                "select store_id, product_id, count(*) as n_rows, "
                "max(date) - min(date) + 1 - count(*) as n_missing "
                "from raw.sales_daily group by store_id, product_id order by store_id, product_id"
            ),
            conn,
        )
    picked = {
        tuple(stats.loc[stats["n_rows"].idxmax(), ["store_id", "product_id"]]),
        tuple(stats.loc[stats["n_missing"].idxmax(), ["store_id", "product_id"]]),
    }
    rng = np.random.default_rng(11)
    for i in rng.permutation(len(stats)):
        if len(picked) >= n:
            break
        picked.add(tuple(stats.loc[i, ["store_id", "product_id"]]))
    return sorted((int(s), int(p)) for s, p in picked)


def _windows(values: np.ndarray, width: int) -> np.ndarray:
    """Row i -> values[i-width : i] (nan rows where fewer than `width` earlier rows exist)."""
    out = np.full((len(values), width), np.nan)
    for i in range(width, len(values)):
        out[i] = values[i - width : i]
    return out


def _expected_features(engine: Engine, store_id: int, product_id: int) -> pd.DataFrame:
    """Every feature of one series, recomputed from raw.* without the mart's SQL."""
    params = {"store_id": store_id, "product_id": product_id}
    with engine.connect() as conn:
        sales = pd.read_sql(
            text(
                "select s.date, s.quantity, s.unit_price, c.is_holiday from raw.sales_daily s "
                "join raw.calendar c using (date) "
                "where s.store_id = :store_id and s.product_id = :product_id order by s.date"
            ),
            conn,
            params=params,
        )
        stock = pd.read_sql(
            text(
                "select date, is_stockout from raw.inventory_snapshot_daily "
                "where store_id = :store_id and product_id = :product_id"
            ),
            conn,
            params=params,
        )
        promos = pd.read_sql(
            text(
                "select start_date, end_date from raw.promotion where product_id = :product_id "
                "and (store_id is null or store_id = :store_id)"
            ),
            conn,
            params=params,
        )
    q = sales["quantity"].to_numpy(dtype=float)
    p = sales["unit_price"].astype(float).to_numpy()
    out = pd.DataFrame({"date": pd.to_datetime(sales["date"]), "quantity": sales["quantity"]})
    for k in columns.LAGS:
        out[f"lag_{k}"] = pd.Series(q).shift(k)
    for w in columns.ROLLING_WINDOWS:
        win = _windows(q, w)
        with np.errstate(invalid="ignore"):
            out[f"rolling_mean_{w}"] = win.mean(axis=1)
            out[f"rolling_std_{w}"] = win.std(axis=1, ddof=1)
    dates = list(sales["date"])
    dow = np.array([d.weekday() for d in dates])
    month = np.array([d.month for d in dates])
    out["dow_sin"] = np.sin(2 * math.pi * dow / 7)
    out["dow_cos"] = np.cos(2 * math.pi * dow / 7)
    out["month_sin"] = np.sin(2 * math.pi * month / 12)
    out["month_cos"] = np.cos(2 * math.pi * month / 12)
    out["quarter"] = (month - 1) // 3 + 1
    out["is_weekend"] = (dow >= 5).astype(int)
    out["is_month_end"] = [int((d + timedelta(days=1)).day == 1) for d in dates]
    out["is_holiday"] = sales["is_holiday"].astype(int)
    for k in columns.PRICE_LAGS:
        out[f"price_lag_{k}"] = pd.Series(p).shift(k)
    prev, base = pd.Series(p).shift(1), pd.Series(p).shift(8)
    out["price_pct_change_7d"] = ((prev - base) / base).replace([np.inf, -np.inf], np.nan)
    out["promo_active"] = [
        int(((promos["start_date"] <= d) & (promos["end_date"] >= d)).any()) for d in dates
    ]
    stockout = dict(zip(stock["date"], stock["is_stockout"], strict=True))
    out["stockout_lag_1"] = [
        float(stockout[d - timedelta(days=1)]) if d - timedelta(days=1) in stockout else np.nan
        for d in dates
    ]
    return out


def _assert_features_equal(actual: pd.DataFrame, expected: pd.DataFrame, label: str) -> None:
    assert list(actual["date"]) == list(expected["date"]), label
    for column in (columns.TARGET_COLUMN, *columns.FEATURE_COLUMNS):
        np.testing.assert_allclose(
            actual[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=RTOL,
            atol=ATOL,
            equal_nan=True,
            err_msg=f"{label}: {column}",
        )


def test_mart_equals_an_independent_recompute_from_raw(built_warehouse: Warehouse) -> None:
    engine = built_warehouse.engine
    mart = read_table(engine, "marts.fct_sales_features")
    series = _sample_series(engine)
    assert len(series) >= 4
    filled = 0
    for store_id, product_id in series:
        actual = mart[(mart["store_id"] == store_id) & (mart["product_id"] == product_id)]
        expected = _expected_features(engine, store_id, product_id)
        _assert_features_equal(
            actual.reset_index(drop=True), expected, f"series ({store_id}, {product_id})"
        )
        filled += int(actual["rolling_std_28"].notna().sum())
    assert filled > 0, "no sampled series is long enough to fill a 28-row window"


@pytest.fixture(scope="module")
def mutable_warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """Its own database: the test below rewrites a sales row."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "dbtleak")
    seed(warehouse.engine, "retail_standard")
    warehouse.dbt("run", "-s", f"+{columns.FEATURE_MART}")
    return warehouse


def test_changing_one_target_moves_only_later_rows(mutable_warehouse: Warehouse) -> None:
    engine = mutable_warehouse.engine
    before = read_table(engine, "marts.fct_sales_features")
    store_id, product_id = _sample_series(engine, n=2)[0]
    in_series = (before["store_id"] == store_id) & (before["product_id"] == product_id)
    rows = before[in_series].reset_index(drop=True)
    assert len(rows) > 60
    pos = len(rows) // 2
    day = rows.loc[pos, "date"].date()
    new_quantity = int(rows.loc[pos, "quantity"]) + 37
    with engine.begin() as conn:
        updated = conn.execute(
            text(
                "update raw.sales_daily set quantity = :quantity where store_id = :store_id "
                "and product_id = :product_id and date = :day"
            ),
            {"quantity": new_quantity, "store_id": store_id, "product_id": product_id, "day": day},
        ).rowcount
    assert updated == 1

    mutable_warehouse.dbt("run", "--full-refresh", "-s", f"+{columns.FEATURE_MART}")
    after = read_table(engine, "marts.fct_sales_features")

    features = list(columns.FEATURE_COLUMNS)
    after_rows = after[in_series].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        after_rows.loc[:pos, features], rows.loc[:pos, features], check_exact=True
    )
    assert after_rows.loc[pos, "quantity"] == new_quantity
    assert after_rows.loc[pos + 1, "lag_1"] == new_quantity
    assert after_rows.loc[pos + 1, "rolling_mean_7"] != rows.loc[pos + 1, "rolling_mean_7"]
    assert after_rows.loc[pos + 28, "lag_28"] == new_quantity
    # Every other series is untouched.
    pd.testing.assert_frame_equal(
        after[~in_series].reset_index(drop=True),
        before[~in_series].reset_index(drop=True),
        check_exact=True,
    )
