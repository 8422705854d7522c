"""Request and response bodies of `POST /ingest/sales-daily` (spec §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Final

from pydantic import AfterValidator, ConfigDict, Field

from forecastlab.ingest import SalesRecord
from forecastlab.ingest.records import ErrorCode
from forecastlab.wire import IsoDate, no_nul
from serving.schemas.base import ApiModel, StrictRequest

MAX_RECORDS: Final[int] = 10_000
# FastAPI validates the parsed JSON in Python mode, where strict mode refuses strings: decimals
# opt out of it (one may arrive as "4.99" or 4.99), the rest stays strict. max_digits keeps
# values inside NUMERIC(10,2) / NUMERIC(12,2), so they fail here with a 422, not in the database.
UnitPrice = Annotated[
    Decimal, Field(strict=False, ge=0, max_digits=10, decimal_places=2, examples=["4.99"])
]
TotalAmount = Annotated[
    Decimal, Field(strict=False, ge=0, max_digits=12, decimal_places=2, examples=["59.88"])
]

_RECORD_EXAMPLE: Final = {
    "date": "2025-06-30",
    "store_code": "S0001",
    "sku": "SKU-10001",
    "quantity": 12,
    "unit_price": "4.99",
    "total_amount": "59.88",
}
_ROW_ERROR_EXAMPLE: Final = {
    "row_index": 3,
    "store_code": "S9999",
    "sku": "SKU-10001",
    "date": "2025-06-30",
    "error_code": "UNKNOWN_STORE",
    "error_message": "Store code 'S9999' not found",
}


class SalesRecordIn(StrictRequest):
    """One day of sales of one product in one store, by natural keys."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RECORD_EXAMPLE]})

    date: IsoDate
    store_code: Annotated[str, Field(min_length=1, max_length=20), AfterValidator(no_nul)]
    sku: Annotated[str, Field(min_length=1, max_length=50), AfterValidator(no_nul)]
    quantity: int = Field(ge=0, le=2_147_483_647)
    unit_price: UnitPrice
    total_amount: TotalAmount = Field(
        description="Accepted as sent (not checked against quantity x unit_price)."
    )

    def to_record(self) -> SalesRecord:
        """The domain record."""
        return SalesRecord(**self.model_dump())


class SalesIngestRequest(StrictRequest):
    """Body of `POST /ingest/sales-daily`: 1 to 10,000 records."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"records": [_RECORD_EXAMPLE]}]})

    records: list[SalesRecordIn] = Field(min_length=1, max_length=MAX_RECORDS)


class IngestRowError(ApiModel):
    """A record that was skipped: its 0-based position, its keys and why."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ROW_ERROR_EXAMPLE]})

    row_index: int
    store_code: str
    sku: str
    date: dt.date
    error_code: ErrorCode
    error_message: str


class SalesIngestResponse(ApiModel):
    """What an ingest wrote: `processed_count` rows written (inserted or updated, duplicates
    within the batch included), `rejected_count` rows skipped with their errors."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "processed_count": 998,
                    "rejected_count": 2,
                    "total_received": 1000,
                    "errors": [_ROW_ERROR_EXAMPLE],
                    "duration_ms": 41.27,
                }
            ]
        }
    )

    processed_count: int
    rejected_count: int
    total_received: int
    errors: list[IngestRowError]
    duration_ms: float
