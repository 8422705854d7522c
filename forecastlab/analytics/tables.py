"""The raw tables these queries read, as lightweight SQLAlchemy table clauses (the schema
itself is owned by the Alembic migrations)."""

from __future__ import annotations

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, column, table

store = table(
    "store",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("region", String),
    column("city", String),
    column("store_type", String),
    column("created_at", DateTime(timezone=True)),
    column("updated_at", DateTime(timezone=True)),
    schema="raw",
)

product = table(
    "product",
    column("id", Integer),
    column("sku", String),
    column("name", String),
    column("category", String),
    column("brand", String),
    column("base_price", Numeric(10, 2)),
    column("base_cost", Numeric(10, 2)),
    column("subcategory", String),
    column("pack_size", Integer),
    column("lifecycle_stage", String),
    column("launch_date", Date),
    column("discontinue_date", Date),
    column("created_at", DateTime(timezone=True)),
    column("updated_at", DateTime(timezone=True)),
    schema="raw",
)

sales_daily = table(
    "sales_daily",
    column("id", Integer),
    column("date", Date),
    column("store_id", Integer),
    column("product_id", Integer),
    column("quantity", Integer),
    column("unit_price", Numeric(10, 2)),
    column("total_amount", Numeric(12, 2)),
    schema="raw",
)

inventory_snapshot_daily = table(
    "inventory_snapshot_daily",
    column("id", Integer),
    column("date", Date),
    column("store_id", Integer),
    column("product_id", Integer),
    column("on_hand_qty", Integer),
    column("on_order_qty", Integer),
    column("is_stockout", Boolean),
    schema="raw",
)
