"""Pure unit tests: holiday rules, demand-formula factors, streams and the price/promo walks."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
import pytest

from forecastlab.seeder import build_config, demand
from forecastlab.seeder.calendar import OPEN, build_calendar, federal_holidays, nth_weekday
from forecastlab.seeder.config import ChangepointConfig, TimeSeriesConfig
from forecastlab.seeder.dimensions import generate_price_history
from forecastlab.seeder.promotions import generate_promotions
from forecastlab.seeder.rng import stream


def test_federal_holiday_rules() -> None:
    h2024 = {name: day for day, name in federal_holidays(2024).items()}
    assert h2024["Thanksgiving"] == date(2024, 11, 28)
    assert h2024["Memorial Day"] == date(2024, 5, 27)
    assert h2024["Martin Luther King Jr. Day"] == date(2024, 1, 15)
    assert h2024["Presidents Day"] == date(2024, 2, 19)
    assert h2024["Labor Day"] == date(2024, 9, 2)
    assert h2024["Columbus Day"] == date(2024, 10, 14)
    assert h2024["Juneteenth"] == date(2024, 6, 19)
    assert len(h2024) == 11
    assert nth_weekday(2025, 5, 0, -1) == date(2025, 5, 26)  # last Monday of May
    assert nth_weekday(2026, 11, 3, 4) == date(2026, 11, 26)


def test_calendar_columns_and_custom_holiday_wins() -> None:
    custom = build_config("holiday_rush").holidays
    cal = build_calendar(date(2024, 11, 25), date(2024, 12, 31), custom)
    assert cal.weekday[0] == date(2024, 11, 25).weekday() == 0
    assert cal.day_of_year[-1] == 366 and cal.month[-1] == 12 and cal.year[0] == 2024
    assert cal.holidays[date(2024, 11, 29)] == "Black Friday"
    assert cal.holidays[date(2024, 11, 28)] == "Thanksgiving"
    assert cal.index(date(2024, 12, 25)) == 30


def test_trend_and_seasonality_factors() -> None:
    t = np.array([0.0, 10.0, 100.0])
    assert demand.trend_factor("linear", 0.001, t) == pytest.approx([1.0, 1.01, 1.1])
    assert demand.trend_factor("exponential", 0.005, t) == pytest.approx(np.exp(0.005 * t))
    assert demand.trend_factor("none", 0.005, t) == pytest.approx([1, 1, 1])
    ts = TimeSeriesConfig(monthly_seasonality={12: 1.8})
    factor = demand.seasonal_factor(ts, np.array([0, 5, 5]), np.array([1, 1, 12]))
    assert factor == pytest.approx([0.8, 1.3, 1.3 * 1.8])


def test_price_ramp_yearly_and_changepoint_factors() -> None:
    assert demand.price_factor(-0.5, np.array([80.0, 100.0, 500.0]), 100.0) == pytest.approx(
        [1.1, 1.0, 0.0]
    )
    assert demand.ramp_factor(np.array([-3, 0, 9, 45, 90]), 45) == pytest.approx([0, 0, 0.2, 1, 1])
    assert demand.yearly_factor(0.5, 0.0, np.array([365 / 4])) == pytest.approx([1.5])
    event = ChangepointConfig(date=date(2024, 1, 10), demand_multiplier=2.0, decay_days=10)
    days = np.array([date(2024, 1, d).toordinal() for d in (9, 10, 20)])
    assert demand.changepoint_factor((event,), days) == pytest.approx([1, 2, 1 + np.exp(-1)])
    impulse = ChangepointConfig(date=date(2024, 1, 10), demand_multiplier=3.0, decay_days=0)
    assert demand.changepoint_factor((impulse,), days) == pytest.approx([1, 3, 1])


def test_anomaly_and_rounding() -> None:
    factor = demand.anomaly_factor(
        np.array([True, True, False]), np.array([True, False, True]), 2.0
    )
    assert factor == pytest.approx([2.0, 0.5, 1.0])
    assert demand.quantity(np.array([2.5, 3.5, -1.0, 0.4])).tolist() == [2, 4, 0, 0]


def test_named_streams_are_reproducible_and_independent() -> None:
    a = stream(42, "noise", 3).random(5)
    assert np.array_equal(a, stream(42, "noise", 3).random(5))
    assert not np.array_equal(a, stream(42, "noise", 4).random(5))
    assert not np.array_equal(a, stream(42, "anomaly", 3).random(5))
    assert not np.array_equal(a, stream(43, "noise", 3).random(5))


def test_price_windows_are_contiguous_and_never_zero_length() -> None:
    config = build_config(stores=3, products=200, today=date(2025, 6, 30))
    base = np.full(200, 1000)
    rows = generate_price_history(config, base)
    assert len(rows) > 200  # some prices changed
    for p in range(200):
        mine = rows.take(rows.product == p)
        assert mine.valid_from[0] == config.start_date.toordinal()
        assert mine.valid_to[-1] == OPEN
        assert np.all(mine.valid_to[:-1] >= mine.valid_from[:-1])  # D-12
        assert np.array_equal(mine.valid_from[1:], mine.valid_to[:-1] + 1)
        assert len(set(mine.store.tolist())) == 1


def test_promotions_of_a_product_never_overlap() -> None:
    promos = generate_promotions(7, 0.5, 50, 5, date(2024, 1, 1), date(2024, 12, 31))
    by_product: dict[int, list[tuple[int, int]]] = {}
    for p in promos:
        assert 3 <= p.end - p.start + 1 <= 14 or p.end == date(2024, 12, 31).toordinal()
        assert (p.discount_pct is None) != (p.discount_cents is None)
        by_product.setdefault(p.product, []).append((p.start, p.end))
    for spans in by_product.values():
        assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(spans))
    share_chain = np.mean([p.store == -1 for p in promos])
    assert 0.4 < share_chain < 0.95
