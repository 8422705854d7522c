"""Feature-aware models: estimator definitions, X checks, the D-11 floor, determinism."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from forecastlab.models import (
    FEATURE_AWARE_TYPES,
    Forecaster,
    ModelError,
    make_forecaster,
    parse_model_config,
)
from forecastlab.settings import Settings

from .conftest import make_frame

FEATURE_AWARE = sorted(FEATURE_AWARE_TYPES)
Data = tuple[np.ndarray, pd.DataFrame, pd.DataFrame]


def _model(model_type: str, settings: Settings, **params: object) -> Forecaster:
    return make_forecaster(parse_model_config({"model_type": model_type, **params}), settings)


@pytest.mark.parametrize(
    ("model_type", "expected"),
    [
        ("regression", {"max_iter": 200, "learning_rate": 0.05, "max_depth": 6}),
        (
            "lightgbm",
            {
                "n_estimators": 100,
                "learning_rate": 0.1,
                "max_depth": 6,
                "n_jobs": 1,
                "deterministic": True,
                "force_col_wise": True,
                "verbosity": -1,
            },
        ),
        (
            "xgboost",
            {
                "n_estimators": 100,
                "learning_rate": 0.1,
                "max_depth": 6,
                "n_jobs": 1,
                "tree_method": "hist",
                "verbosity": 0,
            },
        ),
        (
            "random_forest",
            {"n_estimators": 100, "max_depth": 10, "min_samples_leaf": 2, "n_jobs": 1},
        ),
    ],
)
def test_estimators_are_built_as_the_spec_defines(
    model_type: str, expected: dict[str, object], all_enabled: Settings, training_data: Data
) -> None:
    y, X, _ = training_data
    model = _model(model_type, all_enabled).fit(y, X)
    params = model.estimator_.get_params()
    assert {key: params[key] for key in expected} == expected
    assert params["random_state"] == all_enabled.forecast_random_seed
    assert (
        type(model.estimator_).__name__
        == {
            "regression": "HistGradientBoostingRegressor",
            "lightgbm": "LGBMRegressor",
            "xgboost": "XGBRegressor",
            "random_forest": "RandomForestRegressor",
        }[model_type]
    )


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_fit_predict_learns_the_signal(
    model_type: str, all_enabled: Settings, training_data: Data
) -> None:
    y, X, X_future = training_data
    forecast = _model(model_type, all_enabled).fit(y, X).predict(7, X_future)
    assert forecast.shape == (7,)
    assert forecast.dtype == np.float64
    assert np.isfinite(forecast).all()
    # y ≈ 10 + 0.5·lag_7 + 3·weekend + 4·promo + noise: every model lands near it.
    truth = 10 + 0.5 * X_future["lag_7"] + 3 * X_future["is_weekend"] + 4 * X_future["promo_active"]
    assert np.abs(forecast - truth).mean() < 3


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_forecasts_are_floored_at_zero(model_type: str, all_enabled: Settings) -> None:
    y, X = make_frame(60, seed=1)
    model = _model(model_type, all_enabled).fit(y - 100, X)  # every fitted value is negative
    assert model.estimator_.predict(X.iloc[:5].to_numpy()).max() < 0
    assert_array_equal(model.predict(5, X.iloc[:5]), np.zeros(5))


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_same_seed_same_forecast(
    model_type: str, all_enabled: Settings, training_data: Data
) -> None:
    y, X, X_future = training_data
    first = _model(model_type, all_enabled).fit(y, X).predict(7, X_future)
    second = _model(model_type, all_enabled).fit(y, X).predict(7, X_future)
    assert_array_equal(first, second)


def test_the_seed_reaches_the_estimator(all_enabled: Settings, training_data: Data) -> None:
    y, X, X_future = training_data
    other_seed = all_enabled.model_copy(update={"forecast_random_seed": 7})
    model = _model("random_forest", other_seed, n_estimators=10)
    assert model.get_params()["random_state"] == 7
    seven = model.fit(y, X).predict(7, X_future)
    default = _model("random_forest", all_enabled, n_estimators=10).fit(y, X).predict(7, X_future)
    assert not np.array_equal(seven, default)


@pytest.mark.parametrize("model_type", ["lightgbm", "xgboost", "random_forest"])
def test_tree_models_report_feature_importances(
    model_type: str, all_enabled: Settings, training_data: Data
) -> None:
    y, X, _ = training_data
    importance = _model(model_type, all_enabled).fit(y, X).feature_importance()
    assert importance is not None
    assert list(importance) == list(X.columns)
    assert all(isinstance(value, float) for value in importance.values())
    # y is driven by lag_7, promotions and weekends (dow_* encode the weekday too).
    drivers = {"lag_7", "promo_active", "is_weekend", "dow_sin", "dow_cos"}
    assert max(importance, key=importance.__getitem__) in drivers
    assert importance["lag_7"] > importance["lag_14"]  # lag_14 is noise


def test_regression_reports_no_importances(all_enabled: Settings, training_data: Data) -> None:
    y, X, _ = training_data
    assert _model("regression", all_enabled).fit(y, X).feature_importance() is None


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_nan_features_are_tolerated(model_type: str, all_enabled: Settings) -> None:
    y, X = make_frame(60, seed=2)
    X["days_since_launch"] = np.nan  # unknown launch date: the whole column is missing
    future = X.iloc[:3].copy()
    future[["lag_1", "lag_7"]] = np.nan  # future lags beyond the history tail
    assert np.isfinite(_model(model_type, all_enabled).fit(y, X).predict(3, future)).all()


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_fit_needs_a_frame_with_one_row_per_observation(
    model_type: str, all_enabled: Settings, training_data: Data
) -> None:
    y, X, _ = training_data
    model = _model(model_type, all_enabled)
    with pytest.raises(ModelError, match="needs a feature frame X"):
        model.fit(y)
    with pytest.raises(ModelError, match="needs a feature frame X"):
        model.fit(y, X.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="X has 119 rows but y has 120"):
        model.fit(y, X.iloc[:-1])
    with pytest.raises(ModelError, match="X has no columns"):
        model.fit(y, X[[]])
    with pytest.raises(ModelError, match="X must be numeric"):
        model.fit(y, X.assign(lag_1="a lot"))
    assert not model.is_fitted


@pytest.mark.parametrize("model_type", FEATURE_AWARE)
def test_predict_needs_h_rows_and_the_fit_columns_in_order(
    model_type: str, all_enabled: Settings, training_data: Data
) -> None:
    y, X, X_future = training_data
    model = _model(model_type, all_enabled).fit(y, X)
    with pytest.raises(ModelError, match="needs a feature frame X"):
        model.predict(7)
    with pytest.raises(ModelError, match="X has 7 rows but the horizon is 6"):
        model.predict(6, X_future)
    with pytest.raises(ModelError, match="differ from the columns seen in fit"):
        model.predict(7, X_future[list(reversed(X_future.columns))])
    with pytest.raises(ModelError, match="differ from the columns seen in fit"):
        model.predict(7, X_future.drop(columns="is_holiday"))
    with pytest.raises(ModelError, match="differ from the columns seen in fit"):
        model.predict(7, X_future.assign(extra=1.0))


@pytest.mark.parametrize(
    ("model_type", "package"), [("lightgbm", "lightgbm"), ("xgboost", "xgboost")]
)
def test_a_missing_optional_package_is_a_model_error(
    model_type: str,
    package: str,
    all_enabled: Settings,
    training_data: Data,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    y, X, _ = training_data
    model = _model(model_type, all_enabled)  # building does not import the package
    monkeypatch.setitem(sys.modules, package, None)  # makes `import <package>` fail
    with pytest.raises(ModelError, match=f"{model_type} needs the {package} package"):
        model.fit(y, X)
