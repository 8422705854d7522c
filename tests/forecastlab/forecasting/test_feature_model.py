"""FeatureAwareModel: a fitted feature-aware forecaster that forecasts from its stored tail."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pandas as pd
import pytest

from forecastlab.features.frames import HISTORY_TAIL, baseline_price, future_frame
from forecastlab.features.series import SeriesData
from forecastlab.forecasting.feature_model import FeatureAwareModel, history_tail
from forecastlab.models import RegressionConfig, make_forecaster
from tests.forecastlab.features.conftest import dense_series

HORIZON = 14
OBSERVED = 470  # of the 500 planned days: the plan runs past the last observed row


def _observed() -> SeriesData:
    return dense_series(500).take(slice(0, OBSERVED))


def _fit(series: SeriesData, version: int, groups: tuple[str, ...] | None) -> FeatureAwareModel:
    return FeatureAwareModel.fit(
        make_forecaster(RegressionConfig(max_iter=20)),
        series,
        origin=pd.Timestamp(series.dates[-1]).date(),
        baseline_price=baseline_price(series),
        feature_frame_version=version,
        feature_groups=groups,
    )


@pytest.mark.parametrize(
    ("version", "groups"), [(1, None), (2, None), (2, ("target_history", "calendar"))]
)
def test_the_stored_tail_builds_the_future_rows_of_the_full_series(
    version: int, groups: tuple[str, ...] | None
) -> None:
    series = _observed()
    model = _fit(series, version, groups)

    assert model.history.n == HISTORY_TAIL[version]
    full = future_frame(series, model.dates(HORIZON), version, groups, baseline_price(series))
    pd.testing.assert_frame_equal(model.features(HORIZON), full)
    assert list(full.columns) == list(model.feature_columns)
    np.testing.assert_array_equal(model.predict(HORIZON), model.forecaster.predict(HORIZON, full))


def test_future_rows_read_the_holiday_plan_and_default_the_unsafe_columns() -> None:
    series = _observed()
    model = _fit(series, 1, None)
    rows = model.features(HORIZON)

    planned = series.daily.loc[rows.index, "is_holiday"].to_numpy()
    assert planned.any()  # the check below would be vacuous on a plan without holidays
    np.testing.assert_array_equal(rows["is_holiday"].to_numpy(), planned)
    assert (rows["price_factor"] == 1.0).all()
    assert (rows["promo_active"] == 0.0).all()
    assert rows["lag_1"].isna().sum() == HORIZON - 1  # only step 1 sees an observed lag_1


def test_forecasts_start_the_day_after_the_origin() -> None:
    model = _fit(_observed(), 1, None)
    dates = model.dates(3)
    assert [(d - model.origin).days for d in dates] == [1, 2, 3]
    assert list(model.features(3).index.date) == dates


def test_given_rows_replace_the_stored_history() -> None:
    model = _fit(_observed(), 1, None)
    rows = model.features(HORIZON).assign(price_factor=0.5, promo_active=1.0)
    np.testing.assert_array_equal(
        model.predict(HORIZON, rows), model.forecaster.predict(HORIZON, rows)
    )
    assert not np.array_equal(model.predict(HORIZON, rows), model.predict(HORIZON))


def test_the_model_survives_pickling() -> None:
    model = _fit(_observed(), 2, None)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    restored = joblib.load(buffer)
    np.testing.assert_array_equal(restored.predict(HORIZON), model.predict(HORIZON))


def test_history_tail_keeps_the_last_rows_and_their_plan() -> None:
    series = _observed()
    tail = history_tail(series, 90)
    np.testing.assert_array_equal(tail.dates, series.dates[-90:])
    np.testing.assert_array_equal(tail.quantity, series.quantity[-90:])
    assert tail.daily.index[0] == pd.Timestamp(series.dates[-90])
    assert tail.daily.index[-1] == series.daily.index[-1]
    assert history_tail(series, 10_000).n == series.n
