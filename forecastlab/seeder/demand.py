"""The demand formula's factors (spec §2.3), each a pure array function.

Shapes: per-day factors are (days,), per-series factors are (products, days); numpy
broadcasting multiplies them in the order of the spec's table.
"""

from __future__ import annotations

import numpy as np

from forecastlab.seeder.config import ChangepointConfig, TimeSeriesConfig


def trend_factor(kind: str, slope: float, t: np.ndarray) -> np.ndarray:
    """linear `1 + slope·t`, exponential `exp(slope·t)` (D-24), none 1; t = days since origin."""
    if kind == "linear":
        return 1.0 + slope * t
    if kind == "exponential":
        return np.exp(slope * t)
    return np.ones_like(t, dtype=float)


def seasonal_factor(ts: TimeSeriesConfig, weekday: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Weekly seasonality by weekday times monthly seasonality by month (1 when unlisted)."""
    weekly = np.asarray(ts.weekly_seasonality, dtype=float)[weekday]
    monthly = np.array([ts.monthly_seasonality.get(m, 1.0) for m in range(1, 13)])[month - 1]
    return weekly * monthly


def price_factor(elasticity: float, price: np.ndarray, base_price: np.ndarray) -> np.ndarray:
    """`1 + e·(p_t - p_base)/p_base`, floored at 0 (a huge price rise cannot sell < 0 units)."""
    return np.maximum(0.0, 1.0 + elasticity * (price - base_price) / base_price)


def ramp_factor(days_since_launch: np.ndarray, ramp_days: int) -> np.ndarray:
    """`days_since_launch / ramp_days` inside the ramp, 1 after it (and where no launch)."""
    return np.clip(days_since_launch / ramp_days, 0.0, 1.0)


def yearly_factor(amplitude: float, phase: float, day_of_year: np.ndarray) -> np.ndarray:
    """Phase-1 yearly seasonality `1 + A·sin(2π(doy + phase)/365)`."""
    return 1.0 + amplitude * np.sin(2 * np.pi * (day_of_year + phase) / 365.0)


def changepoint_factor(events: tuple[ChangepointConfig, ...], t: np.ndarray) -> np.ndarray:
    """Product over events of `1 + (m-1)·exp(-(t-t0)/decay)` for t ≥ t0 (decay 0: t0 only).

    `t` holds the days' ordinal numbers (date.toordinal()) so events compare by date.
    """
    factor = np.ones_like(t, dtype=float)
    for event in events:
        since = t - event.date.toordinal()
        if event.decay_days == 0:
            bump = np.where(since == 0, 1.0, 0.0)
        else:
            bump = np.where(since >= 0, np.exp(-np.maximum(since, 0) / event.decay_days), 0.0)
        factor *= 1.0 + (event.demand_multiplier - 1.0) * bump
    return factor


def anomaly_factor(hit: np.ndarray, multiply: np.ndarray, magnitude: float) -> np.ndarray:
    """`magnitude` where an anomaly hits and the coin says multiply, `1/magnitude` where it
    says divide, 1 elsewhere."""
    return np.where(hit, np.where(multiply, magnitude, 1.0 / magnitude), 1.0)


def negative_binomial_counts(
    rng: np.random.Generator, mean: np.ndarray, sigma: float
) -> np.ndarray:
    """Integer counts with mean `mean` and variance `mean + sigma²·mean²`.

    Poisson around `mean·g`, g ~ Gamma(mean 1, CV sigma): the gamma-Poisson mixture is the
    negative binomial, the usual model of overdispersed item-level sales. sigma 0 = Poisson.
    """
    rate = mean
    if sigma > 0:
        shape = 1.0 / sigma**2
        rate = mean * rng.gamma(shape, 1.0 / shape, mean.shape)
    return rng.poisson(rate)


def quantity(demand: np.ndarray) -> np.ndarray:
    """`max(0, round(demand))` with round-half-to-even, as Python's round()."""
    return np.maximum(0, np.rint(demand)).astype(np.int64)
