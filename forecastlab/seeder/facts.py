"""Daily facts of one store (spec §2.3-2.5): inventory, sales and the optional per-store
Phase-1/2 facts, computed as (products, days) arrays — no Python loop per row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecastlab.seeder import demand
from forecastlab.seeder.calendar import NO_DATE
from forecastlab.seeder.inventory import Inventory, stockout_mask, store_inventory
from forecastlab.seeder.phase1 import (
    Returns,
    returns,
    substitute_groups,
    substitution_factor,
    weather_factor,
    weather_temps,
)
from forecastlab.seeder.phase2 import (
    Replenishments,
    assign_channels,
    lifecycle_factor,
    replenishments,
)
from forecastlab.seeder.rng import stream
from forecastlab.seeder.schedule import RunPlan, StoreSchedule


@dataclass(frozen=True)
class Sales:
    """`sales_daily` rows of one store: day position, product position, values."""

    day: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    unit_cents: np.ndarray
    channel: np.ndarray | None  # index into StoreFacts.channel_names; None = DB default
    # The mean the noise model drew `quantity` around (every deterministic factor, before
    # anomalies): what a forecaster that knew the generating process would predict.
    expected: np.ndarray


@dataclass(frozen=True)
class StoreFacts:
    """Every fact row one store contributes to a run."""

    store: int
    inventory: Inventory | None  # None: the configuration records no inventory snapshots
    sales: Sales
    channel_names: list[str]
    weather: np.ndarray | None
    returns: Returns | None
    replenishments: Replenishments | None


def store_facts(plan: RunPlan, store: int) -> StoreFacts:
    """Inventory, sales and optional facts of `store` over the run's whole window."""
    config = plan.config
    shape = plan.shape
    schedule = plan.store_schedule(store)
    seed, retail = config.seed, config.retail
    if retail.inventory_snapshots:
        inventory = store_inventory(seed, retail.stockout_probability, store, shape)
        stockout = inventory.stockout
    else:
        # The same stockout days, without drawing the snapshots nobody writes.
        inventory, stockout = None, stockout_mask(seed, retail.stockout_probability, store, shape)
    temps = (
        weather_temps(config.seed, config.phase1, plan.calendar, store)
        if config.phase1.enable_exogenous
        else None
    )
    expected = expected_demand(plan, store, schedule, stockout, temps)
    channel_names, channel = _channels(plan, store, schedule, expected)
    realised = _realise(plan, store, expected)
    qty = demand.quantity(realised)
    rows = plan.catalogue.active[store][:, None] & _on_sale(plan) & ~stockout
    rows &= ~_gaps(plan, store)
    product, day = np.nonzero(rows)
    sales = Sales(
        day=day,
        product=product,
        quantity=qty[rows],
        unit_cents=schedule.unit_cents[rows],
        channel=None if channel is None else channel[rows],
        expected=expected[rows],
    )
    p1 = config.phase1
    return StoreFacts(
        store=store,
        inventory=inventory,
        sales=sales,
        channel_names=channel_names,
        weather=temps,
        returns=(
            returns(config.seed, p1, store, shape[1], day, product, sales.quantity)
            if p1.enable_returns
            else None
        ),
        replenishments=(
            replenishments(config, store, shape[0]) if config.phase2.enable_lead_time else None
        ),
    )


