"""Table app.job_result: what a `/jobs` Dagster run produced (its result or its error).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APP = "app"


def upgrade() -> None:
    # Dagster owns the run itself (status, times, run config); the job's step writes one row here
    # when it finishes, keyed by the Dagster run id.
    op.create_table(
        "job_result",
        sa.Column("job_id", sa.String(64), primary_key=True),
        sa.Column("job_type", sa.String(20), nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("result", JSONB),
        sa.Column("error_message", sa.String(2000)),
        sa.Column("error_type", sa.String(100)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint(
            "job_type in ('train', 'predict', 'backtest')", name="ck_job_result_job_type"
        ),
        schema=APP,
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
