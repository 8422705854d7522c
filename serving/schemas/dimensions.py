"""Response bodies of `/dimensions` (spec §4.1-4.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import ConfigDict

from serving.schemas.base import ApiModel, page_example

_STORE_EXAMPLE = {
    "id": 1,
    "code": "S0001",
    "name": "Store 1 North",
    "region": "North",
    "city": "Springfield",
    "store_type": "supermarket",
    "created_at": "2025-06-30T08:00:00+00:00",
    "updated_at": "2025-06-30T08:00:00+00:00",
}
_PRODUCT_EXAMPLE = {
    "id": 1,
    "sku": "SKU-10001",
    "name": "Organic Whole Milk 1L",
    "category": "Dairy",
    "brand": "FreshFarm",
    "base_price": "4.99",
    "base_cost": "2.75",
    "created_at": "2025-06-30T08:00:00+00:00",
    "updated_at": "2025-06-30T08:00:00+00:00",
    "subcategory": None,
    "pack_size": None,
    "lifecycle_stage": None,
    "launch_date": None,
    "discontinue_date": None,
}


class StoreResponse(ApiModel):
    """A store."""

    model_config = ConfigDict(json_schema_extra={"examples": [_STORE_EXAMPLE]})

    id: int
    code: str
    name: str
    region: str | None
    city: str | None
    store_type: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class StoreListResponse(ApiModel):
    """One page of stores; `total` counts every store matching the filters."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [page_example("stores", _STORE_EXAMPLE)]}
    )

    stores: list[StoreResponse]
    total: int
    page: int
    page_size: int


class ProductResponse(ApiModel):
    """A product; money as decimal strings, retail-depth attributes null when unknown."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PRODUCT_EXAMPLE]})

    id: int
    sku: str
    name: str
    category: str | None
    brand: str | None
    base_price: Decimal | None
    base_cost: Decimal | None
    created_at: dt.datetime
    updated_at: dt.datetime
    subcategory: str | None = None
    pack_size: int | None = None
    lifecycle_stage: str | None = None
    launch_date: dt.date | None = None
    discontinue_date: dt.date | None = None


class ProductListResponse(ApiModel):
    """One page of products; `total` counts every product matching the filters."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [page_example("products", _PRODUCT_EXAMPLE)]}
    )

    products: list[ProductResponse]
    total: int
    page: int
    page_size: int
