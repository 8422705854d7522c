"""Natural keys → surrogate ids: one query per key set, then the per-row checks of spec §3.2."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from forecastlab.ingest.records import ErrorCode, RowError, SalesRecord

# (date, store_id, product_id): the grain of raw.sales_daily.
Grain = tuple[date, int, int]


@dataclass(frozen=True)
class KnownKeys:
    """The store ids, product ids and calendar days a batch's natural keys resolve to."""

    store_ids: dict[str, int]
    product_ids: dict[str, int]
    dates: frozenset[date]


def resolve_keys(conn: Connection, records: Sequence[SalesRecord]) -> KnownKeys:
    """Look up the batch's distinct store codes, SKUs and dates (three queries in all)."""
    codes = sorted({r.store_code for r in records})
    skus = sorted({r.sku for r in records})
    days = sorted({r.date for r in records})
    stores = conn.execute(
        text("select code, id from raw.store where code = any(:codes)"), {"codes": codes}
    )
    products = conn.execute(
        text("select sku, id from raw.product where sku = any(:skus)"), {"skus": skus}
    )
    calendar = conn.execute(
        text("select date from raw.calendar where date = any(:days)"), {"days": days}
    )
    return KnownKeys(
        store_ids=dict(stores.tuples().all()),
        product_ids=dict(products.tuples().all()),
        dates=frozenset(calendar.scalars().all()),
    )


def check_rows(
    records: Sequence[SalesRecord], keys: KnownKeys
) -> tuple[dict[Grain, SalesRecord], list[RowError]]:
    """Split the records into rows to write, keyed by grain (a later duplicate replaces an
    earlier one, D-05), and errors (the first failing check of a row wins)."""
    rows: dict[Grain, SalesRecord] = {}
    errors: list[RowError] = []
    for index, record in enumerate(records):
        store_id = keys.store_ids.get(record.store_code)
        product_id = keys.product_ids.get(record.sku)
        if store_id is None:
            code: ErrorCode = "UNKNOWN_STORE"
            message = f"Store code {record.store_code!r} not found"
        elif product_id is None:
            code, message = "UNKNOWN_PRODUCT", f"Product SKU {record.sku!r} not found"
        elif record.date not in keys.dates:
            code, message = "UNKNOWN_DATE", f"Date {record.date.isoformat()} not in the calendar"
        else:
            rows[(record.date, store_id, product_id)] = record
            continue
        errors.append(RowError(index, record.store_code, record.sku, record.date, code, message))
    return rows, errors
