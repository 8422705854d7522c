"""The Forecaster contract every model honours: input checks, minimum data, no side effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from forecastlab.models import (
    KNOWN_MODEL_TYPES,
    InsufficientDataError,
    ModelError,
    NotFittedError,
    make_forecaster,
    parse_model_config,
)
from forecastlab.models.base import Forecaster
from forecastlab.settings import Settings

from .conftest import make_frame


def _model(data: dict[str, object], settings: Settings) -> Forecaster:
    return make_forecaster(parse_model_config(data), settings)


def test_insufficient_data_message(settings: Settings) -> None:
    model = _model({"model_type": "seasonal_naive", "season_length": 7}, settings)
    with pytest.raises(InsufficientDataError) as error:
        model.fit(np.array([1.0, 2.0, 3.0]))
    assert str(error.value) == "seasonal_naive needs at least 7 observations, got 3"


@pytest.mark.parametrize(
    ("data", "needed"),
    [
        ({"model_type": "naive"}, 1),
        ({"model_type": "seasonal_naive", "season_length": 5}, 5),
        ({"model_type": "moving_average", "window_size": 4}, 4),
        ({"model_type": "weighted_moving_average", "window_size": 6}, 6),
        ({"model_type": "seasonal_average", "season_length": 3}, 6),
        ({"model_type": "trend_regression_baseline"}, 2),
        ({"model_type": "regression"}, 2),
        ({"model_type": "prophet_like"}, 2),
        ({"model_type": "lightgbm"}, 2),
        ({"model_type": "xgboost"}, 2),
        ({"model_type": "random_forest", "min_samples_leaf": 1}, 2),
        ({"model_type": "croston", "variant": "sba"}, 1),
        ({"model_type": "tsb"}, 1),
        ({"model_type": "adida"}, 1),
        ({"model_type": "imapa"}, 1),
    ],
)
def test_minimum_observations(data: dict[str, object], needed: int, all_enabled: Settings) -> None:
    y, X = make_frame(needed, seed=0)
    model = _model(data, all_enabled)
    with pytest.raises(InsufficientDataError, match=f"at least {needed} observations, got"):
        model.fit(y[:-1], X.iloc[:-1])
    assert not model.is_fitted
    model.fit(y, X)
    assert model.is_fitted
    assert model.n_observations_ == needed
    assert model.predict(1, X.iloc[:1]).shape == (1,)


@pytest.mark.parametrize("model_type", KNOWN_MODEL_TYPES)
def test_predict_before_fit(model_type: str, all_enabled: Settings) -> None:
    model = _model({"model_type": model_type}, all_enabled)
    with pytest.raises(NotFittedError, match=f"{model_type} is not fitted"):
        model.predict(3, make_frame(3, seed=0)[1])
    with pytest.raises(NotFittedError):
        model.feature_importance()


@pytest.mark.parametrize("h", [0, -1, 1.5, True, "3"])
def test_horizon_must_be_a_positive_integer(h: object, settings: Settings) -> None:
    model = _model({"model_type": "naive"}, settings).fit(np.array([1.0]))
    with pytest.raises(ModelError, match="h must be a positive integer"):
        model.predict(h)  # type: ignore[arg-type]


def test_numpy_integer_horizon(settings: Settings) -> None:
    model = _model({"model_type": "naive"}, settings).fit(np.array([1.0]))
    assert model.predict(np.int64(2)).shape == (2,)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.ones((3, 2)), "one-dimensional"),
        (np.array([1.0, np.nan, 2.0]), "NaN or infinite"),
        (np.array([1.0, np.inf]), "NaN or infinite"),
    ],
)
def test_target_must_be_a_finite_series(y: np.ndarray, message: str, settings: Settings) -> None:
    with pytest.raises(ModelError, match=message):
        _model({"model_type": "naive"}, settings).fit(y)


def test_target_only_models_ignore_x(settings: Settings) -> None:
    y, X = make_frame(10, seed=0)
    model = _model({"model_type": "moving_average", "window_size": 3}, settings)
    assert_array_equal(model.fit(y, X).predict(2, X.iloc[:5]), model.fit(y).predict(2))


@pytest.mark.parametrize("model_type", KNOWN_MODEL_TYPES)
def test_predict_has_no_side_effects(model_type: str, all_enabled: Settings) -> None:
    y, X = make_frame(60, seed=4)
    future = X.iloc[:5].copy()
    future.loc[0, "lag_1"] = np.nan
    y_before, X_before, future_before = y.copy(), X.copy(), future.copy()

    model = _model({"model_type": model_type}, all_enabled).fit(y, X)
    state_before = {k: v for k, v in vars(model).items() if k.endswith("_")}
    first = model.predict(5, future)
    second = model.predict(5, future)

    assert_array_equal(first, second)
    assert first.dtype == np.float64
    assert first.shape == (5,)
    assert_array_equal(y, y_before)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_frame_equal(future, future_before)
    assert {k: v for k, v in vars(model).items() if k.endswith("_")}.keys() == state_before.keys()
    # A later change to the caller's array never reaches the fitted model.
    y[:] = 0.0
    assert_array_equal(model.predict(5, future), first)


@pytest.mark.parametrize("model_type", KNOWN_MODEL_TYPES)
def test_refit_replaces_the_fitted_state(model_type: str, all_enabled: Settings) -> None:
    y, X = make_frame(60, seed=4)
    model = _model({"model_type": model_type}, all_enabled)
    on_y = model.fit(y, X).predict(3, X.iloc[:3])
    model.fit(y[::-1].copy() * 2, X)
    assert model.n_observations_ == 60
    assert not np.array_equal(model.predict(3, X.iloc[:3]), on_y)
