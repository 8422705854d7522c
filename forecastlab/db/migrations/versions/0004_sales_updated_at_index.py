"""Index raw.sales_daily(updated_at): the ingest sensor's "what changed since" query.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `ingested_sales_sensor` ticks every minute and asks for the rows updated since its cursor;
    # without an index that is a full scan of the largest table on every tick.
    op.create_index("ix_sales_daily_updated_at", "sales_daily", ["updated_at"], schema="raw")


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
