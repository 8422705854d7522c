"""Stores and products (spec §4.1-4.4): filtered, searchable, sorted, paged listings and
lookups by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, TableClause, select

from forecastlab.analytics.errors import DimensionNotFoundError
from forecastlab.analytics.paging import Page, PageRequest, Sorting, contains, fetch_page
from forecastlab.analytics.tables import product, store
from forecastlab.sorting import SortOrder

STORE_SORTING = Sorting(
    columns={
        name: store.c[name]
        for name in ("code", "name", "region", "city", "store_type", "created_at", "id")
    },
    default="code",
    tie_breaker=store.c.id,
)
PRODUCT_SORTING = Sorting(
    columns={
        name: product.c[name]
        for name in ("sku", "name", "category", "brand", "base_price", "created_at", "id")
    },
    default="sku",
    tie_breaker=product.c.id,
)


@dataclass(frozen=True)
class StoreFilters:
    """Exact region / store type, and a substring of the code or name."""

    region: str | None = None
    store_type: str | None = None
    search: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        return _conditions(
            ((store.c.region, self.region), (store.c.store_type, self.store_type)),
            self.search,
            (store.c.code, store.c.name),
        )


@dataclass(frozen=True)
class ProductFilters:
    """Exact category / brand, and a substring of the SKU or name."""

    category: str | None = None
    brand: str | None = None
    search: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        return _conditions(
            ((product.c.category, self.category), (product.c.brand, self.brand)),
            self.search,
            (product.c.sku, product.c.name),
        )


def list_stores(
    engine: Engine,
    filters: StoreFilters,
    paging: PageRequest,
    sort_by: str | None = None,
    sort_order: SortOrder = "asc",
) -> Page:
    """One page of the stores matching `filters`, with the number of matches."""
    query = select(store).where(*filters.conditions())
    return fetch_page(engine, query, STORE_SORTING.order_by(sort_by, sort_order), paging)


def list_products(
    engine: Engine,
    filters: ProductFilters,
    paging: PageRequest,
    sort_by: str | None = None,
    sort_order: SortOrder = "asc",
) -> Page:
    """One page of the products matching `filters`, with the number of matches."""
    query = select(product).where(*filters.conditions())
    return fetch_page(engine, query, PRODUCT_SORTING.order_by(sort_by, sort_order), paging)


def get_store(engine: Engine, store_id: int) -> Row[Any]:
    """The store with this id; DimensionNotFoundError when there is none."""
    return _by_id(engine, store, store_id, "Store", "/dimensions/stores")


def get_product(engine: Engine, product_id: int) -> Row[Any]:
    """The product with this id; DimensionNotFoundError when there is none."""
    return _by_id(engine, product, product_id, "Product", "/dimensions/products")


def _by_id(engine: Engine, source: TableClause, row_id: int, label: str, listing: str) -> Row[Any]:
    with engine.connect() as conn:
        row = conn.execute(select(source).where(source.c.id == row_id)).one_or_none()
    if row is None:
        raise DimensionNotFoundError(
            f"{label} {row_id} not found; list the available ids with GET {listing}"
        )
    return row


def _conditions(
    exact: tuple[tuple[ColumnElement[Any], str | None], ...],
    search: str | None,
    searched: tuple[ColumnElement[str], ...],
) -> list[ColumnElement[bool]]:
    conditions = [col == value for col, value in exact if value is not None]
    if search is not None:
        conditions.append(contains(searched, search))
    return conditions
