"""Dimension generators (spec §2.2) and the catalogue-level draws of a generate run.

The catalogue — stores, products, launch dates, price history and the active (store,
product) pairs — is drawn from the *generate* run's seed; an append run reuses it unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from forecastlab.seeder.calendar import NO_DATE, OPEN
from forecastlab.seeder.config import SeederConfig
from forecastlab.seeder.phase2 import LifecycleDates, lifecycle_dates
from forecastlab.seeder.rng import stream

STORE_PREFIXES = (
    "Central", "Downtown", "Uptown", "Riverside", "Lakeside", "Hillcrest", "Valley", "Park",
    "Plaza", "Metro", "Gateway", "Harbor", "Summit", "Cedar", "Oak", "Pine", "Maple", "Elm",
    "Main", "Grand",
)  # fmt: skip
STORE_SUFFIXES = (
    "Market", "Mart", "Store", "Shop", "Center", "Depot", "Hub", "Point", "Place", "Square",
)  # fmt: skip
CITIES = (
    "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
    "San Diego", "Dallas", "San Jose", "Austin", "Jacksonville", "Fort Worth", "Columbus",
    "Charlotte", "Indianapolis", "San Francisco", "Seattle", "Denver", "Boston",
)  # fmt: skip
CATEGORY_NOUNS: dict[str, tuple[str, ...]] = {
    "Beverage": ("Cola", "Juice", "Water", "Tea", "Coffee", "Lemonade", "Soda", "Smoothie",
                 "Energy Drink", "Sparkling Water"),
    "Snack": ("Chips", "Crackers", "Pretzels", "Popcorn", "Nuts", "Cookies", "Granola Bar",
              "Trail Mix", "Rice Cakes", "Jerky"),
    "Dairy": ("Milk", "Yogurt", "Cheese", "Butter", "Cream", "Kefir", "Cottage Cheese",
              "Sour Cream", "Custard", "Whipped Cream"),
    "Frozen": ("Pizza", "Ice Cream", "Peas", "Fries", "Dumplings", "Waffles", "Burritos",
               "Fish Sticks", "Berries", "Lasagna"),
    "Produce": ("Apples", "Bananas", "Carrots", "Lettuce", "Tomatoes", "Grapes", "Onions",
                "Potatoes", "Oranges", "Spinach"),
    "Bakery": ("Bread", "Bagels", "Muffins", "Croissants", "Rolls", "Cake", "Donuts", "Pie",
               "Baguette", "Tortillas"),
}  # fmt: skip
CATEGORIES = tuple(CATEGORY_NOUNS)
BRANDS = ("BrandA", "BrandB", "BrandC", "Generic", "Premium")
ADJECTIVES = (
    "Classic", "Premium", "Organic", "Fresh", "Natural", "Original", "Light", "Deluxe", "Crispy",
    "Golden", "Zesty", "Smooth", "Rich", "Hearty", "Simple", "Select", "Farmhouse", "Artisan",
    "Family", "Everyday",
)  # fmt: skip
# Shares of a series' log-level variance from product popularity (shared by every store) and
# store size (shared by every product); the rest is the pair's own. Real item x store sales
# have all three, and a global model can learn the first two from the other series.
LEVEL_VARIANCE_SHARES = (0.6, 0.1)


@dataclass(frozen=True)
class Stores:
    """Store dimension rows, in catalogue order."""

    codes: list[str]
    names: list[str]
    regions: list[str]
    cities: list[str]
    store_types: list[str]


@dataclass(frozen=True)
class Products:
    """Product dimension rows, in catalogue order; dates are ordinals or NO_DATE."""

    skus: list[str]
    names: list[str]
    categories: list[str]
    brands: list[str]
    base_cents: np.ndarray
    cost_cents: np.ndarray
    launch: np.ndarray
    discontinue: np.ndarray
    lifecycle_stage: list[str | None]


@dataclass(frozen=True)
class PriceRows:
    """`price_history` rows as parallel arrays; store -1 = chain-wide, valid_to OPEN = NULL."""

    product: np.ndarray
    store: np.ndarray
    cents: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray

    def __len__(self) -> int:
        return len(self.product)

    def take(self, index: np.ndarray) -> PriceRows:
        """The rows at `index` (a boolean mask or positions), in that order."""
        return PriceRows(*(getattr(self, f)[index] for f in _PRICE_FIELDS))

    def concat(self, other: PriceRows) -> PriceRows:
        """These rows followed by `other`'s."""
        return PriceRows(
            *(np.concatenate([getattr(self, f), getattr(other, f)]) for f in _PRICE_FIELDS)
        )


