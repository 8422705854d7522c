"""Tables rag.document_source and rag.document_chunk (spec §1.5) and app.app_config (§1.10).

The chunk's `embedding` column is `vector(D)` with D = `rag_embedding_dimension` of the
settings this migration runs with (default 384, the offline model); its HNSW index takes `m`
and `ef_construction` from the settings too. Changing D later needs a new migration (drop the
index, alter the column, recreate the index) and a re-index; until then the API answers 409
(D-33).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import JSONB

from forecastlab.settings import get_settings

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RAG = "rag"
APP = "app"
# pgvector indexes `vector` columns of at most 2000 dimensions with HNSW.
HNSW_MAX_DIMENSION = 2000


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
    settings = get_settings()
    dimension = settings.rag_embedding_dimension

    op.create_table(
        "document_source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.String(32), nullable=False, unique=True),
        sa.Column("source_type", sa.String(50), nullable=False, index=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("metadata", JSONB),
        sa.Column(
            "indexed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        *_timestamps(),
        sa.UniqueConstraint("source_type", "source_path", name="uq_document_source_type_path"),
        sa.CheckConstraint(
            "source_type in ('markdown', 'openapi')", name="ck_document_source_source_type"
        ),
        schema=RAG,
    )
    op.create_table(
        "document_chunk",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chunk_id", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "source_id",
            sa.Integer,
            sa.ForeignKey(f"{RAG}.document_source.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("chunk_index", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("embedding", Vector(dimension)),
        sa.Column("token_count", sa.Integer, nullable=False),
        sa.Column("metadata", JSONB),
        *_timestamps(),
        sa.UniqueConstraint("source_id", "chunk_index", name="uq_document_chunk_source_index"),
        schema=RAG,
    )
    op.create_index(
        "ix_document_chunk_metadata",
        "document_chunk",
        ["metadata"],
        schema=RAG,
        postgresql_using="gin",
    )
    if dimension <= HNSW_MAX_DIMENSION:
        op.create_index(
            "ix_chunk_embedding_hnsw",
            "document_chunk",
            ["embedding"],
            schema=RAG,
            postgresql_using="hnsw",
            postgresql_with={
                "m": settings.rag_hnsw_m,
                "ef_construction": settings.rag_hnsw_ef_construction,
            },
            postgresql_ops={"embedding": "vector_cosine_ops"},
        )

    op.create_table(
        "app_config",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", JSONB, nullable=False),
        *_timestamps(),
        schema=APP,
    )


def downgrade() -> None:
    raise NotImplementedError("migrations are forward-only")
