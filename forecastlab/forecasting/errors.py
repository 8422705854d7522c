"""Errors of on-demand training, prediction and backtesting; each is one of the domain kinds."""

from __future__ import annotations

from forecastlab.backtest.errors import BacktestError
from forecastlab.errors import BadRequestError, NotFoundError


class NoDataError(BadRequestError):
    """The grain has no observed rows in the requested window (400)."""


class PredictRequestError(BadRequestError):
    """A prediction the addressed model cannot answer as asked: bad model address, another
    series than the one it was trained on, a horizon over the configured maximum (400)."""


class ModelNotFoundError(NotFoundError):
    """The addressed run has no model artifact, or the model holds no such series (404)."""


class BacktestLimitError(BacktestError):
    """A backtest split over the limits the settings allow (400)."""


class UnavailableFeaturesError(BadRequestError):
    """Feature groups the API cannot build yet (the opt-in V2 groups that need loaders) (400)."""
