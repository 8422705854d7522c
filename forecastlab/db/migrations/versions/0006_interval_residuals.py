"""Prediction intervals: backtest residuals per fold and bucket, the level of stored bounds.

`ml.backtest_fold_metrics.abs_errors` keeps the sorted absolute errors |actual - forecast| of
the row's (series, model, fold, bucket), the same grain as its error sums and written with them:
the portfolio's split-conformal calibration reads its champions' residuals from there.
`ml.forecasts.interval_level` is the level its lower/upper bounds were computed at.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ML = "ml"


def upgrade() -> None:
    # Nullable: rows written before this revision have no residuals (no interval from them).
    op.add_column(
        "backtest_fold_metrics",
        sa.Column("abs_errors", ARRAY(sa.Float(precision=53))),
        schema=ML,
    )
    op.add_column("forecasts", sa.Column("interval_level", sa.Float(precision=53)), schema=ML)
    op.create_check_constraint(
        "ck_forecasts_interval_level",
        "forecasts",
        "interval_level is null or (interval_level > 0 and interval_level < 1)",
        schema=ML,
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
