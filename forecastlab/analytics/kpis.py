"""`GET /analytics/kpis` (spec §4.6): the KPI metrics of a sales scope."""

from __future__ import annotations

from sqlalchemy import Engine, select

from forecastlab.analytics.metrics import KpiMetrics, totals
from forecastlab.analytics.scope import SALES_ROWS, SalesScope
from forecastlab.analytics.tables import sales_daily


def sales_kpis(engine: Engine, scope: SalesScope, *, max_range_days: int) -> KpiMetrics:
    """Revenue, units, transactions and averages over the scope's sales rows (zeros and
    null averages when there are none)."""
    scope.validate(max_range_days)
    query = (
        select(*totals(sales_daily.c.total_amount, sales_daily.c.quantity))
        .select_from(SALES_ROWS)
        .where(*scope.conditions())
    )
    with engine.connect() as conn:
        revenue, units, transactions = conn.execute(query).one()
    return KpiMetrics.from_totals(revenue, units, transactions)
