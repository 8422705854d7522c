"""A run's plan: its calendar, promotions (with Phase-2 bundles and markdowns) and, per
store, the price and promotion state of every (product, day)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from forecastlab.seeder.calendar import NO_DATE, OPEN, Calendar, build_calendar
from forecastlab.seeder.config import SeederConfig
from forecastlab.seeder.dimensions import Catalogue, PriceRows, price_rows
from forecastlab.seeder.inventory import stockout_mask
from forecastlab.seeder.phase2 import bundle_promotions, markdown_starts
from forecastlab.seeder.promotions import Promotion, generate_promotions


@dataclass(frozen=True)
class StoreSchedule:
    """(products, days) arrays of one store: price valid that day, price charged, and which
    promotion effects are active."""

    price_cents: np.ndarray
    unit_cents: np.ndarray
    promoted: np.ndarray
    bundle_active: np.ndarray
    markdown_active: np.ndarray


@dataclass(frozen=True)
class _PromoState:
    pct: np.ndarray
    amount_cents: np.ndarray
    promoted: np.ndarray
    bundle_active: np.ndarray
    markdown_active: np.ndarray

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> _PromoState:
        return cls(
            np.zeros(shape),
            np.zeros(shape, dtype=np.int64),
            *(np.zeros(shape, dtype=bool) for _ in range(3)),
        )

    def copy(self) -> _PromoState:
        return _PromoState(*(getattr(self, f).copy() for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class RunPlan:
    """Everything a seed run's facts derive from, besides the per-store random streams."""

    config: SeederConfig
    catalogue: Catalogue
    calendar: Calendar
    promotions: list[Promotion]
    markdown_prices: PriceRows
    _chain_prices: np.ndarray = field(repr=False)
    _chain_promos: _PromoState = field(repr=False)

    @cached_property
    def all_prices(self) -> PriceRows:
        """The catalogue's price history plus this run's markdown price drops."""
        return self.catalogue.prices.concat(self.markdown_prices)

    @property
    def shape(self) -> tuple[int, int]:
        """(products, days)."""
        return len(self.catalogue.product_ids), len(self.calendar)

    @property
    def days(self) -> np.ndarray:
        """Ordinal day numbers of the window."""
        first = self.config.start_date.toordinal()
        return np.arange(first, first + len(self.calendar))

    def store_schedule(self, store: int) -> StoreSchedule:
        """Chain-wide prices and promotions overlaid by this store's own."""
        prices = self._chain_prices.copy()
        _paint_prices(prices, _rows_of_store(self.all_prices, store), self.days[0])
        state = self._chain_promos.copy()
        _paint_promotions(state, [p for p in self.promotions if p.store == store], self.days[0])
        discounted = np.where(
            state.pct > 0, np.rint(prices * (1.0 - state.pct)), prices - state.amount_cents
        )
        unit = np.where(state.promoted, np.maximum(1, discounted), prices).astype(np.int64)
        return StoreSchedule(
            price_cents=prices,
            unit_cents=unit,
            promoted=state.promoted,
            bundle_active=state.bundle_active,
            markdown_active=state.markdown_active,
        )


def build_plan(config: SeederConfig, catalogue: Catalogue) -> RunPlan:
    """The plan of one run (generate or append) over the catalogue of the generate run."""
    calendar = build_calendar(config.start_date, config.end_date, config.holidays)
    n_stores, n_products = catalogue.active.shape
    promotions = generate_promotions(
        config.seed,
        config.retail.promotion_probability,
        n_products,
        n_stores,
        config.start_date,
        config.end_date,
    )
    if config.phase2.enable_bundles:
        promotions = bundle_promotions(config.seed, config.phase2, promotions, n_products)
    markdowns = (
        _markdowns(config, catalogue, len(calendar)) if config.phase2.enable_markdowns else []
    )
    promotions += markdowns
    markdown_prices = price_rows(
        [
            (m.product, -1, _marked_down(config, catalogue, m.product), m.start, m.end)
            for m in markdowns
        ]
    )
    first = config.start_date.toordinal()
    shape = (n_products, len(calendar))
    chain_prices = np.broadcast_to(catalogue.products.base_cents[:, None], shape).copy()
    _paint_prices(chain_prices, _rows_of_store(catalogue.prices.concat(markdown_prices), -1), first)
    chain_promos = _PromoState.empty(shape)
    _paint_promotions(chain_promos, [p for p in promotions if p.store == -1], first)
    return RunPlan(
        config, catalogue, calendar, promotions, markdown_prices, chain_prices, chain_promos
    )


def _markdowns(config: SeederConfig, catalogue: Catalogue, n_days: int) -> list[Promotion]:
    """Markdown promotions (depth below base price for markdown_days) per triggered product."""
    p2 = config.phase2
    shape = (len(catalogue.product_ids), n_days)
    stocked_out = np.zeros(shape, dtype=bool)
    if p2.markdown_trigger == "stockout_risk":
        for store in range(len(catalogue.store_ids)):
            stocked_out |= stockout_mask(
                config.seed, config.retail.stockout_probability, store, shape
            )
    starts = markdown_starts(config, catalogue.products.launch, stocked_out)
    last = config.end_date.toordinal()
    return [
        Promotion(
            product=int(p),
            store=-1,
            name="Markdown",
            discount_pct=p2.markdown_depth,
            discount_cents=None,
            start=int(starts[p]),
            end=min(int(starts[p]) + p2.markdown_days - 1, last),
            kind="markdown",
        )
        for p in np.flatnonzero(starts != NO_DATE)
    ]


def _marked_down(config: SeederConfig, catalogue: Catalogue, product: int) -> int:
    base = int(catalogue.products.base_cents[product])
    return max(1, round(base * (1.0 - config.phase2.markdown_depth)))


def _rows_of_store(rows: PriceRows, store: int) -> PriceRows:
    mine = rows.take(rows.store == store)
    return mine.take(np.argsort(mine.valid_from, kind="stable"))  # a later window wins


def _paint_prices(prices: np.ndarray, rows: PriceRows, first: int) -> None:
    n_days = prices.shape[1]
    for p, cents, lo, hi in zip(
        rows.product, rows.cents, rows.valid_from, rows.valid_to, strict=True
    ):
        a, b = max(lo - first, 0), n_days if hi == OPEN else min(n_days, hi - first + 1)
        if a < b:
            prices[p, a:b] = cents


def _paint_promotions(state: _PromoState, promotions: list[Promotion], first: int) -> None:
    n_days = state.promoted.shape[1]
    for promo in promotions:
        a, b = max(promo.start - first, 0), min(n_days, promo.end - first + 1)
        if a >= b:
            continue
        if promo.kind == "markdown":
            # The price_history drop already carries the markdown's discount.
            state.markdown_active[promo.product, a:b] = True
            continue
        state.promoted[promo.product, a:b] = True
        state.pct[promo.product, a:b] = promo.discount_pct or 0.0
        state.amount_cents[promo.product, a:b] = promo.discount_cents or 0
        if promo.members:
            state.bundle_active[list(promo.members), a:b] = True
