"""Each preset's documented signature, measured from the generated rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text

from forecastlab.seeder import build_config, generate
from tests.forecastlab.seeder.conftest import TODAY


@pytest.fixture(scope="module")
def engine(empty_db: Callable[[], Engine]) -> Engine:
    """One database the preset tests re-seed in turn (generate replaces everything)."""
    return empty_db()


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def test_holiday_rush_window_and_holiday_peaks(engine: Engine) -> None:
    result = generate(engine, build_config("holiday_rush", overrides={"products": 20}))
    assert (result.start_date, result.end_date) == (date(2024, 10, 1), date(2024, 12, 31))
    daily = dict(
        _rows(engine, "select date, avg(quantity)::float from raw.sales_daily group by date")
    )
    assert min(daily) == date(2024, 10, 1) and max(daily) == date(2024, 12, 31)
    typical_nov = sorted(v for d, v in daily.items() if d.month == 11)[15]  # November median
    typical_dec = sorted(v for d, v in daily.items() if d.month == 12)[15]
    assert daily[date(2024, 11, 29)] > 2.0 * typical_nov  # Black Friday x3.0
    assert daily[date(2024, 11, 28)] > 1.4 * typical_nov  # Thanksgiving x2.0
    assert daily[date(2024, 12, 25)] < 0.5 * typical_dec  # Christmas Day x0.3
    names = dict(_rows(engine, "select date, holiday_name from raw.calendar where is_holiday"))
    assert names[date(2024, 11, 29)] == "Black Friday"
    assert names[date(2024, 11, 11)] == "Veterans Day"


def test_stockout_heavy_share_and_no_sales_on_stockout_days(engine: Engine) -> None:
    generate(engine, build_config("stockout_heavy", today=TODAY, overrides={"products": 20}))
    [(share, n)] = _rows(
        engine, "select avg(is_stockout::int), count(*) from raw.inventory_snapshot_daily"
    )
    assert n == 10 * 20 * 366
    assert float(share) == pytest.approx(0.25, abs=0.01)  # SE ~0.002 over 73k snapshots
    [(on_stockout,)] = _rows(
        engine,
        "select count(*) from raw.sales_daily s join raw.inventory_snapshot_daily i "
        "using (date, store_id, product_id) where i.is_stockout",
    )
    assert on_stockout == 0
    [(sales,)] = _rows(engine, "select count(*) from raw.sales_daily")
    assert sales == pytest.approx(n * 0.75, rel=0.02)


def test_sparse_missing_combinations_and_gaps(engine: Engine) -> None:
    generate(engine, build_config("sparse", today=TODAY, overrides={"products": 20}))
    [(pairs,)] = _rows(
        engine, "select count(*) from (select distinct store_id, product_id from raw.sales_daily) x"
    )
    assert pairs == 10 * 20 - math.floor(10 * 20 * 0.5)  # exactly half the combinations
    # 3 gaps of 2-10 days plus 2% stockouts: active series miss ~5-10% of their 366 days.
    per_series = [n for (n,) in _rows(
        engine, "select count(*) from raw.sales_daily group by store_id, product_id"
    )]  # fmt: skip
    assert all(n < 366 for n in per_series)
    assert 0.88 < sum(per_series) / (len(per_series) * 366) < 0.97


def test_new_launches_ramp_after_launch_dates(engine: Engine) -> None:
    generate(engine, build_config("new_launches", today=TODAY, overrides={"products": 20}))
    launched = _rows(
        engine, "select id, launch_date from raw.product where launch_date is not null"
    )
    assert len(launched) == math.ceil(0.3 * 20)
    [(before,)] = _rows(
        engine,
        "select count(*) from raw.sales_daily s join raw.product p on p.id = s.product_id "
        "where s.date < p.launch_date",
    )
    assert before == 0
    [(early, settled)] = _rows(
        engine,
        "select avg(quantity::float) filter (where s.date - p.launch_date between 0 and 14), "
        "avg(quantity::float) filter (where s.date - p.launch_date between 45 and 75) "
        "from raw.sales_daily s join raw.product p on p.id = s.product_id "
        "where p.launch_date is not null",
    )
    assert early < 0.35 * settled  # first 2 weeks average ~1/6 of the 45-day ramp's end
