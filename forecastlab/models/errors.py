"""Typed errors of the model zoo; all are `ValueError`s, which the API maps to 400 (spec §6.3)."""

from __future__ import annotations

from forecastlab.errors import BadRequestError


class ModelError(BadRequestError):
    """A model cannot be built, fitted or asked for this forecast; the message says why."""


class ModelNotEnabledError(ModelError):
    """An opt-in model whose settings flag is off; the message names the flag."""


class InsufficientDataError(ModelError):
    """The series is shorter than the model's minimum ("Needs n ≥ …" of spec §6.3)."""


class NotFittedError(ModelError):
    """`predict` (or an inspection of fitted state) before `fit`."""
