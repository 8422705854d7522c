"""Write resolved sales rows into raw.sales_daily with INSERT ... ON CONFLICT DO UPDATE."""

from __future__ import annotations

from sqlalchemy import Connection, text

from forecastlab.ingest.records import SalesRecord
from forecastlab.ingest.resolve import Grain

# The rows travel as six arrays (six bind parameters whatever the batch size). `channel` is
# not part of the payload: new rows get its default, existing rows keep theirs.
_UPSERT = text(
    """
    insert into raw.sales_daily as t
        (date, store_id, product_id, quantity, unit_price, total_amount)
    select date, store_id, product_id, quantity, unit_price, total_amount
    from unnest(
        cast(:dates as date[]), cast(:store_ids as integer[]), cast(:product_ids as integer[]),
        cast(:quantities as integer[]), cast(:unit_prices as numeric[]),
        cast(:total_amounts as numeric[])
    ) with ordinality as s(date, store_id, product_id, quantity, unit_price, total_amount, ord)
    order by ord
    on conflict (date, store_id, product_id) do update
    set quantity = excluded.quantity,
        unit_price = excluded.unit_price,
        total_amount = excluded.total_amount,
        updated_at = now()
    """
)


def upsert_sales(conn: Connection, rows: dict[Grain, SalesRecord], batch_size: int) -> None:
    """Upsert `rows` in grain order, `batch_size` rows per statement.

    Every writer locks the grain rows in the same (ascending) order, so concurrent batches
    that overlap wait for each other instead of deadlocking.
    """
    ordered = sorted(rows.items(), key=lambda item: item[0])
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        conn.execute(
            _UPSERT,
            {
                "dates": [grain[0] for grain, _ in batch],
                "store_ids": [grain[1] for grain, _ in batch],
                "product_ids": [grain[2] for grain, _ in batch],
                "quantities": [record.quantity for _, record in batch],
                "unit_prices": [record.unit_price for _, record in batch],
                "total_amounts": [record.total_amount for _, record in batch],
            },
        )