_PRICE_FIELDS = ("product", "store", "cents", "valid_from", "valid_to")


def price_rows(rows: list[tuple[int, int, int, int, int]]) -> PriceRows:
    """PriceRows from (product, store, cents, valid_from, valid_to) tuples."""
    columns = np.array(rows, dtype=np.int64).reshape(-1, 5).T
    return PriceRows(*columns)


@dataclass(frozen=True)
class Catalogue:
    """Everything an append run reuses from the generate run; ids are the database ids."""

    stores: Stores
    products: Products
    prices: PriceRows
    active: np.ndarray  # (stores, products) bool: False = a missing combination
    level: np.ndarray  # (stores, products) demand level multiplier of each series
    origin: int  # ordinal of the generate window's first day: the trend's t = 0
    store_ids: np.ndarray
    product_ids: np.ndarray

    def with_ids(self, store_ids: np.ndarray, product_ids: np.ndarray) -> Catalogue:
        """The same catalogue mapped onto the ids found in the database."""
        return replace(self, store_ids=store_ids, product_ids=product_ids)


def generate_stores(config: SeederConfig) -> Stores:
    """`stores` rows: unique S#### codes, prefix+suffix names, region, city, store type."""
    dims = config.dimensions
    rng = stream(config.seed, "stores")
    n = dims.stores
    codes = rng.choice(9999, size=n, replace=False) + 1
    return Stores(
        codes=[f"S{c:04d}" for c in codes],
        names=[
            f"{STORE_PREFIXES[a]} {STORE_SUFFIXES[b]}"
            for a, b in zip(rng.integers(20, size=n), rng.integers(10, size=n), strict=True)
        ],
        regions=[dims.regions[i] for i in rng.integers(len(dims.regions), size=n)],
        cities=[CITIES[i] for i in rng.integers(len(CITIES), size=n)],
        store_types=[dims.store_types[i] for i in rng.integers(len(dims.store_types), size=n)],
    )


def generate_products(config: SeederConfig) -> Products:
    """`products` rows: category, brand, price 0.99-29.99, margin 30-60%, unique SKU, name."""
    rng = stream(config.seed, "products")
    n = config.dimensions.products
    categories = [CATEGORIES[i] for i in rng.integers(len(CATEGORIES), size=n)]
    brands = [BRANDS[i] for i in rng.integers(len(BRANDS), size=n)]
    base = rng.integers(99, 3000, size=n)
    margin = rng.uniform(0.30, 0.60, size=n)
    skus = rng.choice(90000, size=n, replace=False) + 10000
    adjectives = rng.integers(len(ADJECTIVES), size=n)
    nouns = rng.integers(10, size=n)
    dates = _launch_dates(config, n)
    return Products(
        skus=[f"SKU-{s:05d}" for s in skus],
        names=[
            f"{brand} {ADJECTIVES[a]} {CATEGORY_NOUNS[cat][k]}"
            for brand, a, cat, k in zip(brands, adjectives, categories, nouns, strict=True)
        ],
        categories=categories,
        brands=brands,
        base_cents=base.astype(np.int64),
        cost_cents=np.rint(base * (1.0 - margin)).astype(np.int64),
        launch=dates.launch,
        discontinue=dates.discontinue,
        lifecycle_stage=dates.stage,
    )


def _launch_dates(config: SeederConfig, n: int) -> LifecycleDates:
    """Phase-2 lifecycle dates for every product, else D-13's launch dates for a share and
    discontinue dates for another share (offsets U{⌊0.3·span⌋..span}, kept only when after
    the product's launch, as the lifecycle's offset rule)."""
    if config.phase2.enable_lifecycle:
        return lifecycle_dates(config, n)
    dims, span = config.dimensions, config.days - 1
    launch = _dates_for_share(
        config, "launch_dates", dims.launch_share, n, 0, math.floor(0.7 * span)
    )
    discontinue = _dates_for_share(
        config, "discontinue_dates", dims.discontinue_share, n, math.floor(0.3 * span), span
    )
    discontinue = np.where(discontinue > launch, discontinue, NO_DATE)
    return LifecycleDates(launch, discontinue, [None] * n)


