"""Bodies and responses of /rag (spec §12): indexing, retrieval and the indexed sources."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field

from forecastlab.rag.chunking import SourceType
from forecastlab.rag.indexing import IndexStatus
from forecastlab.rag.project_docs import FileStatus
from forecastlab.wire import Text, no_nul
from serving.schemas.base import ApiModel, StrictRequest

_SOURCE_ID = "9b1f0c2d3e4a5b6c7d8e9f0a1b2c3d4e"
_CHUNK_ID = "4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f"
_HASH = "5d41402abc4b2a76b9719d911017c592aa5d41402abc4b2a76b9719d911017c5"

_CHUNK_EXAMPLE = {
    "chunk_id": _CHUNK_ID,
    "source_id": _SOURCE_ID,
    "source_path": "docs/runbooks/backfill.md",
    "source_type": "markdown",
    "content": "## From the command line\n\n...",
    "relevance_score": 0.6132,
    "metadata": {
        "heading": "From the command line",
        "section_path": [
            "Runbook: backfill the daily feature partitions",
            "From the command line",
        ],
    },
}
_SOURCE_EXAMPLE = {
    "source_id": _SOURCE_ID,
    "source_type": "markdown",
    "source_path": "docs/api/jobs.md",
    "chunk_count": 4,
    "content_hash": _HASH,
    "indexed_at": "2026-05-19T10:47:09.829097+00:00",
    "metadata": {"category": "docs"},
}


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _no_nul_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    # JSONB cannot hold \u0000 anywhere in a document.
    if value is not None and _has_nul(value):
        raise ValueError("metadata must not contain NUL (\\x00) characters")
    return value


Metadata = Annotated[dict[str, Any] | None, AfterValidator(_no_nul_json)]
SourcePath = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(no_nul)]


class IndexRequest(StrictRequest):
    """Body of `POST /rag/index`: a document given inline, or a file of the project."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"source_type": "markdown", "source_path": "docs/api/jobs.md"},
                {
                    "source_type": "markdown",
                    "source_path": "notes/returns-policy.md",
                    "content": "# Returns\n\nReturned units are never subtracted from sales.",
                    "metadata": {"category": "notes"},
                },
            ]
        }
    )

    source_type: SourceType
    source_path: SourcePath = Field(
        description="The document's name; without `content`, a file path relative to the "
        "project root (it must stay inside it)."
    )
    content: Text | None = Field(
        default=None, description="The document's text; absent or empty: read `source_path`."
    )
    metadata: Metadata = Field(default=None, description="Stored with the source.")


class IndexResponse(ApiModel):
    """What indexing one document did (`unchanged`: same content hash, nothing embedded)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source_id": _SOURCE_ID,
                    "source_path": "docs/api/jobs.md",
                    "chunks_created": 4,
                    "tokens_processed": 1393,
                    "duration_ms": 812.4,
                    "status": "indexed",
                }
            ]
        }
    )

    source_id: str
    source_path: str
    chunks_created: int
    tokens_processed: int = Field(description="cl100k_base tokens embedded (0 when unchanged).")
    duration_ms: float
    status: IndexStatus


class IndexProjectDocsRequest(StrictRequest):
    """Body of `POST /rag/index/project-docs`: which of the project's documents to index."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{}, {"include_root": False, "path_prefix": "docs/api"}]}
    )

    include_docs: bool = Field(default=True, description="docs/**/*.md")
    include_prps: bool = Field(default=True, description="PRPs/**/*.md (when the folder exists)")
    include_root: bool = Field(default=True, description="README.md, AGENTS.md, CHANGELOG.md")
    path_prefix: Annotated[str, Field(max_length=200), AfterValidator(no_nul)] | None = Field(
        default=None,
        description="Scan only this folder inside docs/ (e.g. docs/api); outside docs/ is 422.",
    )


