"""trend_regression_baseline: the synthetic design and Ridge, checked against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from forecastlab.models import TrendRegressionBaselineForecaster, trend_design


def _ridge_by_hand(design: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Ridge with an unpenalised intercept: solve the centred normal equations."""
    x_mean, y_mean = design.mean(axis=0), y.mean()
    centred = design - x_mean
    gram = centred.T @ centred + alpha * np.eye(design.shape[1])
    coef = np.linalg.solve(gram, centred.T @ (y - y_mean))
    return coef, y_mean - x_mean @ coef


def test_design_columns() -> None:
    design = trend_design(np.array([0, 6, 7, 30, 359, 360]), include_dow=True, include_month=True)
    assert design.shape == (6, 1 + 7 + 12)
    assert_array_equal(design[:, 0], [0, 6, 7, 30, 359, 360])
    assert_array_equal(design[:, 1:8].argmax(axis=1), [0, 6, 0, 2, 2, 3])  # i mod 7
    assert_array_equal(design[:, 8:].argmax(axis=1), [0, 0, 0, 1, 11, 0])  # (i div 30) mod 12
    assert_array_equal(design[:, 1:].sum(axis=1), [2] * 6)  # exactly one hot per block


@pytest.mark.parametrize(
    ("dow", "month", "width"), [(True, False, 8), (False, True, 13), (False, False, 1)]
)
def test_design_blocks_are_optional(dow: bool, month: bool, width: int) -> None:
    assert trend_design(np.arange(5), include_dow=dow, include_month=month).shape == (5, width)


@pytest.mark.parametrize(("alpha", "dow", "month"), [(1.0, True, True), (25.0, True, False)])
def test_forecast_matches_an_explicit_ridge_solve(alpha: float, dow: bool, month: bool) -> None:
    rng = np.random.default_rng(0)
    n, h = 75, 10
    index = np.arange(n)
    y = 20 + 0.1 * index + 3 * (index % 7 == 5) + rng.normal(0, 1, n)
    model = TrendRegressionBaselineForecaster(alpha=alpha, include_dow=dow, include_month=month)
    forecast = model.fit(y).predict(h)

    coef, intercept = _ridge_by_hand(
        trend_design(index, include_dow=dow, include_month=month), y, alpha
    )
    future = trend_design(np.arange(n, n + h), include_dow=dow, include_month=month)
    assert_allclose(forecast, future @ coef + intercept, rtol=1e-9)


def test_forecast_is_floored_at_zero() -> None:
    y = np.linspace(20.0, 1.0, 20)  # falling: continuing the index goes below zero
    model = TrendRegressionBaselineForecaster(alpha=0.1, include_dow=False, include_month=False)
    forecast = model.fit(y).predict(30)
    raw = model.estimator_.predict(
        trend_design(np.arange(20, 50), include_dow=False, include_month=False)
    )
    assert (raw < 0).any()
    assert_allclose(forecast, np.maximum(raw, 0.0))
