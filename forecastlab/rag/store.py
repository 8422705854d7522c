"""`rag.document_source` and `rag.document_chunk` (spec §1.5): the SQL of the knowledge base.

The schema is owned by migration 0007; the embedding column's dimension is whatever that
migration was run with, so every write and search first checks it against the settings (D-33).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from pgvector.sqlalchemy import Vector
from sqlalchemy import Engine, bindparam, text

from forecastlab.rag.chunks import Chunk
from forecastlab.rag.errors import DimensionMismatchError, SourceNotFoundError
from forecastlab.settings import Settings

_COLUMN_DIMENSION = text(
    "select atttypmod from pg_attribute "
    "where attrelid = 'rag.document_chunk'::regclass and attname = 'embedding'"
)
_FIND_SOURCE = text(
    "select s.id, s.source_id, s.content_hash, "
    "(select count(*) from rag.document_chunk c where c.source_id = s.id) as chunk_count "
    "from rag.document_source s where s.source_type = :source_type and s.source_path = :source_path"
)
_UPSERT_SOURCE = text(
    "insert into rag.document_source "
    "(source_id, source_type, source_path, content_hash, metadata, indexed_at) "
    "values (:source_id, :source_type, :source_path, :content_hash, cast(:metadata as jsonb), "
    "now()) "
    "on conflict (source_type, source_path) do update set content_hash = excluded.content_hash, "
    "metadata = excluded.metadata, indexed_at = now(), updated_at = now() "
    "returning id, source_id, (xmax = 0) as inserted"
)
_DELETE_CHUNKS = text("delete from rag.document_chunk where source_id = :id")
_INSERT_CHUNK = text(
    "insert into rag.document_chunk "
    "(chunk_id, source_id, chunk_index, content, embedding, token_count, metadata) "
    "values (:chunk_id, :source_id, :chunk_index, :content, :embedding, :token_count, "
    "cast(:metadata as jsonb))"
).bindparams(bindparam("embedding", type_=Vector()))
_LIST_SOURCES = text(
    "select s.source_id, s.source_type, s.source_path, s.content_hash, s.indexed_at, s.metadata, "
    "count(c.id) as chunk_count "
    "from rag.document_source s left join rag.document_chunk c on c.source_id = s.id "
    "group by s.id order by s.indexed_at desc, s.id desc"
)
_SOURCE_CHUNKS = text(
    "select count(c.id) from rag.document_source s "
    "join rag.document_chunk c on c.source_id = s.id where s.source_id = :source_id"
)
_DELETE_SOURCE = text("delete from rag.document_source where source_id = :source_id returning id")
_CHUNK_COUNT = text("select count(*) from rag.document_chunk")
_SOURCES_IN_CATEGORIES = text(
    "select source_id, source_path from rag.document_source "
    "where source_type = 'markdown' and metadata ->> 'category' in :categories"
).bindparams(bindparam("categories", expanding=True))
# HNSW answers at most ef_search rows; the search over-fetches 2 x top_k (up to 100).
DEFAULT_EF_SEARCH = 40
_EF_SEARCH = text("select set_config('hnsw.ef_search', :value, true)")
_SEARCH = text(
    "select c.chunk_id, s.source_id, s.source_path, s.source_type, c.content, c.metadata, "
    "c.embedding <=> :query as distance "
    "from rag.document_chunk c join rag.document_source s on s.id = c.source_id "
    "where c.embedding is not null "
    "and (cast(:source_types as text[]) is null or s.source_type = any(:source_types)) "
    "and (cast(:category as text) is null or s.metadata ->> 'category' = :category) "
    # Distance alone: a tie-breaker column would stop PostgreSQL from using the HNSW index.
    "order by c.embedding <=> :query limit :limit"
).bindparams(bindparam("query", type_=Vector()))


@dataclass(frozen=True)
class StoredSource:
    """An indexed source as the idempotency check needs it."""

    id: int
    source_id: str
    content_hash: str
    chunk_count: int


@dataclass(frozen=True)
class SourceSummary:
    """One row of `GET /rag/sources`."""

    source_id: str
    source_type: str
    source_path: str
    chunk_count: int
    content_hash: str
    indexed_at: datetime
    metadata: dict[str, Any] | None


@dataclass(frozen=True)
class ChunkHit:
    """A chunk the vector search found, with its cosine distance to the query."""

    chunk_id: str
    source_id: str
    source_path: str
    source_type: str
    content: str
    metadata: dict[str, Any] | None
    distance: float


def ensure_dimension(engine: Engine, settings: Settings) -> None:
    """Raise DimensionMismatchError (409) unless the embedding column has the configured size."""
    with engine.connect() as conn:
        column = conn.execute(_COLUMN_DIMENSION).scalar_one()
    configured = settings.rag_embedding_dimension
    if column != configured:
        raise DimensionMismatchError(
            f"The embedding column holds {column}-dimensional vectors but rag_embedding_dimension "
            f"is {configured}: re-run migrations for dimension {configured} (drop the HNSW "
            "index, alter rag.document_chunk.embedding, recreate the index) and re-index, or set "
            f"rag_embedding_dimension back to {column}."
        )


def find_source(engine: Engine, source_type: str, source_path: str) -> StoredSource | None:
    """The source indexed under this type and path, if any."""
    with engine.connect() as conn:
        row = conn.execute(
            _FIND_SOURCE, {"source_type": source_type, "source_path": source_path}
        ).one_or_none()
    return None if row is None else StoredSource(*row)


def write_source(
    engine: Engine,
    *,
    new_source_id: str,
    source_type: str,
    source_path: str,
    content_hash: str,
    metadata: Mapping[str, Any] | None,
    chunks: Sequence[tuple[str, Chunk, np.ndarray]],
) -> tuple[str, bool]:
    """Create or replace a source and all its chunks in one transaction.

    `chunks` are (chunk_id, chunk, vector) in `chunk_index` order. Returns the source's id
    (`new_source_id` when it was created, the existing one when it was updated) and whether
    it was created.
    """
    with engine.begin() as conn:
        row = conn.execute(
            _UPSERT_SOURCE,
            {
                "source_id": new_source_id,
                "source_type": source_type,
                "source_path": source_path,
                "content_hash": content_hash,
                "metadata": _json(metadata),
            },
        ).one()
        conn.execute(_DELETE_CHUNKS, {"id": row.id})
        if chunks:
            conn.execute(
                _INSERT_CHUNK,
                [
                    {
                        "chunk_id": chunk_id,
                        "source_id": row.id,
                        "chunk_index": index,
                        "content": chunk.content,
                        "embedding": vector,
                        "token_count": chunk.token_count,
                        "metadata": _json(chunk.metadata),
                    }
                    for index, (chunk_id, chunk, vector) in enumerate(chunks)
                ],
            )
    return row.source_id, bool(row.inserted)


def list_sources(engine: Engine) -> list[SourceSummary]:
    """Every source with its chunk count, newest `indexed_at` first."""
    with engine.connect() as conn:
        rows = conn.execute(_LIST_SOURCES).all()
    return [
        SourceSummary(
            source_id=r.source_id,
            source_type=r.source_type,
            source_path=r.source_path,
            chunk_count=r.chunk_count,
            content_hash=r.content_hash,
            indexed_at=r.indexed_at,
            metadata=r.metadata,
        )
        for r in rows
    ]


def delete_source(engine: Engine, source_id: str) -> int:
    """Delete a source (its chunks go by FK cascade); returns how many chunks went with it."""
    with engine.begin() as conn:
        chunks = conn.execute(_SOURCE_CHUNKS, {"source_id": source_id}).scalar_one()
        if conn.execute(_DELETE_SOURCE, {"source_id": source_id}).first() is None:
            raise SourceNotFoundError(f"No indexed source with source_id {source_id!r}.")
    return int(chunks)


def chunk_count(engine: Engine) -> int:
    """How many chunks the knowledge base holds."""
    with engine.connect() as conn:
        return int(conn.execute(_CHUNK_COUNT).scalar_one())


def sources_in_categories(engine: Engine, categories: Sequence[str]) -> list[tuple[str, str]]:
    """(source_id, source_path) of the markdown sources whose metadata category is listed."""
    with engine.connect() as conn:
        return [
            (r.source_id, r.source_path)
            for r in conn.execute(_SOURCES_IN_CATEGORIES, {"categories": list(categories)})
        ]


def nearest_chunks(
    engine: Engine,
    query: np.ndarray,
    limit: int,
    source_types: Sequence[str] | None = None,
    category: str | None = None,
) -> list[ChunkHit]:
    """The `limit` chunks nearest to `query` by cosine distance, optionally filtered."""
    with engine.begin() as conn:
        conn.execute(_EF_SEARCH, {"value": str(max(DEFAULT_EF_SEARCH, limit))})
        rows = conn.execute(
            _SEARCH,
            {
                "query": query,
                "limit": limit,
                "source_types": list(source_types) if source_types else None,
                "category": category,
            },
        ).all()
    return [ChunkHit(*row) for row in rows]


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(dict(value))
