"""Chunk a document by its source type (spec §12.1)."""

from __future__ import annotations

from typing import Literal

from forecastlab.rag.chunks import Chunk, ChunkingRules
from forecastlab.rag.markdown import chunk_markdown
from forecastlab.rag.openapi import chunk_openapi

SourceType = Literal["markdown", "openapi"]


def chunk_document(source_type: SourceType, content: str, rules: ChunkingRules) -> list[Chunk]:
    """The chunks of a markdown or OpenAPI document, in emission order (= `chunk_index`)."""
    if source_type == "openapi":
        return chunk_openapi(content, rules)
    return chunk_markdown(content, rules)
