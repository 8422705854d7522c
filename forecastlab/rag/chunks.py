"""A chunk (spec §12.1): what gets embedded, with its token count and metadata; and the token
budgets the chunkers follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forecastlab.rag.tokens import MAX_INPUT_TOKENS, count_tokens, truncate_tokens
from forecastlab.settings import Settings


@dataclass(frozen=True)
class Chunk:
    """One piece of a document: its text, its `cl100k_base` token count and its metadata."""

    content: str
    token_count: int
    metadata: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, content: str, metadata: Mapping[str, Any] | None = None) -> Chunk:
        """A chunk of `content` (stripped), cut to the hard cap of 8191 tokens."""
        capped = truncate_tokens(content.strip(), MAX_INPUT_TOKENS)
        return cls(capped, count_tokens(capped), metadata)


@dataclass(frozen=True)
class ChunkingRules:
    """Token budgets of the chunker: target size, overlap, and the smallest tail kept."""

    chunk_size: int = 512
    chunk_overlap: int = 50
    min_chunk_size: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> ChunkingRules:
        """The rules the settings configure (`rag_chunk_size`, `_overlap`, `_min_chunk_size`)."""
        return cls(settings.rag_chunk_size, settings.rag_chunk_overlap, settings.rag_min_chunk_size)
