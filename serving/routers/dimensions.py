"""The /dimensions slice (spec §4.1-4.4): stores and products."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from forecastlab.analytics.dimensions import (
    ProductFilters,
    StoreFilters,
    get_product,
    get_store,
    list_products,
    list_stores,
)
from forecastlab.analytics.paging import PageRequest
from forecastlab.wire import DbId, SearchText, Text
from serving.deps import EngineDep
from serving.params import Order, PageNumber, PageSize
from serving.schemas.dimensions import (
    ProductListResponse,
    ProductResponse,
    StoreListResponse,
    StoreResponse,
)

router = APIRouter(prefix="/dimensions", tags=["dimensions"])

Search = Annotated[
    SearchText | None, Query(description="Case-insensitive substring (2+ characters).")
]
_NOT_FOUND = {404: {"description": "No such id; list the available ones first."}}
_LIST_ERRORS = {422: {"description": "search shorter than 2, page bounds, bad sort_order."}}


@router.get("/stores", response_model=StoreListResponse, responses=_LIST_ERRORS)
def stores(
    engine: EngineDep,
    page: PageNumber = 1,
    page_size: PageSize = 20,
    region: Text | None = None,
    store_type: Text | None = None,
    search: Search = None,
    sort_by: Annotated[
        str | None,
        Query(
            description="code (default), name, region, city, store_type, created_at or id; "
            "an unknown name sorts by code."
        ),
    ] = None,
    sort_order: Order = "asc",
) -> StoreListResponse:
    """List stores, filtered by region / store type / search over code and name."""
    result = list_stores(
        engine,
        StoreFilters(region=region, store_type=store_type, search=search),
        PageRequest(page, page_size),
        sort_by,
        sort_order,
    )
    return StoreListResponse.model_validate(
        {"stores": result.rows, "total": result.total, "page": page, "page_size": page_size}
    )


@router.get("/stores/{store_id}", response_model=StoreResponse, responses=_NOT_FOUND)
def store(store_id: DbId, engine: EngineDep) -> StoreResponse:
    """One store by id."""
    return StoreResponse.model_validate(get_store(engine, store_id))


@router.get("/products", response_model=ProductListResponse, responses=_LIST_ERRORS)
def products(
    engine: EngineDep,
    page: PageNumber = 1,
    page_size: PageSize = 20,
    category: Text | None = None,
    brand: Text | None = None,
    search: Search = None,
    sort_by: Annotated[
        str | None,
        Query(
            description="sku (default), name, category, brand, base_price, created_at or id; "
            "an unknown name sorts by sku."
        ),
    ] = None,
    sort_order: Order = "asc",
) -> ProductListResponse:
    """List products, filtered by category / brand / search over SKU and name."""
    result = list_products(
        engine,
        ProductFilters(category=category, brand=brand, search=search),
        PageRequest(page, page_size),
        sort_by,
        sort_order,
    )
    return ProductListResponse.model_validate(
        {"products": result.rows, "total": result.total, "page": page, "page_size": page_size}
    )


@router.get("/products/{product_id}", response_model=ProductResponse, responses=_NOT_FOUND)
def product(product_id: DbId, engine: EngineDep) -> ProductResponse:
    """One product by id."""
    return ProductResponse.model_validate(get_product(engine, product_id))
