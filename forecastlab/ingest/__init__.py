"""Ingest daily sales by natural keys (spec §3): resolve codes, report bad rows, upsert the rest.

`ingest_sales_daily` is the one implementation behind `POST /ingest/sales-daily`;
`sales_changes` tells the pipeline which days of raw.sales_daily changed since a cursor.
"""

from forecastlab.ingest.changes import SalesChanges, sales_changes
from forecastlab.ingest.records import IngestResult, RowError, SalesRecord
from forecastlab.ingest.service import ingest_sales_daily

__all__ = [
    "IngestResult",
    "RowError",
    "SalesChanges",
    "SalesRecord",
    "ingest_sales_daily",
    "sales_changes",
]
