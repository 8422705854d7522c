"""Validated model selection: backtest forecasts per fold row, champions' policy and segment,
and the selection-policy comparison.

`ml.backtest_fold_metrics.forecasts` / `.actuals` keep the row's points in horizon-step order,
so an ensemble of candidates can be scored from stored backtests. `ml.champion.policy` says
which selection policy assigned the series its model (or `fallback` for a series too short for
any backtest fold), `segment` the series' volume/intermittency segment.
`ml.selection_policy` holds each policy's score on the held-out fold and which one won.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ML = "ml"


def upgrade() -> None:
    for column in ("forecasts", "actuals"):
        op.add_column(
            "backtest_fold_metrics",
            sa.Column(column, ARRAY(sa.Float(precision=53))),
            schema=ML,
        )
    op.add_column("champion", sa.Column("policy", sa.String(30)), schema=ML)
    op.add_column("champion", sa.Column("segment", sa.String(40)), schema=ML)
    op.add_column("champion", sa.Column("members", ARRAY(sa.String(50))), schema=ML)
    op.create_table(
        "selection_policy",
        sa.Column("policy", sa.String(30), primary_key=True),
        sa.Column("holdout_wape", sa.Float(precision=53)),
        sa.Column("holdout_bias", sa.Float(precision=53)),
        sa.Column("series", sa.Integer, nullable=False),
        sa.Column("chosen", sa.Boolean, nullable=False),
        sa.Column("details", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=ML,
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
