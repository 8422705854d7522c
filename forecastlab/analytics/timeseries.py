"""`GET /analytics/timeseries` (spec §4.8, D-06): sales totals per day, week, month or quarter."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import Date, DateTime, Engine, cast, func, select

from forecastlab.analytics.metrics import ratio, totals
from forecastlab.analytics.scope import SALES_ROWS, SalesScope
from forecastlab.analytics.tables import sales_daily

Granularity = Literal["day", "week", "month", "quarter"]
_MONTHS: dict[Granularity, int] = {"month": 1, "quarter": 3}


@dataclass(frozen=True)
class TimeseriesPoint:
    """The totals of one period that had sales."""

    period_start: date
    period_end: date
    total_revenue: Decimal
    total_units: int
    total_transactions: int
    avg_unit_price: Decimal | None


def sales_timeseries(
    engine: Engine, scope: SalesScope, granularity: Granularity, *, max_range_days: int
) -> list[TimeseriesPoint]:
    """One point per period with sales, oldest first. Periods follow date_trunc (ISO weeks
    from Monday, months, quarters from Jan/Apr/Jul/Oct); the first may start before the
    range, the last ends at its end_date; only in-range rows count; empty periods are
    omitted (no zero fill)."""
    scope.validate(max_range_days)
    rows = (
        select(
            cast(func.date_trunc(granularity, cast(sales_daily.c.date, DateTime)), Date).label(
                "period_start"
            ),
            sales_daily.c.total_amount,
            sales_daily.c.quantity,
        )
        .select_from(SALES_ROWS)
        .where(*scope.conditions())
        .subquery()
    )
    query = (
        select(rows.c.period_start, *totals(rows.c.total_amount, rows.c.quantity))
        .group_by(rows.c.period_start)
        .order_by(rows.c.period_start)
    )
    with engine.connect() as conn:
        found = conn.execute(query).all()
    return [
        TimeseriesPoint(
            period_start=row.period_start,
            period_end=min(period_end(row.period_start, granularity), scope.end_date),
            total_revenue=row.revenue,
            total_units=row.units,
            total_transactions=row.transactions,
            avg_unit_price=ratio(row.revenue, row.units),
        )
        for row in found
    ]


def period_end(start: date, granularity: Granularity) -> date:
    """The last calendar day of the period that begins on `start`."""
    if granularity == "day":
        return start
    if granularity == "week":
        return start + timedelta(days=6)
    month = start.month + _MONTHS[granularity] - 1
    return date(start.year, month, calendar.monthrange(start.year, month)[1])
