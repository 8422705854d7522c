"""The /rag slice: index documents, retrieve chunks, list and delete sources (spec §12).

Every route works on the effective settings (`AiSettingsDep`), so the embedding provider
chosen through `PATCH /config/ai` is used at once. A failing provider is a 502 problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import AfterValidator

from forecastlab.rag import store
from forecastlab.rag.errors import EmbeddingError
from forecastlab.rag.indexing import index_document
from forecastlab.rag.project_docs import DocsScope, index_project_docs
from forecastlab.rag.retrieval import RetrievalFilters, search
from forecastlab.wire import no_nul
from serving.deps import AiSettingsDep, EngineDep
from serving.errors import ApiError
from serving.schemas.rag import (
    DeleteSourceResponse,
    IndexProjectDocsRequest,
    IndexProjectDocsResponse,
    IndexRequest,
    IndexResponse,
    RetrieveRequest,
    RetrieveResponse,
    SourcesResponse,
)

router = APIRouter(prefix="/rag", tags=["rag"])

_DIMENSION = {
    409: {
        "description": "rag_embedding_dimension differs from the vector column's (re-run the "
        "migrations for that dimension) or from the offline model's 384"
    }
}
_PROVIDER = {
    502: {
        "description": "The embedding provider failed (BAD_GATEWAY) or rejected the "
        "credentials (EMBEDDING_AUTH)"
    }
}


@contextmanager
def _embedding_provider() -> Iterator[None]:
    """Turn an embedding-provider failure into its 502 problem."""
    try:
        yield
    except EmbeddingError as exc:
        raise ApiError(502, str(exc), code=exc.code) from None


@router.post(
    "/index",
    status_code=201,
    response_model=IndexResponse,
    responses={
        404: {"description": "Without content: source_path is missing or outside the project"},
        **_DIMENSION,
        **_PROVIDER,
    },
)
def index(body: IndexRequest, engine: EngineDep, settings: AiSettingsDep) -> IndexResponse:
    """Index a markdown or OpenAPI document; the same content again (by hash) is not re-embedded."""
    with _embedding_provider():
        result = index_document(
            engine, settings, body.source_type, body.source_path, body.content, body.metadata
        )
    return IndexResponse.model_validate(result)


@router.post(
    "/index/project-docs",
    response_model=IndexProjectDocsResponse,
    responses={
        422: {"description": "path_prefix resolves outside docs/"},
        **_DIMENSION,
        **_PROVIDER,
    },
)
def index_project(
    body: IndexProjectDocsRequest, engine: EngineDep, settings: AiSettingsDep
) -> IndexProjectDocsResponse:
    """Index the project's docs/, PRPs/ and root markdown; unchanged files are skipped by hash."""
    scope = DocsScope(body.include_docs, body.include_prps, body.include_root, body.path_prefix)
    with _embedding_provider():
        result = index_project_docs(engine, settings, scope)
    return IndexProjectDocsResponse.model_validate(result)


@router.post("/retrieve", response_model=RetrieveResponse, responses={**_DIMENSION, **_PROVIDER})
def retrieve(body: RetrieveRequest, engine: EngineDep, settings: AiSettingsDep) -> RetrieveResponse:
    """Semantic search (HNSW, cosine): the top-k chunks above the similarity threshold."""
    filters = body.filters
    with _embedding_provider():
        found = search(
            engine,
            settings,
            body.query,
            body.top_k,
            body.similarity_threshold,
            RetrievalFilters(filters.source_types(), filters.category) if filters else None,
        )
    return RetrieveResponse.model_validate(found)


@router.get("/sources", response_model=SourcesResponse)
def list_sources(engine: EngineDep) -> SourcesResponse:
    """Every indexed source with its chunk count, newest first."""
    sources = store.list_sources(engine)
    return SourcesResponse.model_validate(
        {
            "sources": sources,
            "total_sources": len(sources),
            "total_chunks": sum(source.chunk_count for source in sources),
        }
    )


@router.delete(
    "/sources/{source_id}",
    response_model=DeleteSourceResponse,
    responses={404: {"description": "No indexed source with this id"}},
)
def delete_source(
    source_id: Annotated[str, Path(max_length=64), AfterValidator(no_nul)], engine: EngineDep
) -> DeleteSourceResponse:
    """Delete a source and its chunks."""
    chunks = store.delete_source(engine, source_id)
    return DeleteSourceResponse(source_id=source_id, chunks_deleted=chunks)
