"""Index one document (spec §12.3): chunk, embed, store; idempotent by content hash.

A document whose SHA-256 matches what is stored is left alone (no embedding call); otherwise
its chunks are embedded first and the source with all its chunks is replaced in one
transaction, so a provider failure leaves the previous version intact.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any, Literal

import numpy as np
from sqlalchemy import Engine

from forecastlab.rag import store
from forecastlab.rag.chunking import SourceType, chunk_document
from forecastlab.rag.chunks import ChunkingRules
from forecastlab.rag.embeddings import embedder_for
from forecastlab.rag.errors import DocumentNotFoundError
from forecastlab.settings import PROJECT_ROOT, Settings

IndexStatus = Literal["indexed", "updated", "unchanged"]


@dataclass(frozen=True)
class IndexResult:
    """What indexing one document did."""

    source_id: str
    source_path: str
    chunks_created: int
    tokens_processed: int
    duration_ms: float
    status: IndexStatus


def content_hash(content: str) -> str:
    """SHA-256 (hex) of the document's UTF-8 text: the idempotency key."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def read_document(source_path: str, root: Path = PROJECT_ROOT) -> str:
    """The UTF-8 text of the file at `source_path`, relative to `root` (D-30).

    A path that is missing, unreadable or resolves outside `root` (through `..`, an absolute
    path or a symlink) raises DocumentNotFoundError; the message never names the server's paths.
    """
    base = root.resolve()
    try:
        path = (base / source_path).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            raise FileNotFoundError(source_path)
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        # ValueError: a NUL byte in the path, or bytes that are not UTF-8.
        raise DocumentNotFoundError(
            f"No readable UTF-8 document at {source_path!r} inside the project."
        ) from None


def index_document(
    engine: Engine,
    settings: Settings,
    source_type: SourceType,
    source_path: str,
    content: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    *,
    root: Path = PROJECT_ROOT,
) -> IndexResult:
    """Index `content` (or, when it is absent or empty, the file at `source_path` under `root`).

    `settings` are the effective settings (`forecastlab.aiconfig.effective_settings`).
    Raises DimensionMismatchError (409), DocumentNotFoundError (404) or EmbeddingError (502).
    """
    started = perf_counter()
    store.ensure_dimension(engine, settings)
    text = content or read_document(source_path, root)
    digest = content_hash(text)
    existing = store.find_source(engine, source_type, source_path)
    if existing is not None and existing.content_hash == digest:
        return IndexResult(
            existing.source_id, source_path, existing.chunk_count, 0, _ms(started), "unchanged"
        )
    chunks = chunk_document(source_type, text, ChunkingRules.from_settings(settings))
    vectors = (
        embedder_for(settings).embed([chunk.content for chunk in chunks])
        if chunks
        else np.empty((0, settings.rag_embedding_dimension), dtype=np.float32)
    )
    source_id, created = store.write_source(
        engine,
        new_source_id=uuid.uuid4().hex,
        source_type=source_type,
        source_path=source_path,
        content_hash=digest,
        metadata=metadata,
        chunks=[
            (uuid.uuid4().hex, chunk, vector) for chunk, vector in zip(chunks, vectors, strict=True)
        ],
    )
    return IndexResult(
        source_id,
        source_path,
        len(chunks),
        sum(chunk.token_count for chunk in chunks),
        _ms(started),
        "indexed" if created else "updated",
    )


def _ms(started: float) -> float:
    return round((perf_counter() - started) * 1000, 3)
