"""Promotion walk (spec §2.3): per product, non-overlapping promotions with seeded discounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from forecastlab.seeder.rng import stream

PCT_CHOICES = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50)
AMOUNT_CHOICES_CENTS = (100, 200, 300, 500)
PROMOTION_NAMES = (
    "Weekly Special", "Flash Sale", "BOGO Deal", "Clearance", "Holiday Promo",
    "Member Exclusive", "Buy More Save More", "Manager's Special",
)  # fmt: skip


@dataclass(frozen=True)
class Promotion:
    """One `promotion` row; product/store are catalogue positions (store -1 = chain-wide),
    start/end are ordinal days, members are catalogue positions of bundle members."""

    product: int
    store: int
    name: str
    discount_pct: float | None
    discount_cents: int | None
    start: int
    end: int
    kind: str = "pct_off"
    members: tuple[int, ...] | None = None


def generate_promotions(
    seed: int, probability: float, n_products: int, n_stores: int, first: date, last: date
) -> list[Promotion]:
    """Promotions of every product over [first, last] (70% chain-wide, else one store).

    A promotion starts with probability `probability/30` per day, lasts U{3..14} days
    (clipped at `last`), and the walk resumes the day after it ends.
    """
    rng = stream(seed, "promotions")
    chain_wide = rng.random(n_products) < 0.70
    store_choice = rng.integers(n_stores, size=n_products)
    daily = probability / 30
    start_day, last_day = first.toordinal(), last.toordinal()
    promotions: list[Promotion] = []
    if daily <= 0:
        return promotions
    for p in range(n_products):
        store = -1 if chain_wide[p] else int(store_choice[p])
        day = start_day + int(rng.geometric(daily)) - 1
        while day <= last_day:
            end = min(day + int(rng.integers(3, 15)) - 1, last_day)
            pct, cents = _discount(rng)
            name = PROMOTION_NAMES[int(rng.integers(len(PROMOTION_NAMES)))]
            promotions.append(Promotion(p, store, name, pct, cents, day, end))
            day = end + int(rng.geometric(daily))
    return promotions


def _discount(rng: np.random.Generator) -> tuple[float | None, int | None]:
    """Coin flip: a percentage off, or a fixed amount off (in cents)."""
    if rng.random() < 0.5:
        return PCT_CHOICES[int(rng.integers(len(PCT_CHOICES)))], None
    return None, AMOUNT_CHOICES_CENTS[int(rng.integers(len(AMOUNT_CHOICES_CENTS)))]