class FileIndexResult(ApiModel):
    """What happened to one project document."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source_path": "docs/api/jobs.md",
                    "status": "unchanged",
                    "chunks_created": 4,
                    "error": None,
                }
            ]
        }
    )

    source_path: str
    status: FileStatus
    chunks_created: int
    error: str | None


class IndexProjectDocsResponse(ApiModel):
    """Per-file results and the batch totals."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "results": [
                        {
                            "source_path": "docs/api/jobs.md",
                            "status": "indexed",
                            "chunks_created": 4,
                            "error": None,
                        },
                        {
                            "source_path": "README.md",
                            "status": "unchanged",
                            "chunks_created": 6,
                            "error": None,
                        },
                    ],
                    "total_files": 2,
                    "indexed": 1,
                    "updated": 0,
                    "unchanged": 1,
                    "failed": 0,
                    "total_chunks": 10,
                    "duration_ms": 1520.8,
                }
            ]
        }
    )

    results: list[FileIndexResult]
    total_files: int
    indexed: int
    updated: int
    unchanged: int
    failed: int
    total_chunks: int
    duration_ms: float


class RetrieveFilters(StrictRequest):
    """Restrict the search by source type and/or the source's metadata `category`."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"source_type": "markdown", "category": "docs"}]}
    )

    source_type: SourceType | list[SourceType] | None = None
    category: Annotated[str, Field(max_length=200), AfterValidator(no_nul)] | None = None

    def source_types(self) -> list[str] | None:
        """The source types as a list (None: any)."""
        if self.source_type is None:
            return None
        return [self.source_type] if isinstance(self.source_type, str) else self.source_type


class RetrieveRequest(StrictRequest):
    """Body of `POST /rag/retrieve`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"query": "How do I backfill the feature partitions?", "top_k": 3},
                {
                    "query": "How is a job cancelled?",
                    "similarity_threshold": 0.3,
                    "filters": {"category": "docs"},
                },
            ]
        }
    )

    query: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(no_nul)]
    top_k: int | None = Field(
        default=None, ge=1, le=50, description="Default: the rag_top_k setting (5)."
    )
    similarity_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Smallest relevance_score returned. Default: rag_similarity_threshold.",
    )
    filters: RetrieveFilters | None = None


class RetrievedChunkResponse(ApiModel):
    """A chunk that answers the query; `relevance_score` = 1 - cosine distance (4 dp)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CHUNK_EXAMPLE]})

    chunk_id: str
    source_id: str
    source_path: str
    source_type: str
    content: str
    # Read from the domain's `similarity`; the wire name is the contract's.
    relevance_score: float = Field(validation_alias="similarity")
    metadata: dict[str, Any] | None


class RetrieveResponse(ApiModel):
    """The chunks found, best first (possibly none), and what the search cost."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "results": [_CHUNK_EXAMPLE],
                    "query_embedding_time_ms": 11.2,
                    "search_time_ms": 3.4,
                    "total_chunks_searched": 96,
                }
            ]
        }
    )

    results: list[RetrievedChunkResponse]
    query_embedding_time_ms: float
    search_time_ms: float
    total_chunks_searched: int = Field(description="How many chunks the knowledge base holds.")


class SourceResponse(ApiModel):
    """One indexed source."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SOURCE_EXAMPLE]})

    source_id: str
    source_type: str
    source_path: str
    chunk_count: int
    content_hash: str = Field(description="SHA-256 of the indexed text.")
    indexed_at: datetime
    metadata: dict[str, Any] | None


class SourcesResponse(ApiModel):
    """Every indexed source, newest `indexed_at` first, with the totals."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sources": [_SOURCE_EXAMPLE],
                    "total_sources": 1,
                    "total_chunks": 4,
                }
            ]
        }
    )

    sources: list[SourceResponse]
    total_sources: int
    total_chunks: int


class DeleteSourceResponse(ApiModel):
    """A deleted source and how many chunks went with it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"source_id": _SOURCE_ID, "chunks_deleted": 4, "status": "deleted"}]
        }
    )

    source_id: str
    chunks_deleted: int
    status: Literal["deleted"] = "deleted"
