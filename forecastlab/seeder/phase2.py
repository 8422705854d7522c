"""Phase-2 retail-depth generators (spec §2.5): lifecycle, bundles/BOGO, markdowns,
channels and lead-time replenishment. All off by default."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from forecastlab.seeder.calendar import NO_DATE
from forecastlab.seeder.config import Phase2Config, SeederConfig
from forecastlab.seeder.promotions import Promotion
from forecastlab.seeder.rng import stream

GROWTH_DAYS, MATURITY_DAYS, DECLINE_DECAY_DAYS = 60, 180, 90


@dataclass(frozen=True)
class LifecycleDates:
    """Per product: launch and discontinue ordinals (or NO_DATE) and the stage at window end."""

    launch: np.ndarray
    discontinue: np.ndarray
    stage: list[str | None]


def lifecycle_dates(config: SeederConfig, n: int) -> LifecycleDates:
    """Launch offset U{0..⌊0.7·span⌋}; with the discontinue probability an offset
    U{⌊0.8·span⌋..span}, kept only when after launch (the §2.9 offset rule)."""
    rng = stream(config.seed, "lifecycle")
    span = max(1, config.days - 1)
    first = config.start_date.toordinal()
    launch = first + rng.integers(0, math.floor(0.7 * span) + 1, size=n)
    discontinued = rng.random(n) < config.phase2.lifecycle_discontinue_probability
    offsets = first + rng.integers(math.floor(0.8 * span), span + 1, size=n)
    discontinue = np.where(discontinued & (offsets > launch), offsets, NO_DATE)
    last = np.array([config.end_date.toordinal()])
    codes = stage_codes(config.phase2, launch, discontinue, last)[:, 0]
    return LifecycleDates(launch, discontinue, [STAGES[c] for c in codes])


STAGES = ("intro", "growth", "maturity", "decline", "discontinued")


def stage_codes(
    p2: Phase2Config, launch: np.ndarray, discontinue: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """(products, days) index into STAGES from days since launch; no launch date = maturity."""
    since = days[None, :] - launch[:, None]
    bounds = np.cumsum([p2.intro_ramp_days, GROWTH_DAYS, MATURITY_DAYS])
    codes = np.searchsorted(bounds, since, side="right")
    gone = (since < 0) | (
        (discontinue[:, None] != NO_DATE) & (days[None, :] >= discontinue[:, None])
    )
    codes = np.where(gone, 4, codes)
    return np.where(launch[:, None] == NO_DATE, 2, codes)


def lifecycle_factor(
    p2: Phase2Config, launch: np.ndarray, discontinue: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """Intro ramps intro_multiplier → 1, growth/maturity 1, decline decays to
    decline_multiplier, discontinued/not launched 0."""
    codes = stage_codes(p2, launch, discontinue, days)
    since = days[None, :] - launch[:, None]
    intro = p2.intro_multiplier + (1 - p2.intro_multiplier) * since / p2.intro_ramp_days
    in_decline = since - (p2.intro_ramp_days + GROWTH_DAYS + MATURITY_DAYS)
    decline = p2.decline_multiplier + (1 - p2.decline_multiplier) * np.exp(
        -np.maximum(in_decline, 0) / DECLINE_DECAY_DAYS
    )
    return np.select([codes == 0, codes == 3, codes == 4], [intro, decline, 0.0], 1.0)


def bundle_promotions(
    seed: int, p2: Phase2Config, promotions: list[Promotion], n_products: int
) -> list[Promotion]:
    """A bundle_probability share of promotions become bundle/bogo with 2-3 members and a
    10-30% discount."""
    rng = stream(seed, "bundles")
    n = len(promotions)
    chosen = rng.random(n) < p2.bundle_probability
    bogo = rng.random(n) < p2.bogo_share_within_bundles
    sizes = rng.integers(2, 4, size=n)
    discounts = np.round(rng.uniform(0.10, 0.30, size=n), 2)
    result = []
    for i, promo in enumerate(promotions):
        if not chosen[i] or n_products < 2:
            result.append(promo)
            continue
        others = rng.choice(n_products - 1, size=min(int(sizes[i]), n_products - 1), replace=False)
        members = tuple(int(m) + (m >= promo.product) for m in sorted(others))  # skip itself
        result.append(
            replace(
                promo,
                kind="bogo" if bogo[i] else "bundle",
                name="BOGO Deal" if bogo[i] else "Bundle Deal",
                discount_pct=float(discounts[i]),
                discount_cents=None,
                members=members,
            )
        )
    return result


def markdown_starts(
    config: SeederConfig, launch: np.ndarray, stocked_out_any: np.ndarray
) -> np.ndarray:
    """Per product the markdown's first ordinal day in the run window, or NO_DATE.

    lifecycle_decline: the first day of the decline stage; stockout_risk: the day after the
    product's first stockout at any store (`stocked_out_any`: (products, days) bool).
    """
    p2 = config.phase2
    first, last = config.start_date.toordinal(), config.end_date.toordinal()
    if p2.markdown_trigger == "lifecycle_decline":
        start = launch + p2.intro_ramp_days + GROWTH_DAYS + MATURITY_DAYS
        start = np.where(launch == NO_DATE, NO_DATE, start)
    else:
        hit = stocked_out_any.any(axis=1)
        start = np.where(hit, first + stocked_out_any.argmax(axis=1) + 1, NO_DATE)
    return np.where((start >= first) & (start <= last), start, NO_DATE)


def assign_channels(
    p2: Phase2Config, rng: np.random.Generator, promoted: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """(channel names, per-cell index) by a weighted draw; on promoted days online gains
    online_substitution_to_instore x the in-store weight."""
    names = list(p2.channel_mix)
    weights = np.broadcast_to(
        np.array([p2.channel_mix[c] for c in names]), (*promoted.shape, len(names))
    ).copy()
    if "online" in names and "in_store" in names:
        online, in_store = names.index("online"), names.index("in_store")
        shift = p2.online_substitution_to_instore * weights[..., in_store] * promoted
        weights[..., online] += shift
        weights[..., in_store] -= shift
    cumulative = np.cumsum(weights, axis=-1)
    u = rng.random(promoted.shape)[..., None] * cumulative[..., -1:]
    return names, (u >= cumulative).sum(axis=-1).clip(max=len(names) - 1)


@dataclass(frozen=True)
class Replenishments:
    """`replenishment_event` rows of one store: receipt ordinal, product position, values."""

    day: np.ndarray
    product: np.ndarray
    lead_time: np.ndarray
    ordered: np.ndarray
    received: np.ndarray


def replenishments(config: SeederConfig, store: int, n_products: int) -> Replenishments:
    """A PO every order_frequency_days from the window start; lead N(mean, sigma) ≥ 0; fill
    N(0.97, 0.05) clipped to [0, 1]; receipts after the window end are dropped."""
    p2 = config.phase2
    rng = stream(config.seed, "replenishment", store)
    first, last = config.start_date.toordinal(), config.end_date.toordinal()
    orders = np.arange(first, last + 1, p2.order_frequency_days)
    shape = (n_products, len(orders))
    lead = np.maximum(
        0, np.rint(rng.normal(p2.mean_lead_time_days, p2.lead_time_sigma_days, shape))
    )
    fill = np.clip(rng.normal(0.97, 0.05, shape), 0.0, 1.0)
    ordered = round(
        config.time_series.base_demand * (p2.order_frequency_days + p2.safety_stock_days)
    )
    received = np.clip(np.rint(ordered * fill), 0, ordered)
    receipt = orders[None, :] + lead.astype(np.int64)
    keep = receipt <= last
    product = np.broadcast_to(np.arange(n_products)[:, None], shape)
    return Replenishments(
        day=receipt[keep],
        product=product[keep],
        lead_time=lead[keep].astype(np.int64),
        ordered=np.full(int(keep.sum()), ordered, dtype=np.int64),
        received=received[keep].astype(np.int64),
    )
