"""Write the raw tables of a database as a loadable folder of CSV files (COPY TO, streamed)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from forecastlab.loader.formats import MEMBER_SEPARATOR

# File stem → query with the format's columns. Dimensions in id order, so that loading the
# folder into an empty database gives the same ids; facts in natural-key order.
_QUERIES: dict[str, str] = {
    "stores": "select code as store_code, name, region, city, store_type from raw.store "
    "order by id",
    "products": "select sku, name, category, brand, base_price, base_cost, lifecycle_stage, "
    "launch_date, discontinue_date, pack_size, subcategory from raw.product order by id",
    "calendar": "select date, is_holiday, holiday_name from raw.calendar order by date",
    "sales": "select f.date, st.code as store_code, p.sku, f.quantity, f.unit_price, "
    "f.total_amount, f.channel from raw.sales_daily f join raw.store st on st.id = f.store_id "
    "join raw.product p on p.id = f.product_id order by f.date, st.code, p.sku",
    "inventory": "select f.date, st.code as store_code, p.sku, f.on_hand_qty, f.on_order_qty, "
    "f.is_stockout from raw.inventory_snapshot_daily f join raw.store st on st.id = f.store_id "
    "join raw.product p on p.id = f.product_id order by f.date, st.code, p.sku",
    "prices": "select p.sku, st.code as store_code, f.price, f.valid_from, f.valid_to "
    "from raw.price_history f join raw.product p on p.id = f.product_id "
    "left join raw.store st on st.id = f.store_id order by f.id",
    "promotions": "select p.sku, st.code as store_code, f.name, f.discount_pct, "
    "f.discount_amount, f.start_date, f.end_date, f.kind, "
    "(select string_agg(m.sku, '" + MEMBER_SEPARATOR + "' order by e.ord) "
    "from jsonb_array_elements_text(f.bundle_member_product_ids) with ordinality e(id, ord) "
    "join raw.product m on m.id = e.id::int) as bundle_member_skus "
    "from raw.promotion f join raw.product p on p.id = f.product_id "
    "left join raw.store st on st.id = f.store_id order by f.id",
}


def export_raw(engine: Engine, path: str | Path) -> dict[str, int]:
    """Write raw.* as `<stem>.csv` files into `path` (created if needed), from one
    consistent snapshot; returns rows per file. Empty tables get no file (an empty file is
    invalid input), so without price history a re-load derives prices from the sales."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.transaction(), conn.cursor() as cur:
            # One snapshot for all files: facts never reference a store missing from stores.csv.
            cur.execute("set transaction isolation level repeatable read, read only")
            for stem, query in _QUERIES.items():
                target = folder / f"{stem}.csv"
                with (
                    target.open("wb") as out,
                    cur.copy(f"copy ({query}) to stdout (format csv, header)") as copy,
                ):
                    for block in copy:
                        out.write(block)
                rows = cur.rowcount
                if rows == 0:
                    target.unlink()
                else:
                    written[target.name] = rows
    finally:
        raw.close()
    return written
