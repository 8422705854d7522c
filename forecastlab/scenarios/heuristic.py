"""Method `heuristic` (spec §11.3): fixed, documented demand factors on top of a baseline.

Every factor is keyed on a forecast day, so an assumption window that lies before the forecast
never reaches back into history. The factors are planning constants, not estimates: a
reviewer can read and tune them here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import numpy as np

from forecastlab.scenarios.assumptions import LifecycleStage, PromotionKind, ScenarioAssumptions

# Constant price elasticity: demand x (1 + change_pct) ** PRICE_ELASTICITY.
PRICE_ELASTICITY: Final = -1.2
# Keeps every factor, and their product, away from zero and from explosive forecasts.
FACTOR_BOUNDS: Final = (0.1, 5.0)
PROMOTION_UPLIFT: Final[dict[PromotionKind, float]] = {
    "pct_off": 1.25,
    "bogo": 1.40,
    "bundle": 1.15,
    "markdown": 1.30,
}
HOLIDAY_UPLIFT: Final = 1.30
LIFECYCLE_FACTOR: Final[dict[LifecycleStage, float]] = {
    "launch": 1.2,
    "growth": 1.1,
    "maturity": 1.0,
    "decline": 0.85,
}


def price_factor(change_pct: float) -> float:
    """The demand factor of a relative price change, clamped to FACTOR_BOUNDS."""
    relative_price = 1.0 + change_pct
    if relative_price <= 0.0:  # a free (or negative) price: the largest lift, not a math error
        return FACTOR_BOUNDS[1]
    return float(np.clip(relative_price**PRICE_ELASTICITY, *FACTOR_BOUNDS))


def daily_factors(days: Sequence[date], assumptions: ScenarioAssumptions) -> np.ndarray:
    """The combined factor of each forecast day, clamped to FACTOR_BOUNDS (1.0 = no change)."""
    factors = np.ones(len(days))
    if assumptions.price is not None:
        factors[assumptions.price.covers(days)] *= price_factor(assumptions.price.change_pct)
    if assumptions.promotion is not None:
        factors[assumptions.promotion.covers(days)] *= PROMOTION_UPLIFT[assumptions.promotion.kind]
    factors[assumptions.holidays(days)] *= HOLIDAY_UPLIFT
    if assumptions.lifecycle is not None:
        factors *= LIFECYCLE_FACTOR[assumptions.lifecycle.stage]
    return np.clip(factors, *FACTOR_BOUNDS)


def apply_factors(baseline: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Scenario demand: the baseline times the day's factor, never below zero."""
    return np.maximum(baseline * factors, 0.0)
