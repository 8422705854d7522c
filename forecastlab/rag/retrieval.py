"""Semantic search over the knowledge base (spec §12.5): top-k chunks above a similarity floor.

`retrieve` is the entry point other slices (the agents) call; `search` adds the filters and
timings `POST /rag/retrieve` reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from sqlalchemy import Engine

from forecastlab.rag import store
from forecastlab.rag.embeddings import embedder_for
from forecastlab.settings import Settings

SCORE_DIGITS = 4


@dataclass(frozen=True)
class RetrievedChunk:
    """A chunk that answers the query; `similarity` = 1 - cosine distance, rounded to 4 dp."""

    chunk_id: str
    source_id: str
    source_path: str
    source_type: str
    heading: str | None
    content: str
    similarity: float
    metadata: dict[str, Any] | None


@dataclass(frozen=True)
class RetrievalFilters:
    """Restrict the search to source types and/or a source metadata `category`."""

    source_types: Sequence[str] | None = None
    category: str | None = None


@dataclass(frozen=True)
class Retrieval:
    """The chunks found, best first, and what the search cost."""

    results: list[RetrievedChunk]
    query_embedding_time_ms: float
    search_time_ms: float
    total_chunks_searched: int


def search(
    engine: Engine,
    settings: Settings,
    query: str,
    top_k: int | None = None,
    threshold: float | None = None,
    filters: RetrievalFilters | None = None,
) -> Retrieval:
    """Embed `query` and return up to `top_k` chunks with similarity ≥ `threshold`.

    Defaults come from the settings (`rag_top_k`, `rag_similarity_threshold`), which are the
    effective settings. An empty knowledge base gives no results. Raises
    DimensionMismatchError (409) or EmbeddingError (502).
    """
    top_k = top_k or settings.rag_top_k
    threshold = settings.rag_similarity_threshold if threshold is None else threshold
    filters = filters or RetrievalFilters()
    store.ensure_dimension(engine, settings)
    started = perf_counter()
    vector = embedder_for(settings).embed([query])[0]
    embedded = perf_counter()
    hits = store.nearest_chunks(engine, vector, 2 * top_k, filters.source_types, filters.category)
    total = store.chunk_count(engine)
    searched = perf_counter()
    results = [_retrieved(hit) for hit in hits if 1.0 - hit.distance >= threshold][:top_k]
    return Retrieval(
        results=results,
        query_embedding_time_ms=round((embedded - started) * 1000, 3),
        search_time_ms=round((searched - embedded) * 1000, 3),
        total_chunks_searched=total,
    )


def retrieve(
    engine: Engine,
    settings: Settings,
    query: str,
    top_k: int | None = None,
    threshold: float | None = None,
) -> list[RetrievedChunk]:
    """The chunks that best answer `query`, best first (see `search`)."""
    return search(engine, settings, query, top_k, threshold).results


def _retrieved(hit: store.ChunkHit) -> RetrievedChunk:
    heading = (hit.metadata or {}).get("heading")
    return RetrievedChunk(
        chunk_id=hit.chunk_id,
        source_id=hit.source_id,
        source_path=hit.source_path,
        source_type=hit.source_type,
        heading=heading if isinstance(heading, str) else None,
        content=hit.content,
        similarity=round(1.0 - hit.distance, SCORE_DIGITS),
        metadata=hit.metadata,
    )
