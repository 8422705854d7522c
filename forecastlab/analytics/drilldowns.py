"""`GET /analytics/drilldowns` (spec §4.7): KPI metrics per store, product, category, region
or day, ranked by revenue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, func, null, select

from forecastlab.analytics.metrics import DIVISION, KpiMetrics, totals
from forecastlab.analytics.scope import SALES_ROWS, SalesScope
from forecastlab.analytics.tables import product, sales_daily, store

Dimension = Literal["store", "product", "category", "region", "date"]

# dimension → (group key, shown as dimension_value; surrogate id, shown as dimension_id)
_GROUPS: dict[Dimension, tuple[ColumnElement[Any], ColumnElement[Any]]] = {
    "store": (store.c.code, store.c.id),
    "product": (product.c.sku, product.c.id),
    "category": (product.c.category, null()),
    "region": (store.c.region, null()),
    "date": (func.to_char(sales_daily.c.date, "YYYY-MM-DD"), null()),
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class DrilldownItem:
    """One group: its key, its KPI metrics, its rank by revenue and its share of revenue."""

    dimension_value: str
    dimension_id: int | None
    metrics: KpiMetrics
    rank: int
    revenue_share_pct: Decimal


@dataclass(frozen=True)
class Drilldown:
    """The first `max_items` groups and how many groups there are in all."""

    items: list[DrilldownItem]
    total_items: int


def sales_drilldown(
    engine: Engine,
    scope: SalesScope,
    dimension: Dimension,
    *,
    max_items: int,
    max_range_days: int,
) -> Drilldown:
    """Group the scope's sales rows by `dimension` (rows without a key are left out), order
    the groups by revenue descending then key ascending, and keep the first `max_items`.
    Shares are of the revenue of all groups, in percent, rounded half up to 2 dp."""
    scope.validate(max_range_days)
    key, key_id = _GROUPS[dimension]
    # Group on the columns of a subquery: a bound parameter in the key (to_char's format)
    # would otherwise appear twice, and PostgreSQL cannot match SELECT to GROUP BY.
    rows = (
        select(
            key.label("value"),
            key_id.label("dimension_id"),
            sales_daily.c.total_amount,
            sales_daily.c.quantity,
        )
        .select_from(SALES_ROWS)
        .where(*scope.conditions(), key.is_not(None))
        .subquery()
    )
    groups = (
        select(
            rows.c.value,
            rows.c.dimension_id,
            *totals(rows.c.total_amount, rows.c.quantity),
        )
        .group_by(rows.c.value, rows.c.dimension_id)
        .subquery()
    )
    query = (
        select(
            groups,
            func.sum(groups.c.revenue).over().label("all_revenue"),
            func.count().over().label("all_groups"),
        )
        # Byte order for equal revenue, whatever the database's collation.
        .order_by(groups.c.revenue.desc(), groups.c.value.collate("C"))
        .limit(max_items)
    )
    with engine.connect() as conn:
        found = conn.execute(query).all()
    items = [
        DrilldownItem(
            dimension_value=row.value,
            dimension_id=row.dimension_id,
            metrics=KpiMetrics.from_totals(row.revenue, row.units, row.transactions),
            rank=rank,
            revenue_share_pct=_share(row.revenue, row.all_revenue),
        )
        for rank, row in enumerate(found, start=1)
    ]
    return Drilldown(items, found[0].all_groups if found else 0)


def _share(revenue: Decimal, all_revenue: Decimal) -> Decimal:
    if not all_revenue:
        return Decimal("0.00")
    return DIVISION.divide(revenue * 100, all_revenue).quantize(CENT, rounding=ROUND_HALF_UP)
