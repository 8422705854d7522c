"""The target-only baselines against values computed by hand from the spec §6.3 formulas."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from forecastlab.models import (
    MovingAverageForecaster,
    NaiveForecaster,
    SeasonalAverageForecaster,
    SeasonalNaiveForecaster,
    WeightedMovingAverageForecaster,
)


def test_naive_repeats_the_last_value() -> None:
    forecast = NaiveForecaster().fit(np.array([3.0, 9.0, 4.0])).predict(3)
    assert_array_equal(forecast, [4.0, 4.0, 4.0])
    assert forecast.dtype == np.float64


def test_naive_accepts_integers_and_lists() -> None:
    assert_array_equal(NaiveForecaster().fit([1, 2, 5]).predict(2), [5.0, 5.0])


def test_seasonal_naive_cycles_the_last_season() -> None:
    y = np.arange(1, 11, dtype=float)  # 1 … 10
    forecast = SeasonalNaiveForecaster(season_length=7).fit(y).predict(10)
    # Last season = 4 … 10; step h predicts stored[h mod 7].
    assert_array_equal(forecast, [4, 5, 6, 7, 8, 9, 10, 4, 5, 6])


def test_seasonal_naive_with_season_one_is_naive() -> None:
    y = np.array([2.0, 7.0, 3.0])
    assert_array_equal(SeasonalNaiveForecaster(season_length=1).fit(y).predict(4), [3, 3, 3, 3])


def test_moving_average_of_the_last_window() -> None:
    forecast = MovingAverageForecaster(window_size=3).fit(np.array([1.0, 2, 3, 10])).predict(4)
    assert_array_equal(forecast, [5.0] * 4)  # (2 + 3 + 10) / 3


def test_weighted_moving_average_linear_weights() -> None:
    model = WeightedMovingAverageForecaster(window_size=3, weight_strategy="linear")
    forecast = model.fit(np.array([100.0, 2, 4, 8])).predict(2)
    # weights 1, 2, 3 on 2, 4, 8 (the newest weighs 3): (2 + 8 + 24) / 6
    assert_allclose(forecast, [34 / 6, 34 / 6])


def test_weighted_moving_average_exponential_weights() -> None:
    model = WeightedMovingAverageForecaster(window_size=3, weight_strategy="exponential", decay=0.5)
    forecast = model.fit(np.array([100.0, 2, 4, 8])).predict(2)
    # weights 0.25, 0.5, 1 on 2, 4, 8: (0.5 + 2 + 8) / 1.75
    assert_allclose(forecast, [6.0, 6.0])
    assert_allclose(model.weights(), [0.25, 0.5, 1.0])


def test_weighted_moving_average_linear_ignores_decay() -> None:
    y = np.array([1.0, 5, 2, 9, 4])
    a = WeightedMovingAverageForecaster(window_size=4, decay=0.2).fit(y).predict(1)
    b = WeightedMovingAverageForecaster(window_size=4, decay=0.9).fit(y).predict(1)
    assert_array_equal(a, b)


def test_seasonal_average_uses_the_values_whole_seasons_back() -> None:
    # S=2, C=3: history = last 6 values 3 … 8 (positions 0 … 5).
    model = SeasonalAverageForecaster(season_length=2, lookback_cycles=3)
    forecast = model.fit(np.arange(1, 9, dtype=float)).predict(7)
    # j=1: 7, 5, 3 | j=2: 8, 6, 4 | j=3: 7, 5 | j=4: 8, 6 | j=5: 7 | j=6: 8 | j=7: none → last
    assert_array_equal(forecast, [5, 6, 6, 7, 7, 8, 8])


def test_seasonal_average_with_a_short_history_uses_what_exists() -> None:
    # n=5 < S·C=6: history = 1 … 5 (positions 0 … 4).
    model = SeasonalAverageForecaster(season_length=2, lookback_cycles=3)
    forecast = model.fit(np.arange(1, 6, dtype=float)).predict(2)
    # j=1: 4 (k=1), 2 (k=2), k=3 would be before the start | j=2: 5, 3, 1
    assert_array_equal(forecast, [3.0, 3.0])


def test_seasonal_average_only_keeps_the_last_cycles() -> None:
    model = SeasonalAverageForecaster(season_length=2, lookback_cycles=2)
    forecast = model.fit(np.array([1000.0, 1000.0, 1, 2, 3, 4])).predict(2)
    assert_array_equal(forecast, [2.0, 3.0])  # (3 + 1) / 2, (4 + 2) / 2


@pytest.mark.parametrize(("trim", "first_day"), [(True, 6.0), (False, 28.25)])
def test_seasonal_average_trim_drops_one_min_and_one_max(trim: bool, first_day: float) -> None:
    y = np.array([10.0, 0, 1, 0, 2, 0, 100, 0])
    model = SeasonalAverageForecaster(season_length=2, lookback_cycles=4, trim_outliers=trim)
    forecast = model.fit(y).predict(3)
    # j=1 samples 100, 2, 1, 10 → trimmed to 2, 10; j=3 has only 3 samples (100, 2, 1): no trim.
    assert_allclose(forecast, [first_day, 0.0, 103 / 3])


def test_seasonal_average_falls_back_to_the_last_value() -> None:
    model = SeasonalAverageForecaster(season_length=2, lookback_cycles=2)
    forecast = model.fit(np.array([1.0, 2, 3, 9])).predict(6)
    assert_array_equal(forecast[4:], [9.0, 9.0])  # j > S·C: no sample exists