def _dates_for_share(
    config: SeederConfig, name: str, share: float, n: int, low: int, high: int
) -> np.ndarray:
    """Window start + U{low..high} days for a seeded ⌈share·n⌉ of the products, else NO_DATE."""
    dates = np.full(n, NO_DATE, dtype=np.int64)
    if share > 0:
        rng = stream(config.seed, name)
        chosen = rng.choice(n, size=math.ceil(share * n), replace=False)
        offsets = rng.integers(low, high + 1, size=len(chosen))
        dates[chosen] = config.start_date.toordinal() + offsets
    return dates


def generate_price_history(config: SeederConfig, base_cents: np.ndarray) -> PriceRows:
    """Per product a price track (10% store-specific) with changes at p = 0.1/30 per day.

    A change closes the open window the day before and opens one at ±20%; a change on the
    window's first day replaces the price instead (D-12). The last window stays open.
    """
    rng = stream(config.seed, "price_history")
    n = len(base_cents)
    store_specific = rng.random(n) < 0.10
    store_choice = rng.integers(config.dimensions.stores, size=n)
    first, last = config.start_date.toordinal(), config.end_date.toordinal()
    rows: list[tuple[int, int, int, int, int]] = []
    for p in range(n):
        store = int(store_choice[p]) if store_specific[p] else -1
        price, opened = int(base_cents[p]), first
        day = first + int(rng.geometric(0.1 / 30)) - 1
        while day <= last:
            new_price = max(1, round(price * (1.0 + rng.uniform(-0.20, 0.20))))
            if day > opened:
                rows.append((p, store, price, opened, day - 1))
                opened = day
            price = new_price
            day += int(rng.geometric(0.1 / 30))
        rows.append((p, store, price, opened, OPEN))
    return price_rows(rows)


def active_pairs(config: SeederConfig) -> np.ndarray:
    """(stores, products) mask; the first floor(N·pct) pairs of a seeded shuffle are missing."""
    s, p = config.dimensions.stores, config.dimensions.products
    n_missing = math.floor(s * p * config.sparsity.missing_combinations_pct)
    active = np.ones(s * p, dtype=bool)
    if n_missing:
        order = stream(config.seed, "sparsity").permutation(s * p)
        active[order[:n_missing]] = False
    return active.reshape(s, p)


def series_levels(config: SeederConfig) -> np.ndarray:
    """(stores, products) demand level of every series, `exp(series_level_sigma·z)`, so
    base_demand is the median series' level; all 1 when the sigma is 0.

    z ~ N(0, 1) sums a product, a store and a pair component (LEVEL_VARIANCE_SHARES).
    """
    s, p = config.dimensions.stores, config.dimensions.products
    sigma = config.time_series.series_level_sigma
    if sigma == 0:
        return np.ones((s, p))
    rng = stream(config.seed, "series_levels")
    product_share, store_share = LEVEL_VARIANCE_SHARES
    z = (
        math.sqrt(product_share) * rng.standard_normal(p)[None, :]
        + math.sqrt(store_share) * rng.standard_normal(s)[:, None]
        + math.sqrt(1.0 - product_share - store_share) * rng.standard_normal((s, p))
    )
    return np.exp(sigma * z)


def build_catalogue(config: SeederConfig) -> Catalogue:
    """The generate run's catalogue, with ids 1..n (identities restart on every generate)."""
    products = generate_products(config)
    return Catalogue(
        stores=generate_stores(config),
        products=products,
        prices=generate_price_history(config, products.base_cents),
        active=active_pairs(config),
        level=series_levels(config),
        origin=config.start_date.toordinal(),
        store_ids=np.arange(1, config.dimensions.stores + 1),
        product_ids=np.arange(1, config.dimensions.products + 1),
    )


def ordinal_to_date(day: int) -> date | None:
    """A date from an ordinal-day value; None for NO_DATE and OPEN."""
    return None if day in (NO_DATE, OPEN) else date.fromordinal(day)
