"""`ingest_sales_daily`: the whole of spec §3.2 in one transaction."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import Engine, text

from forecastlab.ingest.records import IngestResult, SalesRecord
from forecastlab.ingest.resolve import check_rows, resolve_keys
from forecastlab.ingest.upsert import upsert_sales


def ingest_sales_daily(
    engine: Engine,
    records: Sequence[SalesRecord],
    *,
    batch_size: int,
    timeout_seconds: int,
) -> IngestResult:
    """Resolve the records' natural keys, skip (and report) the rows that do not resolve, and
    upsert the rest by grain. Partial success: bad rows never block good ones; a database
    failure rolls the whole batch back. Statements time out after `timeout_seconds`."""
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text("select set_config('statement_timeout', :timeout, true)"),
            {"timeout": f"{timeout_seconds}s"},
        )
        rows, errors = check_rows(records, resolve_keys(conn, records))
        upsert_sales(conn, rows, batch_size)
    return IngestResult(
        # Collapsed duplicates count as processed (D-05): every record that resolved.
        processed_count=len(records) - len(errors),
        rejected_count=len(errors),
        total_received=len(records),
        errors=errors,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
