"""The grocery_intermittent preset looks like item x store retail data (M5-like).

The statistical properties are measured on the rows `sales_frame` computes in memory (1,000
series x 366 days in about 0.2 s); one small database seeding checks that those are the rows
`generate` writes, that the tables it leaves empty are empty, and that it is deterministic.
The thresholds sit well inside what seeds 1-3 give too (noted per assertion), and outside
what a smooth or Poisson series would give.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from forecastlab.seeder import build_config, demand, generate, sales_frame, table_hashes
from forecastlab.seeder.calendar import NO_DATE, federal_holidays
from forecastlab.seeder.config import SeederConfig
from forecastlab.seeder.dimensions import Products, build_catalogue
from forecastlab.seeder.rng import stream
from tests.forecastlab.seeder.conftest import TODAY

PRESET = "grocery_intermittent"
SERIES = ["store_id", "product_id"]


def _config(seed: int = 42, **overrides: int) -> SeederConfig:
    sizes = {"stores": 20, "products": 50, "window_days": 365, **overrides}
    return build_config(PRESET, seed=seed, today=TODAY, overrides=sizes)


@pytest.fixture(scope="module")
def config() -> SeederConfig:
    """20 stores x 50 products x 366 days ending 2025-06-30, seed 42."""
    return _config()


@pytest.fixture(scope="module")
def sales(config: SeederConfig) -> pd.DataFrame:
    """The preset's sales rows."""
    return sales_frame(config)


@pytest.fixture(scope="module")
def products(config: SeederConfig) -> Products:
    """The catalogue's products (base prices, launch and discontinue dates)."""
    return build_catalogue(config).products


@pytest.fixture(scope="module")
def whole_window(sales: pd.DataFrame, products: Products) -> pd.DataFrame:
    """Rows of the products on sale the whole window, with their base price.

    Launch ramps start at the base price and launches/discontinuations change which series
    a season's rows come from; excluding them keeps the price and season comparisons fair.
    """
    always = np.flatnonzero((products.launch == NO_DATE) & (products.discontinue == NO_DATE))
    rows = sales[sales["product_id"].isin(always + 1)]
    return rows.assign(base_cents=products.base_cents[rows["product_id"] - 1])


def test_series_levels_are_lognormal_with_a_median_below_one_unit(sales: pd.DataFrame) -> None:
    means = sales.groupby(SERIES)["quantity"].mean()
    assert len(means) == 20 * 50
    assert means.median() < 1  # 0.39-0.64
    assert means.quantile(0.9) > 4 * means.median()  # long right tail: 5.9-7.5x
    assert means.max() > 15  # a few series sell tens a day: 20-61
    assert np.log(means[means > 0]).skew() == pytest.approx(0, abs=0.4)  # lognormal: -0.1-0.2


def test_most_series_are_intermittent_and_zero_days_are_rows(
    config: SeederConfig, sales: pd.DataFrame, products: Products
) -> None:
    zeros = (sales["quantity"] == 0).groupby([sales["store_id"], sales["product_id"]]).mean()
    assert (zeros >= 0.5).mean() >= 0.5  # 0.57-0.74
    assert 0.5 < (sales["quantity"] == 0).mean() < 0.85
    # Dense daily series: one row per day from launch (or window start) to discontinuation.
    first, last = config.start_date.toordinal(), config.end_date.toordinal()
    start = np.where(products.launch == NO_DATE, first, products.launch)
    end = np.where(products.discontinue == NO_DATE, last + 1, products.discontinue)
    rows = sales.groupby("product_id").size()
    assert rows.to_numpy().tolist() == (20 * (end - start)).tolist()


def test_counts_are_overdispersed_not_poisson(sales: pd.DataFrame) -> None:
    by_series = sales.groupby(SERIES)["quantity"]
    means, variances = by_series.mean(), by_series.var()
    mid = means[(means >= 1) & (means <= 5)].index
    assert len(mid) > 100
    # Poisson with the weekly and yearly profiles gives ~1.1 here; sigma 0.7 gives ~1 + 0.49·mean.
    assert (variances[mid] / means[mid]).median() > 1.6  # 2.06-2.19


def test_negative_binomial_counts_have_the_documented_moments() -> None:
    mean = np.full(200_000, 2.0)
    counts = demand.negative_binomial_counts(stream(1, "test"), mean, 1.0)
    assert counts.dtype.kind == "i"
    assert counts.mean() == pytest.approx(2.0, rel=0.02)
    assert counts.var() == pytest.approx(2.0 + 1.0 * 2.0**2, rel=0.05)
    poisson = demand.negative_binomial_counts(stream(1, "test"), mean, 0.0)
    assert poisson.var() == pytest.approx(2.0, rel=0.03)


def test_weekend_lift_and_yearly_profile(sales: pd.DataFrame, whole_window: pd.DataFrame) -> None:
    weekend = sales["date"].dt.day_of_week >= 5
    lift = sales.loc[weekend, "quantity"].mean() / sales.loc[~weekend, "quantity"].mean()
    assert lift > 1.15  # profile 1.25 vs 0.96: 1.27-1.33
    month = whole_window["date"].dt.month
    summer = whole_window.loc[month.isin([6, 7, 8]), "quantity"].mean()
    winter = whole_window.loc[month.isin([12, 1, 2]), "quantity"].mean()
    assert summer > 1.1 * winter  # amplitude 0.1 peaking in July: 1.19-1.27


