"""Errors of the explanations; each is one of the domain kinds of `forecastlab.errors`."""

from __future__ import annotations

from forecastlab.errors import BadRequestError


class NotExplainableError(BadRequestError):
    """Nothing to explain the way it was asked: a model type without this kind of explanation, a
    run or job without a series, a job that is not a completed predict job (400)."""
