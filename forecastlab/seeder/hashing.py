"""Content hashes of the raw tables, for determinism and idempotency checks."""

from __future__ import annotations

import hashlib

import psycopg
from sqlalchemy import Engine

from forecastlab.db.stats import RAW_TABLES

# Natural keys lead the sort; the remaining columns break ties (e.g. two returns a day).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "store": ("code",),
    "product": ("sku",),
    "calendar": ("date",),
    "price_history": ("product_id", "store_id", "valid_from"),
    "promotion": ("product_id", "store_id", "start_date", "kind"),
    "inventory_snapshot_daily": ("date", "store_id", "product_id"),
    "sales_daily": ("date", "store_id", "product_id"),
    "exogenous_signal": ("signal_name", "date", "store_id"),
    "sales_returns": ("date", "store_id", "product_id"),
    "replenishment_event": ("date", "store_id", "product_id"),
}
EXCLUDED_COLUMNS = frozenset({"id", "created_at", "updated_at"})


def table_hashes(engine: Engine) -> dict[str, str]:
    """SHA-256 per raw table over its rows sorted by natural key, without id/timestamps."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            return {table: _table_hash(cur, table) for table in RAW_TABLES}
    finally:
        raw.rollback()
        raw.close()


def _table_hash(cur: psycopg.Cursor, table: str) -> str:
    cur.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = %s order by ordinal_position",
        (table,),
    )
    columns = [name for (name,) in cur.fetchall() if name not in EXCLUDED_COLUMNS]
    order = [*NATURAL_KEYS[table], *(c for c in columns if c not in NATURAL_KEYS[table])]
    digest = hashlib.sha256()
    query = (
        f"copy (select {', '.join(columns)} from raw.{table} order by {', '.join(order)}) to stdout"
    )
    with cur.copy(query) as copy:
        for block in copy:
            digest.update(block)
    return digest.hexdigest()
