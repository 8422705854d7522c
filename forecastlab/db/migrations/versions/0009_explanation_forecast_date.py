"""app.forecast_explanation.forecast_date: which day an explanation is about.

The contributions endpoint explains every day of a horizon from one cutoff, so `as_of_date`
alone cannot tell its rows apart.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("forecast_explanation", sa.Column("forecast_date", sa.Date), schema="app")
    # Rows written before this column explained the day after their cutoff.
    op.execute(
        "update app.forecast_explanation set forecast_date = as_of_date + 1 "
        "where forecast_date is null"
    )
    op.alter_column("forecast_explanation", "forecast_date", nullable=False, schema="app")


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
