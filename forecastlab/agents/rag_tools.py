"""The RAG assistant's tools (spec §13.1): retrieve context, format citations, check evidence."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from forecastlab.agents.toolkit import Tool, ToolArguments, ToolContext, to_json_value
from forecastlab.rag.retrieval import RetrievalFilters, search

SNIPPET_CHARS: Final = 200


class RetrieveArguments(ToolArguments):
    query: str = Field(min_length=1, max_length=2000)
    top_k: int = Field(default=5, ge=1, le=20)
    threshold: float | None = Field(
        default=None, ge=-1.0, le=1.0, description="Minimum similarity; default: the setting."
    )
    source_type: str | None = Field(default=None, description="Only chunks of this source type.")


def retrieve_context(context: ToolContext, args: RetrieveArguments) -> dict[str, Any]:
    """The knowledge base's chunks nearest to the query, best first."""
    source_types = None if args.source_type is None else [args.source_type]
    found = search(
        context.engine,
        context.settings,
        args.query,
        top_k=args.top_k,
        threshold=args.threshold,
        filters=RetrievalFilters(source_types=source_types),
    )
    return {"query": args.query, "results": to_json_value(found.results)}


class RetrievedChunk(BaseModel):
    """A retrieved chunk as the model hands it back: only what a citation needs."""

    model_config = ConfigDict(extra="ignore")

    chunk_id: str
    source_path: str
    source_type: str | None = None
    similarity: float
    content: str = ""


class CitationArguments(ToolArguments):
    chunks: list[RetrievedChunk] = Field(max_length=50)


def format_citations(_: ToolContext, args: CitationArguments) -> dict[str, Any]:
    """One citation per chunk: `[source_path:chunk_id]`, relevance (2 dp) and a snippet."""
    return {
        "citations": [
            {
                "source_type": chunk.source_type,
                "source_path": chunk.source_path,
                "chunk_id": chunk.chunk_id,
                "relevance": round(chunk.similarity, 2),
                "snippet": chunk.content[:SNIPPET_CHARS],
                "cite_as": f"[{chunk.source_path}:{chunk.chunk_id}]",
            }
            for chunk in args.chunks
        ]
    }


class EvidenceArguments(ToolArguments):
    similarities: list[float] = Field(max_length=50, description="Similarity of every hit.")
    min_results: int = Field(default=1, ge=1, le=50)


def check_evidence(context: ToolContext, args: EvidenceArguments) -> dict[str, Any]:
    """Whether the hits suffice: at least min_results of them, mean relevance at least the
    retrieval threshold (`rag_similarity_threshold`, which suits the configured embedder)."""
    hits = len(args.similarities)
    mean = sum(args.similarities) / hits if hits else 0.0
    return {
        "sufficient": hits >= args.min_results
        and mean >= context.settings.rag_similarity_threshold,
        "hits": hits,
        "mean_relevance": round(mean, 4),
    }


RAG_TOOLS: Final = (
    Tool(
        "retrieve_context",
        "Search the indexed project documentation for passages relevant to a query.",
        RetrieveArguments,
        retrieve_context,
    ),
    Tool(
        "format_citations",
        "Turn retrieved chunks into citations of the form [source_path:chunk_id].",
        CitationArguments,
        format_citations,
    ),
    Tool(
        "check_evidence",
        "Check whether retrieved hits are enough evidence to answer.",
        EvidenceArguments,
        check_evidence,
    ),
)
