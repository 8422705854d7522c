"""Read and change the AI configuration (spec §15.2-15.3)."""

from __future__ import annotations

from sqlalchemy import Engine

from forecastlab.aiconfig.overrides import (
    effective_settings,
    load_overrides,
    save_overrides,
    with_overrides,
)
from forecastlab.aiconfig.update import AIConfigUpdate
from forecastlab.aiconfig.view import AIConfig, ai_config
from forecastlab.errors import BadRequestError, ConflictError
from forecastlab.rag.store import chunk_count
from forecastlab.settings import Settings

NOTHING_TO_UPDATE = "No configuration fields provided to update."


def current_config(engine: Engine, settings: Settings) -> AIConfig:
    """The effective configuration of the process `settings` plus the persisted overrides."""
    overrides = load_overrides(engine)
    return ai_config(with_overrides(settings, overrides), overrides)


def update_config(engine: Engine, settings: Settings, update: AIConfigUpdate) -> AIConfig:
    """Persist the change and return the effective configuration after it.

    Raises BadRequestError (400) when nothing is to change, ConflictError (409) when a new
    embedding dimension would orphan indexed chunks and `force` is not set.
    """
    changes = update.changes()
    if not changes:
        raise BadRequestError(NOTHING_TO_UPDATE)
    current = effective_settings(engine, settings)
    dimension = changes.get("rag_embedding_dimension", current.rag_embedding_dimension)
    if dimension != current.rag_embedding_dimension and not update.force:
        chunks = chunk_count(engine)
        if chunks:
            raise ConflictError(
                f"{chunks} RAG chunk(s) are indexed with {current.rag_embedding_dimension}-"
                f"dimensional embeddings; changing rag_embedding_dimension to {dimension} would "
                "orphan them. Delete the RAG sources first (DELETE /rag/sources/{source_id}) or "
                "resend with force=true."
            )
    save_overrides(engine, changes)
    return current_config(engine, settings)
