"""The KPI formulas of spec §4.6, shared by KPIs, drilldowns and time series (D-23, D-28)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Label, func

# Averages use Decimal division in the default 28-digit context, unrounded (D-23). An explicit
# context: the thread's current one may have been changed by other code.
DIVISION = Context(prec=28)


def totals(amount: ColumnElement[Any], quantity: ColumnElement[Any]) -> tuple[Label[Any], ...]:
    """Aggregates `revenue`, `units` and `transactions` (one sales row = one transaction)."""
    return (
        func.coalesce(func.sum(amount), 0).label("revenue"),
        func.coalesce(func.sum(quantity), 0).label("units"),
        func.count().label("transactions"),
    )


@dataclass(frozen=True)
class KpiMetrics:
    """Revenue, units, transactions and the two averages over a set of sales rows."""

    total_revenue: Decimal
    total_units: int
    total_transactions: int
    avg_unit_price: Decimal | None
    avg_basket_value: Decimal | None

    @classmethod
    def from_totals(cls, revenue: Decimal, units: int, transactions: int) -> KpiMetrics:
        """The metrics of the three totals; an average is None when its divisor is 0."""
        return cls(
            total_revenue=revenue,
            total_units=units,
            total_transactions=transactions,
            avg_unit_price=ratio(revenue, units),
            avg_basket_value=ratio(revenue, transactions),
        )


def ratio(numerator: Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator in the 28-digit context, None when the denominator is 0."""
    return DIVISION.divide(numerator, Decimal(denominator)) if denominator else None
