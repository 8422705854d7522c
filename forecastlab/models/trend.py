"""trend_regression_baseline (spec §6.3): Ridge on a synthetic design built from array positions."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from forecastlab.models.base import Forecaster

_DAYS_PER_WEEK = 7
# A "month" is 30 positions and the year has 12 of them: positions, not calendar dates.
_DAYS_PER_MONTH = 30
_MONTHS_PER_YEAR = 12


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    return (codes[:, None] == np.arange(width)).astype(np.float64)


def trend_design(index: np.ndarray, *, include_dow: bool, include_month: bool) -> np.ndarray:
    """The design rows of elapsed-day positions: i, one-hot(i mod 7), one-hot((i div 30) mod 12)."""
    index = np.asarray(index, dtype=np.int64)
    blocks = [index[:, None].astype(np.float64)]
    if include_dow:
        blocks.append(_one_hot(index % _DAYS_PER_WEEK, _DAYS_PER_WEEK))
    if include_month:
        blocks.append(_one_hot((index // _DAYS_PER_MONTH) % _MONTHS_PER_YEAR, _MONTHS_PER_YEAR))
    return np.hstack(blocks)


class TrendRegressionBaselineForecaster(Forecaster):
    """Ridge(alpha) on positions 0…n-1, predicting positions n, n+1, …. Needs n ≥ 2."""

    model_type = "trend_regression_baseline"
    floor_at_zero = True

    def __init__(
        self, alpha: float = 1.0, include_dow: bool = True, include_month: bool = True
    ) -> None:
        self.alpha = alpha
        self.include_dow = include_dow
        self.include_month = include_month

    @property
    def min_observations(self) -> int:
        return 2

    def _design(self, index: np.ndarray) -> np.ndarray:
        return trend_design(index, include_dow=self.include_dow, include_month=self.include_month)

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        self.estimator_ = Ridge(alpha=self.alpha).fit(self._design(np.arange(y.shape[0])), y)

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        start = self.n_observations_
        return self.estimator_.predict(self._design(np.arange(start, start + h)))
