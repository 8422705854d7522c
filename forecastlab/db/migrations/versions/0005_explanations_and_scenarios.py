"""Tables app.forecast_explanation (spec §1.8) and app.scenario_plan (spec §1.7).

`run_id` is the MLflow run id of the model explained or used as the scenario baseline (DESIGN
"One id space for models"); `job_id` is a Dagster run id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APP = "app"


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
    op.create_table(
        "forecast_explanation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("explanation_id", sa.String(32), nullable=False, unique=True),
        sa.Column("run_id", sa.String(32), index=True),
        sa.Column("job_id", sa.String(64), index=True),
        sa.Column("store_id", sa.Integer, nullable=False, index=True),
        sa.Column("product_id", sa.Integer, nullable=False, index=True),
        sa.Column("model_type", sa.String(50), nullable=False),
        sa.Column("method", sa.String(20), nullable=False, server_default="rule_based"),
        sa.Column("as_of_date", sa.Date, nullable=False),
        sa.Column("forecast_value", sa.Float, nullable=False),
        sa.Column("confidence", sa.String(10), nullable=False),
        sa.Column("drivers", JSONB, nullable=False),
        sa.Column("reason_codes", JSONB, nullable=False),
        sa.Column("caveats", JSONB, nullable=False),
        sa.Column("agent_summary", sa.String(2000), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "method in ('rule_based', 'shap', 'tree_path', 'component')",
            name="ck_forecast_explanation_method",
        ),
        sa.CheckConstraint(
            "confidence in ('high', 'medium', 'low')", name="ck_forecast_explanation_confidence"
        ),
        schema=APP,
    )
    op.create_index(
        "ix_forecast_explanation_grain",
        "forecast_explanation",
        ["store_id", "product_id"],
        schema=APP,
    )
    op.create_index(
        "ix_forecast_explanation_drivers",
        "forecast_explanation",
        ["drivers"],
        schema=APP,
        postgresql_using="gin",
    )

    op.create_table(
        "scenario_plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("store_id", sa.Integer, nullable=False, index=True),
        sa.Column("product_id", sa.Integer, nullable=False, index=True),
        sa.Column("run_id", sa.String(32), nullable=False, index=True),
        sa.Column("horizon", sa.Integer, nullable=False),
        sa.Column("assumptions", JSONB, nullable=False),
        sa.Column("comparison", JSONB, nullable=False),
        sa.Column("method", sa.String(20), nullable=False, server_default="heuristic"),
        sa.Column("tags", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("cloned_from", sa.String(32)),
        sa.Column("source", sa.String(16), nullable=False, server_default="user", index=True),
        sa.Column("agent_session_id", sa.String(32)),
        sa.Column("approved_by", sa.String(120)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("approval_decision", sa.String(16)),
        *_timestamps(),
        sa.CheckConstraint(
            "method in ('heuristic', 'model_exogenous')", name="ck_scenario_plan_method"
        ),
        sa.CheckConstraint("source in ('user', 'agent')", name="ck_scenario_plan_source"),
        sa.CheckConstraint(
            "approval_decision is null or approval_decision in ('approved', 'rejected')",
            name="ck_scenario_plan_approval_decision",
        ),
        schema=APP,
    )
    op.create_index(
        "ix_scenario_plan_grain", "scenario_plan", ["store_id", "product_id"], schema=APP
    )
    for column in ("assumptions", "comparison", "tags"):
        op.create_index(
            f"ix_scenario_plan_{column}",
            "scenario_plan",
            [column],
            schema=APP,
            postgresql_using="gin",
        )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