def expected_demand(
    plan: RunPlan,
    store: int,
    schedule: StoreSchedule,
    stockout: np.ndarray,
    temps: np.ndarray | None,
) -> np.ndarray:
    """Base demand times every deterministic factor of §2.3, in the table's order, times the
    series' demand level."""
    config, cal, products = plan.config, plan.calendar, plan.catalogue.products
    ts, retail, p1, p2 = config.time_series, config.retail, config.phase1, config.phase2
    days = plan.days
    holiday = {
        day.toordinal(): config.holiday_multipliers[name]
        for day, name in cal.holidays.items()
        if name in config.holiday_multipliers
    }
    holiday.update({h.date.toordinal(): h.multiplier for h in config.holidays})
    per_day = (
        ts.base_demand
        * demand.trend_factor(ts.trend, ts.trend_slope, days - plan.catalogue.origin)
        * demand.seasonal_factor(ts, cal.weekday, cal.month)
        * np.array([holiday.get(int(d), 1.0) for d in days])
    )
    value = per_day[None, :] * np.where(schedule.promoted, retail.promotion_lift, 1.0)
    value *= demand.price_factor(
        retail.price_elasticity, schedule.unit_cents, products.base_cents[:, None]
    )
    launched = products.launch != NO_DATE
    since = days[None, :] - products.launch[:, None]
    value *= np.where(
        launched[:, None], demand.ramp_factor(since, retail.new_product_ramp_days), 1.0
    )
    if p1.yearly_seasonality_amplitude > 0:
        value *= demand.yearly_factor(
            p1.yearly_seasonality_amplitude, p1.yearly_seasonality_phase, cal.day_of_year
        )
    if p1.changepoints:
        value *= demand.changepoint_factor(p1.changepoints, days)
    if temps is not None:
        value *= weather_factor(p1, temps)
    if p1.enable_substitution:
        groups = substitute_groups(p1, products.categories)
        value *= substitution_factor(p1, groups, stockout)
    if p2.enable_lifecycle:
        value *= lifecycle_factor(p2, products.launch, products.discontinue, days)
    value *= np.where(schedule.bundle_active, p2.bundle_uplift, 1.0)
    value *= np.where(schedule.markdown_active, p2.markdown_demand_lift, 1.0)
    # All 1.0 unless series_level_sigma > 0, and x·1.0 is exact: other presets' rows unchanged.
    value *= plan.catalogue.level[store][:, None]
    return value


def _channels(
    plan: RunPlan, store: int, schedule: StoreSchedule, expected: np.ndarray
) -> tuple[list[str], np.ndarray | None]:
    """One channel per grain row; online sells `online_promo_uplift` more on promoted days
    (applied to `expected` in place)."""
    p2 = plan.config.phase2
    if not p2.enable_multichannel:
        return [], None
    rng = stream(plan.config.seed, "channels", store)
    names, channel = assign_channels(p2, rng, schedule.promoted)
    if "online" in names:
        online_promo = schedule.promoted & (channel == names.index("online"))
        expected *= np.where(online_promo, p2.online_promo_uplift, 1.0)
    return names, channel


def _realise(plan: RunPlan, store: int, expected: np.ndarray) -> np.ndarray:
    """Anomalies (x or ÷ magnitude) and the noise model: gaussian noise `1 + N(0, sigma)`
    (drawn only when sigma > 0), or negative-binomial counts around the anomalous demand."""
    ts, seed = plan.config.time_series, plan.config.seed
    rng = stream(seed, "anomaly", store)
    hit = rng.random(expected.shape) < ts.anomaly_probability
    multiply = rng.random(expected.shape) < 0.5
    anomaly = demand.anomaly_factor(hit, multiply, ts.anomaly_magnitude)
    if ts.noise_model == "negative_binomial":
        counts = stream(seed, "counts", store)
        return demand.negative_binomial_counts(counts, expected * anomaly, ts.noise_sigma)
    value = expected
    if ts.noise_sigma > 0:
        value = value * (
            1.0 + stream(seed, "noise", store).normal(0.0, ts.noise_sigma, value.shape)
        )
    return value * anomaly


def _on_sale(plan: RunPlan) -> np.ndarray:
    """(products, days): launched and not yet discontinued (no sales rows otherwise)."""
    products, days = plan.catalogue.products, plan.days[None, :]
    launched = (products.launch[:, None] == NO_DATE) | (days >= products.launch[:, None])
    gone = (products.discontinue[:, None] != NO_DATE) & (days >= products.discontinue[:, None])
    return launched & ~gone


def _gaps(plan: RunPlan, store: int) -> np.ndarray:
    """(products, days): `random_gaps_per_series` gaps of U{min..max} days per series."""
    sparsity = plan.config.sparsity
    n_products, n_days = plan.shape
    gaps = np.zeros(plan.shape, dtype=bool)
    if sparsity.random_gaps_per_series == 0 or n_days < 2:
        return gaps
    rng = stream(plan.config.seed, "gaps", store)
    size = (n_products, sparsity.random_gaps_per_series)
    starts = rng.integers(0, n_days - 1, size=size)
    lengths = rng.integers(sparsity.gap_min_days, sparsity.gap_max_days + 1, size=size)
    index = np.arange(n_days)[None, :]
    for g in range(size[1]):
        gaps |= (index >= starts[:, g : g + 1]) & (
            index < starts[:, g : g + 1] + lengths[:, g : g + 1]
        )
    return gaps
