"""Errors of the read side, each one of the domain kinds the API maps to a status."""

from __future__ import annotations

from forecastlab.errors import BadRequestError, NotFoundError


class DimensionNotFoundError(NotFoundError):
    """No store / product with the requested id (404)."""


class DateRangeError(BadRequestError):
    """An analytics date range that is inverted or longer than allowed (400)."""
