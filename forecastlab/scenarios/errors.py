"""Errors of the scenarios slice; each is one of the domain kinds."""

from __future__ import annotations

from forecastlab.errors import NotFoundError


class ScenarioNotFoundError(NotFoundError):
    """No saved plan with this id, or none with some of these ids (404)."""