def test_a_price_cut_raises_demand_and_a_rise_lowers_it(whole_window: pd.DataFrame) -> None:
    price, base = whole_window["unit_price_cents"], whole_window["base_cents"]
    at_base = whole_window[price == base].groupby(SERIES)["quantity"].mean()

    def pooled_ratio(rows: pd.DataFrame) -> float:
        """Sum over series of the mean at that price / at the base price (same series)."""
        changed = rows.groupby(SERIES)["quantity"].mean()
        both = changed.index.intersection(at_base.index)
        assert len(both) > 100
        return float(changed[both].sum() / at_base[both].sum())

    assert pooled_ratio(whole_window[price < base]) > 1.08  # elasticity -2: 1.12-1.21
    assert pooled_ratio(whole_window[price > base]) < 0.92  # 0.65-0.84


def test_holidays_move_demand(sales: pd.DataFrame) -> None:
    daily = sales.groupby("date")["quantity"].mean()
    xmas, july4 = pd.Timestamp("2024-12-25"), pd.Timestamp("2024-07-04")
    december = daily[(daily.index.month == 12) & (daily.index != xmas)].mean()
    july = daily[(daily.index.month == 7) & (daily.index.year == 2024) & (daily.index != july4)]
    assert daily[xmas] < 0.3 * december  # x0.1: 0.08-0.10
    assert daily[july4] > 1.2 * july.mean()  # x1.5 on a Thursday: 1.36-1.71
    names = set(federal_holidays(2024).values())
    assert set(_config().holiday_multipliers) <= names


def test_launches_and_discontinuations_fall_inside_the_window(
    config: SeederConfig, sales: pd.DataFrame
) -> None:
    span = sales.groupby(SERIES)["date"].agg(["min", "max"])
    start, end = pd.Timestamp(config.start_date), pd.Timestamp(config.end_date)
    assert (span["min"] > start).sum() >= 20 * 5  # >= 5 launched products in every store
    assert (span["max"] < end).sum() >= 20 * 3  # >= 3 discontinued products
    assert ((span["min"] == start) & (span["max"] == end)).mean() > 0.6


def test_same_seed_same_frame_other_seed_other_frame(sales: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(sales_frame(_config()), sales)
    other = sales_frame(_config(seed=7))
    assert not other["quantity"].equals(sales["quantity"])


def test_generate_writes_the_frame_and_leaves_inventory_and_promotions_empty(
    empty_db: Callable[[], Engine],
) -> None:
    engine = empty_db()
    config = _config(stores=3, products=10, window_days=120)
    result = generate(engine, config)  # keys and check constraints are validated on load
    assert result.records_created["inventory"] == result.records_created["promotions"] == 0
    with engine.connect() as conn:
        for table in ("inventory_snapshot_daily", "promotion"):
            assert conn.execute(text(f"select count(*) from raw.{table}")).scalar() == 0
        written = pd.read_sql_query(
            text(
                "select date, store_id, product_id, quantity, "
                "(unit_price * 100)::int8 as unit_price_cents, "
                "total_amount = unit_price * quantity as total_ok "
                "from raw.sales_daily order by store_id, product_id, date"
            ),
            conn,
        )
    assert written.pop("total_ok").all()
    expected = sales_frame(config)
    assert (written["quantity"] == 0).mean() > 0.3
    assert len(written) == len(expected) == result.records_created["sales"]
    pd.testing.assert_frame_equal(
        written.assign(date=pd.to_datetime(written["date"])),
        expected.astype({"store_id": "int64", "product_id": "int64"}),
        check_dtype=False,
    )
    hashes = table_hashes(engine)
    generate(engine, config)
    assert table_hashes(engine) == hashes
    generate(engine, _config(seed=7, stores=3, products=10, window_days=120))
    assert table_hashes(engine)["sales_daily"] != hashes["sales_daily"]


def test_the_preset_scales_to_benchmark_sizes() -> None:
    big = build_config(PRESET, stores=50, products=100, start_date=date(2023, 7, 1), end_date=TODAY)
    assert big.dimensions.stores * big.dimensions.products == 5000 and big.days == 731
    assert not big.retail.inventory_snapshots
    assert big.retail.promotion_probability == big.retail.stockout_probability == 0


def test_each_quantity_comes_with_the_mean_it_was_drawn_around(
    config: SeederConfig, sales: pd.DataFrame
) -> None:
    """`expected` (the oracle of bench/accuracy_ceiling.py) is the negative binomial's mean:
    the same rows and quantities, and over every row the counts average to it."""
    with_mean = sales_frame(config, expected=True)
    pd.testing.assert_frame_equal(with_mean.drop(columns="expected"), sales)
    assert (with_mean["expected"] >= 0).all() and with_mean["expected"].notna().all()
    ratio = with_mean["quantity"].sum() / with_mean["expected"].sum()
    assert 0.97 < ratio < 1.03  # 1.00x for seeds 1-3 (anomalies scale a few days either way)
    # Higher expected demand, higher counts: the oracle carries the signal, not the noise.
    low, high = with_mean["expected"].quantile([0.25, 0.75])
    assert (
        with_mean.loc[with_mean["expected"] >= high, "quantity"].mean()
        > 3 * with_mean.loc[with_mean["expected"] <= low, "quantity"].mean()
    )
