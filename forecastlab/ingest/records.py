"""What goes in and comes out of a sales ingest: records, per-row errors, the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

ErrorCode = Literal["UNKNOWN_STORE", "UNKNOWN_PRODUCT", "UNKNOWN_DATE"]


@dataclass(frozen=True)
class SalesRecord:
    """One day of one product in one store, named by natural keys (already schema-valid)."""

    date: date
    store_code: str
    sku: str
    quantity: int
    unit_price: Decimal
    total_amount: Decimal


@dataclass(frozen=True)
class RowError:
    """Why the record at `row_index` (0-based, request order) was skipped."""

    row_index: int
    store_code: str
    sku: str
    date: date
    error_code: ErrorCode
    error_message: str


@dataclass(frozen=True)
class IngestResult:
    """Counts of one ingest: written rows (inserted or updated, collapsed duplicates included)
    and rejected rows, with the rejections and the wall time in milliseconds (2 dp)."""

    processed_count: int
    rejected_count: int
    total_received: int
    errors: list[RowError] = field(default_factory=list)
    duration_ms: float = 0.0
