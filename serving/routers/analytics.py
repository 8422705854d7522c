"""The /analytics slice (spec §4.5-4.9): KPIs, drilldowns, time series, inventory status.

Reads the raw source tables, so freshly ingested sales count at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from forecastlab.analytics.drilldowns import Dimension, sales_drilldown
from forecastlab.analytics.inventory import inventory_status
from forecastlab.analytics.kpis import sales_kpis
from forecastlab.analytics.scope import SalesScope
from forecastlab.analytics.timeseries import Granularity, sales_timeseries
from forecastlab.wire import DbId, IsoDate, Text
from serving.deps import EngineDep, SettingsDep
from serving.schemas.analytics import (
    DrilldownResponse,
    InventoryStatusResponse,
    KPIResponse,
    TimeseriesResponse,
)

router = APIRouter(prefix="/analytics", tags=["analytics"])

StartDate = Annotated[IsoDate, Query(description="First day (inclusive).")]
EndDate = Annotated[
    IsoDate, Query(description="Last day (inclusive); at most 730 days after start_date.")
]
StoreId = Annotated[DbId | None, Query(description="Only this store.")]
ProductId = Annotated[DbId | None, Query(description="Only this product.")]
Category = Annotated[Text | None, Query(description="Only products of this category (exact).")]
_RANGE_ERRORS = {
    400: {"description": "end_date before start_date, or more than 730 days after it."},
    422: {"description": "A date is missing or malformed, or an enum value is unknown."},
}


@router.get("/kpis", response_model=KPIResponse, responses=_RANGE_ERRORS)
def kpis(
    engine: EngineDep,
    settings: SettingsDep,
    start_date: StartDate,
    end_date: EndDate,
    store_id: StoreId = None,
    product_id: ProductId = None,
    category: Category = None,
) -> KPIResponse:
    """Revenue, units, transactions, average unit price and basket value over a date range."""
    scope = SalesScope(start_date, end_date, store_id, product_id, category)
    metrics = sales_kpis(engine, scope, max_range_days=settings.analytics_max_date_range_days)
    return KPIResponse.model_validate({"metrics": metrics, **vars(scope)})


@router.get("/drilldowns", response_model=DrilldownResponse, responses=_RANGE_ERRORS)
def drilldowns(
    engine: EngineDep,
    settings: SettingsDep,
    dimension: Annotated[Dimension, Query(description="What to group the sales by.")],
    start_date: StartDate,
    end_date: EndDate,
    store_id: StoreId = None,
    product_id: ProductId = None,
    max_items: Annotated[int, Query(ge=1, le=100, description="Groups returned.")] = 20,
) -> DrilldownResponse:
    """KPI metrics per store, product, category, region or day, ranked by revenue."""
    scope = SalesScope(start_date, end_date, store_id, product_id)
    result = sales_drilldown(
        engine,
        scope,
        dimension,
        max_items=max_items,
        max_range_days=settings.analytics_max_date_range_days,
    )
    return DrilldownResponse.model_validate(
        {
            "dimension": dimension,
            "items": result.items,
            "total_items": result.total_items,
            "start_date": start_date,
            "end_date": end_date,
            "store_id": store_id,
            "product_id": product_id,
        }
    )


@router.get("/timeseries", response_model=TimeseriesResponse, responses=_RANGE_ERRORS)
def timeseries(
    engine: EngineDep,
    settings: SettingsDep,
    start_date: StartDate,
    end_date: EndDate,
    granularity: Annotated[Granularity, Query(description="Period length.")] = "day",
    store_id: StoreId = None,
    product_id: ProductId = None,
    category: Category = None,
) -> TimeseriesResponse:
    """Sales totals per day, week, month or quarter (periods without sales are omitted)."""
    scope = SalesScope(start_date, end_date, store_id, product_id, category)
    points = sales_timeseries(
        engine, scope, granularity, max_range_days=settings.analytics_max_date_range_days
    )
    return TimeseriesResponse.model_validate(
        {"granularity": granularity, **vars(scope), "points": points, "total_points": len(points)}
    )


@router.get(
    "/inventory-status",
    response_model=InventoryStatusResponse,
    responses={422: {"description": "store_id or product_id is not a positive integer."}},
)
def inventory(
    engine: EngineDep,
    settings: SettingsDep,
    store_id: StoreId = None,
    product_id: ProductId = None,
) -> InventoryStatusResponse:
    """The latest inventory snapshot of every (store, product); an empty list when none."""
    result = inventory_status(
        engine, store_id=store_id, product_id=product_id, max_rows=settings.analytics_max_rows
    )
    return InventoryStatusResponse.model_validate({"items": result.items, "total": result.total})
