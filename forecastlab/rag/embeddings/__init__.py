"""Embedding providers (spec §12.2) behind one interface, chosen by `rag_embedding_provider`.

`offline` (default) runs the shipped all-MiniLM-L6-v2; `openai` and `ollama` call their
embeddings endpoints. Providers are cached per configuration, so a `/config/ai` change (which
changes the effective settings) gets a new provider on the next call, without a restart.
"""

from __future__ import annotations

from functools import cache, lru_cache

from forecastlab.rag.embeddings.base import Embedder
from forecastlab.rag.embeddings.offline import DIMENSION as OFFLINE_DIMENSION
from forecastlab.rag.embeddings.offline import OfflineEmbedder
from forecastlab.rag.embeddings.remote import RemoteEmbedder, RemoteEndpoint
from forecastlab.rag.errors import DimensionMismatchError
from forecastlab.settings import Settings

__all__ = ["Embedder", "embedder_for"]

_SERVER_ERRORS = frozenset(range(500, 600))


def embedder_for(settings: Settings) -> Embedder:
    """The provider the settings configure (raises DimensionMismatchError when the offline
    model's 384 dimensions are not the configured dimension)."""
    if settings.rag_embedding_provider == "offline":
        if settings.rag_embedding_dimension != OFFLINE_DIMENSION:
            raise DimensionMismatchError(
                f"The offline embedding model produces {OFFLINE_DIMENSION}-dimensional vectors, "
                f"but rag_embedding_dimension is {settings.rag_embedding_dimension}: set it to "
                f"{OFFLINE_DIMENSION} or choose another rag_embedding_provider."
            )
        return _offline(settings.rag_embedding_batch_size)
    return _remote(remote_endpoint(settings))


def remote_endpoint(settings: Settings) -> RemoteEndpoint:
    """The OpenAI or Ollama embeddings endpoint of the settings."""
    if settings.rag_embedding_provider == "openai":
        return RemoteEndpoint(
            provider="openai",
            base_url=settings.openai_base_url,
            model=settings.rag_embedding_model,
            dimension=settings.rag_embedding_dimension,
            batch_size=settings.rag_embedding_batch_size,
            api_key=settings.openai_api_key,
            retry_statuses=frozenset({429}),
        )
    model = settings.ollama_embedding_model
    return RemoteEndpoint(
        provider="ollama",
        base_url=f"{settings.ollama_base_url.rstrip('/')}/v1",
        model=model,
        dimension=settings.rag_embedding_dimension,
        batch_size=settings.rag_embedding_batch_size,
        key_required=False,
        retry_statuses=_SERVER_ERRORS,
        missing_model_hint=f"Ollama has no model {model!r}: pull it with `ollama pull {model}`.",
    )


@cache
def _offline(batch_size: int) -> OfflineEmbedder:
    return OfflineEmbedder(batch_size)


@lru_cache(maxsize=8)
def _remote(endpoint: RemoteEndpoint) -> RemoteEmbedder:
    return RemoteEmbedder(endpoint)
