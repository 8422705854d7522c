"""prophet_like: median imputation fitted on training X, Ridge, and the additive decomposition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from forecastlab.models import ModelError, NotFittedError, ProphetLikeForecaster

from .conftest import make_frame

Data = tuple[np.ndarray, pd.DataFrame, pd.DataFrame]


def test_components_use_the_spec_column_sets(training_data: Data) -> None:
    y, X, _ = training_data
    model = ProphetLikeForecaster().fit(y, X)
    assert model.component_columns_ == {
        "trend": ("lag_1", "lag_7", "lag_14", "lag_28", "days_since_launch"),
        "seasonality": (
            "dow_sin",
            "dow_cos",
            "month_sin",
            "month_cos",
            "is_weekend",
            "is_month_end",
        ),
        "holiday_regressor": ("price_factor", "promo_active", "is_holiday"),
    }


def test_decomposition_sums_exactly_to_the_prediction(training_data: Data) -> None:
    y, X, X_future = training_data
    model = ProphetLikeForecaster(alpha=2.0).fit(y, X)
    parts = model.decompose(X_future)
    assert list(parts.columns) == ["intercept", "trend", "seasonality", "holiday_regressor"]
    assert parts.index.equals(X_future.index)
    total = parts["intercept"] + parts["trend"] + parts["seasonality"] + parts["holiday_regressor"]
    assert_array_equal(model.predict(7, X_future), total.to_numpy())
    # …and that sum is the Ridge pipeline's own output.
    assert_allclose(total, model.estimator_.predict(X_future.to_numpy()), rtol=1e-12)


def test_each_component_is_the_partial_dot_product(training_data: Data) -> None:
    y, X, X_future = training_data
    model = ProphetLikeForecaster().fit(y, X)
    coef = pd.Series(model.feature_importance())
    row = X_future.iloc[[0]]
    parts = model.decompose(row).iloc[0]
    assert parts["holiday_regressor"] == pytest.approx(
        sum(coef[c] * row[c].iloc[0] for c in ("price_factor", "promo_active", "is_holiday"))
    )
    assert parts["intercept"] == pytest.approx(model.estimator_[-1].intercept_)


def test_imputation_uses_training_medians_only(training_data: Data) -> None:
    y, X, X_future = training_data
    model = ProphetLikeForecaster().fit(y, X)
    train_median = X["lag_7"].median()
    future = X_future.copy()
    future.loc[0, "lag_7"] = np.nan
    future.loc[1:, "lag_7"] = 1000.0  # a future-frame median would be 1000
    filled = future.copy()
    filled.loc[0, "lag_7"] = train_median
    assert_allclose(model.decompose(future), model.decompose(filled), rtol=1e-12)
    assert model.decompose(future)["trend"].iloc[0] < model.decompose(future)["trend"].iloc[1]


def test_columns_outside_the_named_sets_count_as_trend(training_data: Data) -> None:
    y, X, X_future = training_data
    model = ProphetLikeForecaster().fit(y, X.assign(lag_56=X["lag_1"] * 0.5))
    assert model.component_columns_["trend"][-1] == "lag_56"
    future = X_future.assign(lag_56=X_future["lag_1"] * 0.5)
    parts = model.decompose(future)
    total = parts["intercept"] + parts["trend"] + parts["seasonality"] + parts["holiday_regressor"]
    assert_array_equal(model.predict(7, future), total.to_numpy())
    assert_allclose(total, model.estimator_.predict(future.to_numpy()), rtol=1e-12)


def test_only_present_columns_count(training_data: Data) -> None:
    y, X, X_future = training_data
    columns = ["lag_1", "dow_sin"]  # no holiday-regressor column at all
    model = ProphetLikeForecaster().fit(y, X[columns])
    assert model.component_columns_["holiday_regressor"] == ()
    assert_array_equal(model.decompose(X_future[columns])["holiday_regressor"], np.zeros(7))


def test_an_all_nan_training_column_keeps_its_place() -> None:
    y, X = make_frame(40, seed=5)
    X["days_since_launch"] = np.nan
    model = ProphetLikeForecaster().fit(y, X)
    importance = model.feature_importance()
    assert importance is not None
    assert list(importance) == list(X.columns)
    assert importance["days_since_launch"] == 0.0


def test_feature_importance_is_the_signed_ridge_coefficients(training_data: Data) -> None:
    y, X, _ = training_data
    model = ProphetLikeForecaster().fit(y, X)
    importance = model.feature_importance()
    assert importance is not None
    assert_array_equal(list(importance.values()), model.estimator_[-1].coef_)
    assert importance["promo_active"] > 0  # y rises by 4 with a promotion


def test_predict_floors_while_decompose_stays_raw() -> None:
    y, X = make_frame(40, seed=6)
    model = ProphetLikeForecaster().fit(y - 100, X)
    raw = model.decompose(X.iloc[:3]).sum(axis=1)
    assert (raw < 0).all()
    assert_array_equal(model.predict(3, X.iloc[:3]), np.zeros(3))


def test_decompose_checks_its_input(training_data: Data) -> None:
    y, X, X_future = training_data
    with pytest.raises(NotFittedError):
        ProphetLikeForecaster().decompose(X_future)
    model = ProphetLikeForecaster().fit(y, X)
    with pytest.raises(ModelError, match="differ from the columns seen in fit"):
        model.decompose(X_future.iloc[:, 1:])
    with pytest.raises(ModelError, match="X has no rows"):
        model.decompose(X_future.iloc[:0])
