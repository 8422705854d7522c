"""The sales rows an analytics query aggregates: an inclusive date range plus filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement

from forecastlab.analytics.dates import validate_date_range
from forecastlab.analytics.tables import product, sales_daily, store

# Left joins: PostgreSQL drops a left join to a unique key whose columns a query never uses,
# so the store and product lookups cost nothing unless a filter or a grouping needs them.
SALES_ROWS = sales_daily.outerjoin(store, store.c.id == sales_daily.c.store_id).outerjoin(
    product, product.c.id == sales_daily.c.product_id
)


@dataclass(frozen=True)
class SalesScope:
    """Sales between two dates (both inclusive), optionally of one store, product or
    product category."""

    start_date: date
    end_date: date
    store_id: int | None = None
    product_id: int | None = None
    category: str | None = None

    def validate(self, max_days: int) -> None:
        """Raise DateRangeError for an inverted or too long range (spec §4.5)."""
        validate_date_range(self.start_date, self.end_date, max_days)

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE terms over SALES_ROWS."""
        conditions = [sales_daily.c.date.between(self.start_date, self.end_date)]
        if self.store_id is not None:
            conditions.append(sales_daily.c.store_id == self.store_id)
        if self.product_id is not None:
            conditions.append(sales_daily.c.product_id == self.product_id)
        if self.category is not None:
            conditions.append(product.c.category == self.category)
        return conditions
