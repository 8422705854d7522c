"""Simulate a scenario (spec §11.2-§11.5): the baseline forecast, then the assumptions on it.

The baseline comes from `forecast_series`, the code path of `POST /forecasting/predict`: the
same model loading, series checks and forecast days. A `regression` baseline is re-forecast
with the assumptions as inputs (`model_exogenous`); any other gets the heuristic factors.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Final

import numpy as np
from sqlalchemy import Engine, text

from forecastlab.forecasting.service import forecast_interval, forecast_series
from forecastlab.intervals import Interval
from forecastlab.scenarios.comparison import ScenarioComparison, build_comparison
from forecastlab.scenarios.exogenous import ratio_factors, reforecast, reforecastable
from forecastlab.scenarios.heuristic import apply_factors, daily_factors
from forecastlab.scenarios.requests import SimulationRequest
from forecastlab.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Revenue of a series that never sold: one currency unit per unit (spec §11.5).
FALLBACK_UNIT_PRICE: Final = Decimal("1.00")

_LATEST_PRICE_SQL = text(
    "select unit_price from raw.sales_daily "
    "where store_id = :store_id and product_id = :product_id and date <= :on_or_before "
    "order by date desc limit 1"
)


def simulate(
    engine: Engine, request: SimulationRequest, settings: Settings | None = None
) -> ScenarioComparison:
    """Baseline vs scenario of one series over `request.horizon` days, the scenario with the
    baseline run's prediction interval."""
    settings = settings or get_settings()
    forecast = forecast_series(
        engine, request.run_id, request.horizon, request.store_id, request.product_id, settings
    )
    assumptions = request.assumptions
    inventory = assumptions.inventory
    # D-11: a feature-aware baseline is floored at 0 like every forecast a scenario adjusts.
    baseline = np.maximum(forecast.values, 0.0)
    level = settings.forecast_interval_level
    if reforecastable(forecast.forecaster):
        method = "model_exogenous"
        scenario = reforecast(forecast.forecaster, request.horizon, assumptions)
        factors = ratio_factors(baseline, scenario)
        # the same model with other inputs: its residuals, around the re-forecast
        interval = forecast_interval(forecast, level, scenario)
    else:
        method = "heuristic"
        factors = daily_factors(forecast.dates, assumptions)
        scenario = apply_factors(baseline, factors)
        interval = _scaled(forecast_interval(forecast, level), factors)
    return build_comparison(
        store_id=forecast.store_id,
        product_id=forecast.product_id,
        model_type=forecast.model.model_type,
        days=forecast.dates,
        baseline=baseline,
        scenario=scenario,
        factors=factors,
        method=method,
        unit_price=_revenue_price(engine, forecast.store_id, forecast.product_id, forecast.origin),
        on_hand_units=None if inventory is None else inventory.on_hand_units,
        interval=interval,
    )


def _scaled(interval: Interval, factors: np.ndarray) -> Interval:
    """The baseline's bounds under the heuristic's factors: a factor scales the whole
    predictive distribution of the day, so it scales both bounds."""
    return Interval(
        level=interval.level,
        lower=interval.lower * factors,
        upper=interval.upper * factors,
        note=interval.note,
    )


def latest_unit_price(
    engine: Engine, store_id: int, product_id: int, on_or_before: date
) -> Decimal | None:
    """unit_price of the series' latest sale on or before a day (None when it has none)."""
    params = {"store_id": store_id, "product_id": product_id, "on_or_before": on_or_before}
    with engine.connect() as conn:
        return conn.execute(_LATEST_PRICE_SQL, params).scalar_one_or_none()


def _revenue_price(engine: Engine, store_id: int, product_id: int, origin: date) -> Decimal:
    price = latest_unit_price(engine, store_id, product_id, origin)
    if price is None:
        log.warning(
            "store %s product %s has no sale on or before %s: revenue at unit price %s",
            store_id,
            product_id,
            origin,
            FALLBACK_UNIT_PRICE,
        )
        return FALLBACK_UNIT_PRICE
    return price
