"""Table app.agent_session (spec §1.6): agent sessions, their history and pending action.

`initial_context` (additive) keeps the optional context a session was opened with; the agent
reads it with its instructions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APP = "app"


def upgrade() -> None:
    op.create_table(
        "agent_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(32), nullable=False, unique=True),
        sa.Column("agent_type", sa.String(50), nullable=False, index=True),
        sa.Column("status", sa.String(30), nullable=False, server_default="active", index=True),
        sa.Column("message_history", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("pending_action", JSONB),
        sa.Column("initial_context", JSONB),
        sa.Column("total_tokens_used", sa.Integer, nullable=False, server_default="0"),
        sa.Column("tool_calls_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_activity", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint(
            "status in ('active', 'awaiting_approval', 'expired', 'closed')",
            name="ck_agent_session_status",
        ),
        schema=APP,
    )
    op.create_index(
        "ix_agent_session_message_history",
        "agent_session",
        ["message_history"],
        schema=APP,
        postgresql_using="gin",
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
