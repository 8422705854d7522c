"""Backtest errors: each one is a caller mistake or a data shortfall (400 at the API)."""

from __future__ import annotations

from forecastlab.errors import BadRequestError


class BacktestError(BadRequestError):
    """Base class of every backtest error."""


class BacktestDataError(BacktestError):
    """Too few observations for the requested split."""

    def __init__(self, available: int, required: int) -> None:
        super().__init__(
            f"insufficient data for the backtest split: {available} observations, "
            f"{required} required (min_train_size + gap + horizon)"
        )
        self.available = available
        self.required = required


class FeatureFramesRequiredError(BacktestError):
    """A feature-aware model was backtested without feature frames."""
