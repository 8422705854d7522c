"""What the knowledge base raises: domain kinds the API maps to a status, and provider failures.

An embedding provider that fails is an upstream failure (502 at the API): `EmbeddingError`
carries the problem code, and its message never quotes a key or the provider's raw answer.
"""

from __future__ import annotations

from forecastlab.errors import ConflictError, NotFoundError, UnprocessableError


class EmbeddingError(RuntimeError):
    """The embedding provider failed or answered something unusable (502 BAD_GATEWAY)."""

    code = "BAD_GATEWAY"


class EmbeddingAuthError(EmbeddingError):
    """The embedding provider has no credentials or rejected them (502 EMBEDDING_AUTH)."""

    code = "EMBEDDING_AUTH"


class DimensionMismatchError(ConflictError):
    """The configured embedding dimension differs from the vector column or the model (409)."""


class DocumentNotFoundError(NotFoundError):
    """A `source_path` to read is missing, unreadable or outside the project root (404)."""


class SourceNotFoundError(NotFoundError):
    """No indexed source has this `source_id` (404)."""


class PathPrefixError(UnprocessableError):
    """A `path_prefix` resolves outside the project's `docs/` folder (422)."""
