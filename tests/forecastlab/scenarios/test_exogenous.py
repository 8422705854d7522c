"""The future inputs of method `model_exogenous` (spec §11.4) on a model fitted in memory."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecastlab.features.frames import baseline_price
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.models import NaiveForecaster, ProphetLikeConfig, RegressionConfig, make_forecaster
from forecastlab.scenarios.assumptions import ScenarioAssumptions
from forecastlab.scenarios.exogenous import (
    assumption_inputs,
    ratio_factors,
    reforecast,
    reforecastable,
)
from tests.forecastlab.features.conftest import dense_series

HORIZON = 10


def _model(config: object = RegressionConfig(max_iter=30), version: int = 2) -> FeatureAwareModel:
    series = dense_series(400).take(slice(0, 380))  # the plan runs past the origin
    return FeatureAwareModel.fit(
        make_forecaster(config),  # type: ignore[arg-type]
        series,
        origin=pd.Timestamp(series.dates[-1]).date(),
        baseline_price=baseline_price(series),
        feature_frame_version=version,
    )


@pytest.fixture(scope="module")
def model() -> FeatureAwareModel:
    return _model()


def _assumptions(**parts: object) -> ScenarioAssumptions:
    return ScenarioAssumptions.model_validate(parts)


def test_only_feature_aware_regression_models_are_reforecast(model: FeatureAwareModel) -> None:
    assert reforecastable(model)
    assert not reforecastable(_model(ProphetLikeConfig(), version=1))
    assert not reforecastable(NaiveForecaster().fit(np.ones(3)))


def test_inputs_inside_and_outside_the_windows(model: FeatureAwareModel) -> None:
    days = model.dates(HORIZON)
    first, fourth = days[0].isoformat(), days[3].isoformat()
    assumptions = _assumptions(
        price={"change_pct": -0.25, "start_date": fourth, "end_date": first},  # reversed
        promotion={"kind": "markdown", "start_date": first, "end_date": days[1].isoformat()},
        holiday={"dates": [days[5].isoformat()]},
    )
    inputs = assumption_inputs(days, assumptions)

    assert list(inputs.index.date) == days
    assert inputs["price_factor"].tolist() == [0.75] * 4 + [1.0] * 6
    assert inputs["promo_active"].tolist() == [1.0, 1.0] + [0.0] * 8
    assert inputs["promo_kind_markdown_active"].tolist() == inputs["promo_active"].tolist()
    assert inputs["promo_kind_bundle_active"].sum() == 0.0
    holiday = inputs["is_holiday"]
    assert holiday.iloc[5] == 1.0 and holiday.drop(holiday.index[5]).isna().all()


def test_assumed_holidays_add_to_the_stored_calendar(model: FeatureAwareModel) -> None:
    days = model.dates(HORIZON)
    planned = model.history.daily.loc[pd.DatetimeIndex(days), "is_holiday"].to_numpy()
    extra = next(i for i, flag in enumerate(planned) if flag == 0.0)
    assumptions = _assumptions(holiday={"dates": [days[extra].isoformat()]})

    rows = model.features(HORIZON, assumption_inputs(days, assumptions))
    expected = planned.copy()
    expected[extra] = 1.0
    np.testing.assert_array_equal(rows["is_holiday"].to_numpy(), expected)


def test_no_assumptions_reforecast_the_plain_prediction(model: FeatureAwareModel) -> None:
    np.testing.assert_array_equal(
        reforecast(model, HORIZON, ScenarioAssumptions()),
        np.maximum(model.predict(HORIZON), 0.0),
    )


def test_assumptions_outside_the_horizon_change_nothing(model: FeatureAwareModel) -> None:
    before = {"start_date": "2020-01-01", "end_date": "2020-01-31"}
    assumptions = _assumptions(
        price={"change_pct": -0.5, **before}, promotion={"kind": "bogo", **before}
    )
    np.testing.assert_array_equal(
        reforecast(model, HORIZON, assumptions), reforecast(model, HORIZON, ScenarioAssumptions())
    )
    assert model.origin > date(2020, 1, 31)


def test_ratio_factors_are_one_on_a_zero_baseline() -> None:
    factors = ratio_factors(np.array([2.0, 0.0, 4.0]), np.array([3.0, 5.0, 2.0]))
    np.testing.assert_array_equal(factors, [1.5, 1.0, 0.5])
