"""Domain error kinds shared by every slice; the API maps each kind to one HTTP status.

Slices raise their own subclasses (RunNotFoundError, InsufficientDataError, ...) so callers
can catch precisely, while the serving layer needs to know only these four kinds.
"""

from __future__ import annotations


class NotFoundError(LookupError):
    """The named thing (a store, a run, a job, a model artifact) does not exist (404)."""


class BadRequestError(ValueError):
    """The request is well-formed but breaks a business rule (400)."""


class ConflictError(RuntimeError):
    """The request collides with the current state, e.g. a duplicate run under `deny` (409)."""


class UnprocessableError(ValueError):
    """The request passed the schema but cannot be acted on, e.g. an escaping path (422)."""


DOMAIN_ERRORS: tuple[type[Exception], ...] = (
    NotFoundError,
    BadRequestError,
    ConflictError,
    UnprocessableError,
)


def public_message(error: BaseException, details_at: str) -> str:
    """What may be stored where API clients read it: a domain error's own message, otherwise
    only the error's class (a driver or OS message can quote SQL, data or file paths)."""
    if isinstance(error, DOMAIN_ERRORS):
        return str(error) or type(error).__name__
    return f"{type(error).__name__}: an internal error occurred; details are in {details_at}"
