"""Errors of the registry facade; the API maps each one to its HTTP status (spec §8)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from forecastlab.errors import BadRequestError, ConflictError, NotFoundError, UnprocessableError

AliasProblem = Literal["invalid_name", "not_portfolio", "not_success"]


class RegistryError(BadRequestError):
    """Any registry failure the caller can act on (400 unless a subclass says otherwise)."""


class RunNotFoundError(RegistryError, NotFoundError):
    """No run with that id in the `forecastlab` experiment (404)."""


class AliasNotFoundError(RegistryError, NotFoundError):
    """No alias with that name on the registered model (404)."""


class ArtifactNotFoundError(RegistryError, NotFoundError):
    """The run records a model artifact that the artifact store no longer has (404)."""


class UnsafeArtifactUriError(RegistryError):
    """An artifact_uri that leaves the registry's artifact store: `..`, absolute, foreign (400)."""


class DuplicateRunError(RegistryError, ConflictError):
    """A run with the same duplicate key exists and the policy is `deny` (409, spec §8.2)."""

    def __init__(self, run_ids: Sequence[str]) -> None:
        super().__init__(
            "a non-archived run with the same config_hash, store, product, data window and "
            f"feature_frame_version already exists: {', '.join(run_ids)}"
        )
        self.run_ids = tuple(run_ids)


class TagTooLongError(RegistryError, UnprocessableError):
    """A JSON field too large for an MLflow tag (422)."""

    def __init__(self, field: str, length: int, limit: int) -> None:
        super().__init__(
            f"{field} is {length} characters as JSON; the registry keeps at most {limit}"
        )


class InvalidTransitionError(RegistryError):
    """A status change the lifecycle of spec §8.1 does not allow (400)."""

    def __init__(self, from_status: str, to_status: str, allowed: tuple[str, ...]) -> None:
        targets = ", ".join(allowed) or "none (terminal)"
        super().__init__(
            f"cannot move a run from {from_status!r} to {to_status!r}; allowed: {targets}"
        )
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = allowed


class AliasError(RegistryError):
    """An alias request the rules reject; `problem` lets the API pick 422 or 400."""

    def __init__(self, message: str, problem: AliasProblem) -> None:
        super().__init__(message)
        self.problem = problem
