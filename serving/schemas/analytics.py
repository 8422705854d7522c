"""Response bodies of `/analytics` (spec §4.6-4.9); money leaves as decimal strings (D-23)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import ConfigDict, Field

from forecastlab.analytics.drilldowns import Dimension
from forecastlab.analytics.timeseries import Granularity
from serving.schemas.base import ApiModel

_METRICS_EXAMPLE = {
    "total_revenue": "1234.50",
    "total_units": 321,
    "total_transactions": 70,
    "avg_unit_price": "3.845794392523364485981308411",
    "avg_basket_value": "17.63571428571428571428571429",
}
_DRILLDOWN_ITEM_EXAMPLE = {
    "dimension_value": "S0001",
    "dimension_id": 1,
    "metrics": _METRICS_EXAMPLE,
    "rank": 1,
    "revenue_share_pct": "62.41",
}
_TIMESERIES_POINT_EXAMPLE = {
    "period_start": "2025-05-26",
    "period_end": "2025-06-01",
    "total_revenue": "1234.50",
    "total_units": 321,
    "total_transactions": 70,
    "avg_unit_price": "3.845794392523364485981308411",
}
_INVENTORY_ITEM_EXAMPLE = {
    "store_id": 3,
    "product_id": 17,
    "date": "2025-06-30",
    "on_hand_qty": 412,
    "on_order_qty": 0,
    "is_stockout": False,
    "store_code": "S0003",
    "sku": "SKU-10017",
}


class KPIMetrics(ApiModel):
    """Revenue, units, transactions (one sales row each, D-28) and the two averages (null when
    their divisor is 0; unrounded decimal division)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_METRICS_EXAMPLE]})

    total_revenue: Decimal
    total_units: int
    total_transactions: int
    avg_unit_price: Decimal | None
    avg_basket_value: Decimal | None


class KPIResponse(ApiModel):
    """The KPI metrics of a date range, with the filters echoed (null when absent)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "metrics": _METRICS_EXAMPLE,
                    "start_date": "2025-06-01",
                    "end_date": "2025-06-30",
                    "store_id": None,
                    "product_id": None,
                    "category": None,
                }
            ]
        }
    )

    metrics: KPIMetrics
    start_date: dt.date
    end_date: dt.date
    store_id: int | None
    product_id: int | None
    category: str | None


class DrilldownItem(ApiModel):
    """One group: its key (an ISO date for `date`), its id (stores, products), metrics, rank
    by revenue and share of the revenue of all groups in percent (2 dp)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DRILLDOWN_ITEM_EXAMPLE]})

    dimension_value: str
    dimension_id: int | None
    metrics: KPIMetrics
    rank: int
    revenue_share_pct: Decimal


class DrilldownResponse(ApiModel):
    """The top groups by revenue; `total_items` counts every group before the max_items cut."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dimension": "store",
                    "items": [_DRILLDOWN_ITEM_EXAMPLE],
                    "total_items": 2,
                    "start_date": "2025-06-01",
                    "end_date": "2025-06-30",
                    "store_id": None,
                    "product_id": None,
                }
            ]
        }
    )

    dimension: Dimension
    items: list[DrilldownItem]
    total_items: int
    start_date: dt.date
    end_date: dt.date
    store_id: int | None
    product_id: int | None


class TimeseriesPoint(ApiModel):
    """The totals of one period with sales; period_end is clipped to the range's end."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TIMESERIES_POINT_EXAMPLE]})

    period_start: dt.date
    period_end: dt.date
    total_revenue: Decimal
    total_units: int
    total_transactions: int
    avg_unit_price: Decimal | None


class TimeseriesResponse(ApiModel):
    """Points oldest first, one per period that had sales (no zero fill, D-06)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "granularity": "week",
                    "start_date": "2025-06-01",
                    "end_date": "2025-06-30",
                    "store_id": None,
                    "product_id": None,
                    "category": None,
                    "points": [_TIMESERIES_POINT_EXAMPLE],
                    "total_points": 1,
                }
            ]
        }
    )

    granularity: Granularity
    start_date: dt.date
    end_date: dt.date
    store_id: int | None
    product_id: int | None
    category: str | None
    points: list[TimeseriesPoint]
    total_points: int


class InventoryStatusItem(ApiModel):
    """The latest snapshot of one (store, product)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_INVENTORY_ITEM_EXAMPLE]})

    store_id: int
    product_id: int
    date: dt.date
    on_hand_qty: int
    on_order_qty: int
    is_stockout: bool
    store_code: str | None = None
    sku: str | None = None


class InventoryStatusResponse(ApiModel):
    """Latest snapshots by (store_id, product_id); `total` counts every pair with a snapshot
    (items stop at analytics_max_rows)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [_INVENTORY_ITEM_EXAMPLE],
                    "total": 1,
                }
            ]
        }
    )

    items: list[InventoryStatusItem] = Field(default_factory=list)
    total: int
