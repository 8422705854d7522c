"""Schema ml: backtest fold metrics, champions per series, batch forecasts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ML = "ml"


def upgrade() -> None:
    # One row per (series, model, fold, horizon bucket): enough to re-aggregate any metric
    # exactly (WAPE needs the sums, not the per-fold ratio) for leaderboards, champion selection
    # and the held-out check.
    op.create_table(
        "backtest_fold_metrics",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("shard", sa.String(20), nullable=False),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("product_id", sa.Integer, nullable=False),
        sa.Column("model", sa.String(50), nullable=False),
        sa.Column("fold", sa.Integer, nullable=False),
        sa.Column("bucket", sa.String(12), nullable=False),
        sa.Column("cutoff", sa.Date, nullable=False),
        sa.Column("n_points", sa.Integer, nullable=False),
        sa.Column("abs_error_sum", sa.Float(precision=53), nullable=False),
        sa.Column("sq_error_sum", sa.Float(precision=53), nullable=False),
        sa.Column("abs_actual_sum", sa.Float(precision=53), nullable=False),
        sa.Column("error_sum", sa.Float(precision=53), nullable=False),
        sa.Column("smape_sum", sa.Float(precision=53), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint(
            "store_id", "product_id", "model", "fold", "bucket", name="uq_backtest_fold_metrics"
        ),
        schema=ML,
    )
    op.create_index("ix_backtest_fold_metrics_shard", "backtest_fold_metrics", ["shard"], schema=ML)
    op.create_index(
        "ix_backtest_fold_metrics_model", "backtest_fold_metrics", ["model", "fold"], schema=ML
    )

    op.create_table(
        "champion",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("product_id", sa.Integer, primary_key=True),
        sa.Column("model", sa.String(50), nullable=False),
        sa.Column("selection_wape", sa.Float(precision=53)),
        sa.Column("seasonal_naive_wape", sa.Float(precision=53)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=ML,
    )

    op.create_table(
        "forecasts",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("product_id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("forecast", sa.Float(precision=53), nullable=False),
        sa.Column("lower_bound", sa.Float(precision=53)),
        sa.Column("upper_bound", sa.Float(precision=53)),
        sa.Column("model", sa.String(50), nullable=False),
        sa.Column("mlflow_run_id", sa.String(32), nullable=False),
        sa.Column("model_version", sa.String(20)),
        sa.Column("origin_date", sa.Date, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("step >= 1", name="ck_forecasts_step"),
        schema=ML,
    )
    op.create_index("ix_forecasts_date", "forecasts", ["date"], schema=ML)


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
