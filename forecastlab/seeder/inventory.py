"""Inventory snapshots (spec §2.3): one per store x product x day of the window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecastlab.seeder.rng import stream

BASE_LEVEL = 500
REORDER_POINT = 0.3 * BASE_LEVEL


@dataclass(frozen=True)
class Inventory:
    """(products, days) arrays of one store."""

    on_hand: np.ndarray
    on_order: np.ndarray
    stockout: np.ndarray


def stockout_mask(seed: int, probability: float, store: int, shape: tuple[int, int]) -> np.ndarray:
    """The store's stockout days: the inventory stream's first draw, so it matches
    `store_inventory` without drawing the rest."""
    return stream(seed, "inventory", store).random(shape) < probability


def store_inventory(seed: int, probability: float, store: int, shape: tuple[int, int]) -> Inventory:
    """Stockout with `probability` (on hand 0); else round(500·(1+ε)), ε ~ N(0, 0.3), ≥ 0;
    100-500 units on order when on hand is under 30% of the base level."""
    rng = stream(seed, "inventory", store)
    stockout = rng.random(shape) < probability
    level = np.maximum(0, np.rint(BASE_LEVEL * (1.0 + rng.normal(0.0, 0.3, shape))))
    on_hand = np.where(stockout, 0, level).astype(np.int64)
    reorder = rng.integers(100, 501, size=shape)
    on_order = np.where(on_hand < REORDER_POINT, reorder, 0).astype(np.int64)
    return Inventory(on_hand=on_hand, on_order=on_order, stockout=stockout)
