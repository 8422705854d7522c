"""Phase-1 realism generators (spec §2.4): exogenous signals, returns, substitution.

The yearly-seasonality, changepoint and weather multipliers live in `demand`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecastlab.seeder.calendar import Calendar
from forecastlab.seeder.config import Phase1Config
from forecastlab.seeder.rng import stream

RETURN_REASONS = (
    "defective",
    "wrong_size",
    "not_as_described",
    "changed_mind",
    "damaged_in_transit",
)
RETURN_WEIGHTS = (0.25, 0.20, 0.15, 0.30, 0.10)
MAX_RETURN_LAG_DAYS = 14


def weather_temps(seed: int, p1: Phase1Config, calendar: Calendar, store: int) -> np.ndarray:
    """`weather_temp_c` of one store per day: mean + amplitude·sin(2π(doy-105)/365) + noise."""
    rng = stream(seed, "weather", store)
    season = np.sin(2 * np.pi * (calendar.day_of_year - 105) / 365.0)
    noise = rng.normal(0.0, p1.weather_noise_c, len(calendar))
    return p1.weather_mean_c + p1.weather_amplitude_c * season + noise


def weather_factor(p1: Phase1Config, temps: np.ndarray) -> np.ndarray:
    """`1 + sensitivity·(temp - climatology mean)`, floored at 0."""
    return np.maximum(0.0, 1.0 + p1.weather_temperature_sensitivity * (temps - p1.weather_mean_c))


def macro_index(seed: int, calendar: Calendar) -> np.ndarray:
    """Global `macro_index`: a random walk from 100 with N(0, 0.5) daily steps."""
    steps = stream(seed, "macro").normal(0.0, 0.5, len(calendar))
    steps[0] = 0.0
    return 100.0 + np.cumsum(steps)


def event_flags(p1: Phase1Config, calendar: Calendar) -> np.ndarray:
    """Positions of the configured event dates inside the window (`event_flag` = 1.0)."""
    positions = [calendar.index(d) for d in sorted(set(p1.event_dates))]
    return np.array([i for i in positions if 0 <= i < len(calendar)], dtype=np.int64)


def substitute_groups(p1: Phase1Config, categories: list[str]) -> list[np.ndarray]:
    """Configured groups (1-based catalogue positions), else one group per category."""
    if p1.substitute_groups:
        groups = [np.array(g, dtype=np.int64) - 1 for g in p1.substitute_groups]
        return [g[(g >= 0) & (g < len(categories))] for g in groups]
    names = np.array(categories)
    return [np.flatnonzero(names == c) for c in sorted(set(categories))]


def substitution_factor(
    p1: Phase1Config, groups: list[np.ndarray], stockout: np.ndarray
) -> np.ndarray:
    """`1 + lift/(group_size - 1)` where a group-mate is stocked out at the store that day."""
    factor = np.ones(stockout.shape)
    for group in groups:
        if len(group) < 2:
            continue
        out = stockout[group].astype(np.int64)
        mates_out = out.sum(axis=0)[None, :] - out  # exclude the product itself
        factor[group] = np.where(
            mates_out > 0, 1.0 + p1.substitution_lift_on_stockout / (len(group) - 1), 1.0
        )
    return factor


@dataclass(frozen=True)
class Returns:
    """`sales_returns` rows of one store: day position, product position, quantity, reason."""

    day: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    reason: np.ndarray  # index into RETURN_REASONS


def returns(
    seed: int,
    p1: Phase1Config,
    store: int,
    n_days: int,
    day: np.ndarray,
    product: np.ndarray,
    quantity: np.ndarray,
) -> Returns:
    """Each sale with quantity > 0 is returned with return_probability, after U{1..14} days
    (clamped to the window end), max(1, round(q/2)) units (≤ q), with a weighted reason."""
    rng = stream(seed, "returns", store)
    n = len(day)
    fires = (rng.random(n) < p1.return_probability) & (quantity > 0)
    lag = rng.integers(1, MAX_RETURN_LAG_DAYS + 1, size=n)
    reason = rng.choice(len(RETURN_REASONS), size=n, p=RETURN_WEIGHTS)
    qty = np.minimum(np.maximum(1, np.rint(quantity * 0.5)), quantity).astype(np.int64)
    return Returns(
        day=np.minimum(day + lag, n_days - 1)[fires],
        product=product[fires],
        quantity=qty[fires],
        reason=reason[fires],
    )
