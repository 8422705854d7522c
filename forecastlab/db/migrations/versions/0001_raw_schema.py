"""Schemas raw/ml/app/rag, pgvector, and every source table of spec §1.1-1.2.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RAW = "raw"


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.execute("create extension if not exists vector")
    for schema in ("raw", "ml", "app", "rag"):
        op.execute(f"create schema if not exists {schema}")

    op.create_table(
        "store",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("region", sa.String(50)),
        sa.Column("city", sa.String(50)),
        sa.Column("store_type", sa.String(30)),
        *_timestamps(),
        schema=RAW,
    )
    op.create_index("ix_store_code", "store", ["code"], unique=True, schema=RAW)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("sku", sa.String(50), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(100)),
        sa.Column("brand", sa.String(100)),
        sa.Column("base_price", sa.Numeric(10, 2)),
        sa.Column("base_cost", sa.Numeric(10, 2)),
        sa.Column("lifecycle_stage", sa.String(20)),
        sa.Column("launch_date", sa.Date),
        sa.Column("discontinue_date", sa.Date),
        sa.Column("pack_size", sa.Integer),
        sa.Column("subcategory", sa.String(100)),
        *_timestamps(),
        sa.CheckConstraint(
            "lifecycle_stage is null or lifecycle_stage in "
            "('intro', 'growth', 'maturity', 'decline', 'discontinued')",
            name="ck_product_lifecycle_stage",
        ),
        sa.CheckConstraint(
            "discontinue_date is null or launch_date is null or discontinue_date >= launch_date",
            name="ck_product_discontinue_after_launch",
        ),
        sa.CheckConstraint("pack_size is null or pack_size > 0", name="ck_product_pack_size"),
        schema=RAW,
    )
    op.create_index("ix_product_sku", "product", ["sku"], unique=True, schema=RAW)
    op.create_index("ix_product_category", "product", ["category"], schema=RAW)
    op.create_index("ix_product_subcategory", "product", ["subcategory"], schema=RAW)

    op.create_table(
        "calendar",
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("day_of_week", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("quarter", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("is_holiday", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("holiday_name", sa.String(100)),
        *_timestamps(),
        sa.CheckConstraint("day_of_week between 0 and 6", name="ck_calendar_day_of_week"),
        sa.CheckConstraint("month between 1 and 12", name="ck_calendar_month"),
        sa.CheckConstraint("quarter between 1 and 4", name="ck_calendar_quarter"),
        schema=RAW,
    )
    op.create_index("ix_calendar_year", "calendar", ["year"], schema=RAW)

    op.create_table(
        "sales_daily",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("date", sa.Date, sa.ForeignKey("raw.calendar.date"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id"), nullable=False),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("total_amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False, server_default="in_store"),
        *_timestamps(),
        sa.UniqueConstraint("date", "store_id", "product_id", name="uq_sales_daily_grain"),
        sa.CheckConstraint("quantity >= 0", name="ck_sales_daily_quantity"),
        sa.CheckConstraint("unit_price >= 0", name="ck_sales_daily_unit_price"),
        sa.CheckConstraint("total_amount >= 0", name="ck_sales_daily_total_amount"),
        sa.CheckConstraint(
            "channel in ('in_store', 'online', 'click_collect', 'wholesale')",
            name="ck_sales_daily_channel",
        ),
        schema=RAW,
    )
    op.create_index("ix_sales_daily_store_id", "sales_daily", ["store_id"], schema=RAW)
    op.create_index("ix_sales_daily_product_id", "sales_daily", ["product_id"], schema=RAW)
    op.create_index("ix_sales_daily_date_store", "sales_daily", ["date", "store_id"], schema=RAW)
    op.create_index(
        "ix_sales_daily_date_product", "sales_daily", ["date", "product_id"], schema=RAW
    )
    op.create_index("ix_sales_daily_date_channel", "sales_daily", ["date", "channel"], schema=RAW)

    op.create_table(
        "price_history",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id")),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        *_timestamps(),
        sa.CheckConstraint("price >= 0", name="ck_price_history_price"),
        sa.CheckConstraint(
            "valid_to is null or valid_to >= valid_from", name="ck_price_history_validity"
        ),
        schema=RAW,
    )
    op.create_index("ix_price_history_product_id", "price_history", ["product_id"], schema=RAW)
    op.create_index("ix_price_history_store_id", "price_history", ["store_id"], schema=RAW)
    op.create_index("ix_price_history_valid_from", "price_history", ["valid_from"], schema=RAW)
    op.create_index(
        "ix_price_history_product_validity",
        "price_history",
        ["product_id", "valid_from", "valid_to"],
        schema=RAW,
    )

    op.create_table(
        "promotion",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("discount_pct", sa.Numeric(5, 4)),
        sa.Column("discount_amount", sa.Numeric(10, 2)),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False, server_default="pct_off"),
        sa.Column("bundle_member_product_ids", JSONB),
        *_timestamps(),
        sa.CheckConstraint(
            "discount_pct is null or (discount_pct >= 0 and discount_pct <= 1)",
            name="ck_promotion_discount_pct",
        ),
        sa.CheckConstraint(
            "discount_amount is null or discount_amount >= 0", name="ck_promotion_discount_amount"
        ),
        sa.CheckConstraint("end_date >= start_date", name="ck_promotion_dates"),
        sa.CheckConstraint(
            "kind in ('pct_off', 'bogo', 'bundle', 'markdown')", name="ck_promotion_kind"
        ),
        sa.CheckConstraint(
            "(bundle_member_product_ids is not null) = (kind in ('bundle', 'bogo'))",
            name="ck_promotion_bundle_members",
        ),
        schema=RAW,
    )
    op.create_index("ix_promotion_product_id", "promotion", ["product_id"], schema=RAW)
    op.create_index("ix_promotion_store_id", "promotion", ["store_id"], schema=RAW)
    op.create_index("ix_promotion_start_date", "promotion", ["start_date"], schema=RAW)
    op.create_index(
        "ix_promotion_product_dates",
        "promotion",
        ["product_id", "start_date", "end_date"],
        schema=RAW,
    )

    op.create_table(
        "inventory_snapshot_daily",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("date", sa.Date, sa.ForeignKey("raw.calendar.date"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id"), nullable=False),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("on_hand_qty", sa.Integer, nullable=False),
        sa.Column("on_order_qty", sa.Integer, nullable=False, server_default="0"),
        sa.Column("is_stockout", sa.Boolean, nullable=False, server_default=sa.false()),
        *_timestamps(),
        sa.UniqueConstraint(
            "date", "store_id", "product_id", name="uq_inventory_snapshot_daily_grain"
        ),
        sa.CheckConstraint("on_hand_qty >= 0", name="ck_inventory_on_hand"),
        sa.CheckConstraint("on_order_qty >= 0", name="ck_inventory_on_order"),
        schema=RAW,
    )
    op.create_index(
        "ix_inventory_snapshot_daily_store_id", "inventory_snapshot_daily", ["store_id"], schema=RAW
    )
    op.create_index(
        "ix_inventory_snapshot_daily_product_id",
        "inventory_snapshot_daily",
        ["product_id"],
        schema=RAW,
    )
    op.create_index(
        "ix_inventory_snapshot_date_store",
        "inventory_snapshot_daily",
        ["date", "store_id"],
        schema=RAW,
    )

    op.create_table(
        "exogenous_signal",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("date", sa.Date, sa.ForeignKey("raw.calendar.date"), nullable=False),
        sa.Column("signal_name", sa.String(50), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id")),
        sa.Column("is_global", sa.Boolean, nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "(is_global and store_id is null) or (not is_global and store_id is not null)",
            name="ck_exogenous_signal_scope",
        ),
        schema=RAW,
    )
    op.create_index("ix_exogenous_signal_date", "exogenous_signal", ["date"], schema=RAW)
    op.create_index("ix_exogenous_signal_name", "exogenous_signal", ["signal_name"], schema=RAW)
    op.create_index("ix_exogenous_signal_store_id", "exogenous_signal", ["store_id"], schema=RAW)
    op.create_index(
        "ix_exogenous_signal_name_date", "exogenous_signal", ["signal_name", "date"], schema=RAW
    )
    op.create_index(
        "uq_exogenous_signal_global",
        "exogenous_signal",
        ["date", "signal_name"],
        unique=True,
        postgresql_where=sa.text("is_global"),
        schema=RAW,
    )
    op.create_index(
        "uq_exogenous_signal_store",
        "exogenous_signal",
        ["date", "signal_name", "store_id"],
        unique=True,
        postgresql_where=sa.text("not is_global"),
        schema=RAW,
    )

    op.create_table(
        "sales_returns",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("date", sa.Date, sa.ForeignKey("raw.calendar.date"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id"), nullable=False),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("return_quantity", sa.Integer, nullable=False),
        sa.Column("return_reason", sa.String(50)),
        *_timestamps(),
        sa.CheckConstraint("return_quantity >= 1", name="ck_sales_returns_quantity"),
        schema=RAW,
    )
    op.create_index("ix_sales_returns_store_id", "sales_returns", ["store_id"], schema=RAW)
    op.create_index("ix_sales_returns_product_id", "sales_returns", ["product_id"], schema=RAW)
    op.create_index("ix_sales_returns_date", "sales_returns", ["date"], schema=RAW)
    op.create_index(
        "ix_sales_returns_grain", "sales_returns", ["store_id", "product_id", "date"], schema=RAW
    )

    op.create_table(
        "replenishment_event",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("date", sa.Date, sa.ForeignKey("raw.calendar.date"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("raw.store.id"), nullable=False),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("raw.product.id"), nullable=False),
        sa.Column("lead_time_days", sa.Integer, nullable=False),
        sa.Column("ordered_qty", sa.Integer, nullable=False),
        sa.Column("received_qty", sa.Integer, nullable=False),
        *_timestamps(),
        sa.CheckConstraint("lead_time_days >= 0", name="ck_replenishment_lead_time"),
        sa.CheckConstraint("ordered_qty >= 0", name="ck_replenishment_ordered"),
        sa.CheckConstraint("received_qty >= 0", name="ck_replenishment_received"),
        sa.CheckConstraint("received_qty <= ordered_qty", name="ck_replenishment_fill"),
        schema=RAW,
    )
    op.create_index("ix_replenishment_event_date", "replenishment_event", ["date"], schema=RAW)
    op.create_index(
        "ix_replenishment_event_store_id", "replenishment_event", ["store_id"], schema=RAW
    )
    op.create_index(
        "ix_replenishment_event_product_id", "replenishment_event", ["product_id"], schema=RAW
    )
    op.create_index(
        "ix_replenishment_event_grain",
        "replenishment_event",
        ["store_id", "product_id", "date"],
        schema=RAW,
    )

    # The Forge records what it generated (window, preset, seed) so `seed append` can extend it.
    op.create_table(
        "seed_run",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("preset", sa.String(40), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("config", JSONB, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False, server_default="generate"),
        *_timestamps(),
        sa.CheckConstraint("kind in ('generate', 'append')", name="ck_seed_run_kind"),
        schema="app",
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
