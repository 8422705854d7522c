"""The five target-only baselines of spec §6.3, as plain single-series reference definitions."""

from __future__ import annotations

from abc import abstractmethod
from typing import Literal

import numpy as np

from forecastlab.models.base import Forecaster


class _LevelForecaster(Forecaster):
    """A baseline that forecasts one constant level for every horizon step."""

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        self.level_ = float(self._level(y))

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        return np.full(h, self.level_)

    @abstractmethod
    def _level(self, y: np.ndarray) -> float:
        """The level the model forecasts, from the whole series."""


class NaiveForecaster(_LevelForecaster):
    """naive: every step predicts the last observation `y[n-1]`. Needs n ≥ 1."""

    model_type = "naive"

    def _level(self, y: np.ndarray) -> float:
        return y[-1]


class MovingAverageForecaster(_LevelForecaster):
    """moving_average: every step predicts the mean of the last W values. Needs n ≥ W."""

    model_type = "moving_average"

    def __init__(self, window_size: int = 7) -> None:
        self.window_size = window_size

    @property
    def min_observations(self) -> int:
        return self.window_size

    def _level(self, y: np.ndarray) -> float:
        return y[-self.window_size :].mean()


class WeightedMovingAverageForecaster(_LevelForecaster):
    """weighted_moving_average: the weighted mean of the last W values. Needs n ≥ W.

    Linear weights are 1, 2, …, W; exponential weights decay^(W-1), …, decay^0 (oldest to
    newest, so the newest value always weighs most).
    """

    model_type = "weighted_moving_average"

    def __init__(
        self,
        window_size: int = 7,
        weight_strategy: Literal["linear", "exponential"] = "linear",
        decay: float = 0.7,
    ) -> None:
        self.window_size = window_size
        self.weight_strategy = weight_strategy
        self.decay = decay

    @property
    def min_observations(self) -> int:
        return self.window_size

    def weights(self) -> np.ndarray:
        """The weights of the last W values, oldest first."""
        if self.weight_strategy == "linear":
            return np.arange(1, self.window_size + 1, dtype=np.float64)
        return self.decay ** np.arange(self.window_size - 1, -1, -1, dtype=np.float64)

    def _level(self, y: np.ndarray) -> float:
        weights = self.weights()
        return float(weights @ y[-self.window_size :] / weights.sum())


class SeasonalNaiveForecaster(Forecaster):
    """seasonal_naive: step h (0-based) predicts `y[n-S + (h mod S)]`, cycling. Needs n ≥ S."""

    model_type = "seasonal_naive"

    def __init__(self, season_length: int = 7) -> None:
        self.season_length = season_length

    @property
    def min_observations(self) -> int:
        return self.season_length

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        self.last_season_ = y[-self.season_length :].copy()

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        return self.last_season_[np.arange(h) % self.season_length]


class SeasonalAverageForecaster(Forecaster):
    """seasonal_average: the mean of the values exactly k seasons before each target day.

    The last S·C values are kept. For horizon day j (1-based) the samples are
    `history[last - (k·S - j)]` for k = 1…C where that position exists; with `trim_outliers`
    and at least 4 samples one minimum and one maximum are dropped; with no sample the forecast
    falls back to the last value. Needs n ≥ 2S.
    """

    model_type = "seasonal_average"

    def __init__(
        self, season_length: int = 7, lookback_cycles: int = 4, trim_outliers: bool = False
    ) -> None:
        self.season_length = season_length
        self.lookback_cycles = lookback_cycles
        self.trim_outliers = trim_outliers

    @property
    def min_observations(self) -> int:
        return 2 * self.season_length

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        self.history_ = y[-self.season_length * self.lookback_cycles :].copy()

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        last = self.history_.shape[0] - 1
        seasons_back = self.season_length * np.arange(1, self.lookback_cycles + 1)
        forecast = np.empty(h)
        for j in range(1, h + 1):
            positions = last - (seasons_back - j)
            samples = self.history_[positions[(positions >= 0) & (positions <= last)]]
            forecast[j - 1] = self._aggregate(samples)
        return forecast

    def _aggregate(self, samples: np.ndarray) -> float:
        if samples.size == 0:
            return float(self.history_[-1])
        if self.trim_outliers and samples.size >= 4:
            samples = np.sort(samples)[1:-1]
        return float(samples.mean())
