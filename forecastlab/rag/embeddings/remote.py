"""Embedding providers behind an OpenAI-compatible `/embeddings` endpoint: OpenAI and Ollama.

Both speak the same protocol (Ollama at `{ollama_base_url}/v1`), so one client covers them;
they differ in what is retried (spec §12.2: OpenAI retries rate limits, Ollama server errors,
both after 1 s, 2 s and 4 s). Failures become `EmbeddingError`s whose messages name the
provider, the URL and the HTTP status, never the key or the provider's answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import openai

from forecastlab.rag.errors import EmbeddingAuthError, EmbeddingError
from forecastlab.rag.tokens import truncate_tokens

log = logging.getLogger("forecastlab.rag.embeddings")

BACKOFF_SECONDS = (1.0, 2.0, 4.0)
TIMEOUT_SECONDS = 60.0
# The OpenAI embeddings endpoint takes at most 2048 inputs per request.
MAX_BATCH = 2048
_AUTH_STATUSES = frozenset({401, 403})


@dataclass(frozen=True)
class RemoteEndpoint:
    """Where and how to call one provider's embeddings endpoint."""

    provider: str
    base_url: str
    model: str
    dimension: int
    batch_size: int
    api_key: str = field(default="", repr=False)
    key_required: bool = True
    retry_statuses: frozenset[int] = frozenset()
    missing_model_hint: str = ""


class RemoteEmbedder:
    """Embeds through an OpenAI-compatible endpoint, batch by batch."""

    def __init__(self, endpoint: RemoteEndpoint) -> None:
        self.endpoint = endpoint
        self.provider = endpoint.provider
        self.dimension = endpoint.dimension
        self._client = openai.OpenAI(
            # The SDK refuses an empty key; a provider without keys (Ollama) ignores it.
            api_key=endpoint.api_key or "unused",
            base_url=endpoint.base_url,
            max_retries=0,
            timeout=TIMEOUT_SECONDS,
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.endpoint.key_required and not self.endpoint.api_key:
            raise EmbeddingAuthError(
                f"No API key is configured for the {self.provider} embedding provider: set "
                f"{self.provider.upper()}_API_KEY or PATCH /config/ai."
            )
        size = min(self.endpoint.batch_size, MAX_BATCH)
        rows: list[list[float]] = []
        for start in range(0, len(texts), size):
            rows.extend(
                self._embed_batch([truncate_tokens(t) for t in texts[start : start + size]])
            )
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dimension)

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        retries = 0
        while True:
            try:
                response = self._client.embeddings.create(
                    model=self.endpoint.model,
                    input=batch,
                    dimensions=self.dimension,
                    encoding_format="float",
                )
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status in self.endpoint.retry_statuses and retries < len(BACKOFF_SECONDS):
                    delay = BACKOFF_SECONDS[retries]
                    log.warning(
                        "%s embeddings: HTTP %s, retry in %.0f s", self.provider, status, delay
                    )
                    time.sleep(delay)
                    retries += 1
                    continue
                raise self._status_error(status) from None
            except openai.APIConnectionError:
                raise EmbeddingError(
                    f"The {self.provider} embedding provider is not reachable at "
                    f"{self.endpoint.base_url}."
                ) from None
            except openai.APIError:
                raise self._unusable() from None
            return self._vectors(response, len(batch))

    def _vectors(self, response: object, expected: int) -> list[list[float]]:
        try:
            data = sorted(response.data, key=lambda item: item.index)  # type: ignore[attr-defined]
            vectors = [list(item.embedding) for item in data]
        except (AttributeError, TypeError, ValueError):
            raise self._unusable() from None
        if len(vectors) != expected:
            raise EmbeddingError(
                f"The {self.provider} embedding provider returned {len(vectors)} vectors for "
                f"{expected} inputs."
            )
        if any(len(vector) != self.dimension for vector in vectors):
            raise EmbeddingError(
                f"The {self.provider} embedding model {self.endpoint.model} returned vectors of "
                f"{len(vectors[0])} dimensions, but rag_embedding_dimension is {self.dimension}."
            )
        return vectors

    def _status_error(self, status: int) -> EmbeddingError:
        log.warning("%s embeddings failed: HTTP %s", self.provider, status)
        if status in _AUTH_STATUSES:
            return EmbeddingAuthError(
                f"The {self.provider} embedding provider rejected the credentials "
                f"(HTTP {status}); check the API key."
            )
        if status == 404 and self.endpoint.missing_model_hint:
            return EmbeddingError(self.endpoint.missing_model_hint)
        return EmbeddingError(f"The {self.provider} embedding provider answered HTTP {status}.")

    def _unusable(self) -> EmbeddingError:
        return EmbeddingError(
            f"The {self.provider} embedding provider at {self.endpoint.base_url} gave an answer "
            "that is not an embeddings response."
        )
