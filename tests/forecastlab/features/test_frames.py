"""V1/V2 frames: one builder for historical and future rows, manifests, baseline price."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecastlab.features.frames import (
    DEFAULT_V2_GROUPS,
    SAFETY_CLASSES,
    V1_COLUMNS,
    V2_GROUPS,
    backtest_feature_builder,
    baseline_price,
    feature_columns,
    future_frame,
    historical_frame,
)
from forecastlab.features.series import observed_exogenous
from tests.forecastlab.features.conftest import dense_series

VERSIONS = [(1, None), (2, None)]


@pytest.mark.parametrize(("version", "groups"), VERSIONS)
def test_future_row_for_a_held_back_day_equals_its_historical_row(version, groups):
    series = dense_series()
    train_rows, held = 420, 40
    train = series.take(slice(0, train_rows))
    days = series.dates[train_rows : train_rows + held]
    baseline = baseline_price(train)
    future = future_frame(
        train, days, version, groups, baseline, exogenous=observed_exogenous(series, days)
    )
    historical = historical_frame(series, version, groups, baseline).iloc[
        train_rows : train_rows + held
    ]
    pd.testing.assert_index_equal(future.index, historical.index)
    observable = future.notna()
    np.testing.assert_allclose(
        future.to_numpy()[observable.to_numpy()], historical.to_numpy()[observable.to_numpy()]
    )
    # What must be observable: step 1 has everything; lag_k exactly up to step k.
    assert future.iloc[0].notna().all()
    for k in (1, 7, 14, 28):
        assert observable[f"lag_{k}"].tolist() == [j <= k for j in range(1, held + 1)]
    if version == 2:
        assert observable["rolling_mean_7"].tolist() == [True] + [False] * (held - 1)
        assert observable["same_dow_mean_4"].tolist() == [j <= 7 for j in range(1, held + 1)]


@pytest.mark.parametrize(("version", "groups"), VERSIONS)
def test_target_derived_values_never_see_the_row_or_later(version, groups):
    series = dense_series(days=460, seed=3)
    baseline = baseline_price(series)
    before = historical_frame(series, version, groups, baseline)
    derived = [c for c in before.columns if SAFETY_CLASSES[c] == "conditionally_safe"]
    rng = np.random.default_rng(1)
    for cut in (1, 30, 200, 365, 459):
        altered = series.quantity.copy()
        altered[cut:] = rng.integers(0, 500, altered.size - cut)
        after = historical_frame(replace(series, quantity=altered), version, groups, baseline)
        pd.testing.assert_frame_equal(
            after[derived].iloc[: cut + 1], before[derived].iloc[: cut + 1]
        )


def test_manifests():
    assert len(V1_COLUMNS) == 14
    assert feature_columns(1) == V1_COLUMNS
    default = feature_columns(2)
    assert default == tuple(c for g in DEFAULT_V2_GROUPS for c in V2_GROUPS[g])
    assert default[:3] == ("lag_1", "lag_7", "lag_14")
    # Group order is the table's, not the caller's; disabled groups are omitted.
    chosen = feature_columns(2, ["lifecycle", "target_history"])
    assert chosen == V2_GROUPS["target_history"] + V2_GROUPS["lifecycle"]
    frame = historical_frame(dense_series(days=60), 2, ["lifecycle", "target_history"])
    assert tuple(frame.columns) == chosen
    assert "rolling_mean_7" not in frame
    assert feature_columns(2, V2_GROUPS)[-1] == "exo_macro_index"
    with pytest.raises(ValueError, match="unknown V2"):
        feature_columns(2, ["weather"])
    with pytest.raises(ValueError, match="version 2 only"):
        feature_columns(1, ["calendar"])
    with pytest.raises(NotImplementedError, match="returns_qty_7"):
        historical_frame(dense_series(days=60), 2, ["returns"])


def test_safety_classes():
    assert {SAFETY_CLASSES[c] for c in ("lag_1", "lag_28")} == {"conditionally_safe"}
    assert {SAFETY_CLASSES[c] for c in ("price_factor", "promo_active")} == {
        "unsafe_unless_supplied"
    }
    assert {SAFETY_CLASSES[c] for c in ("dow_sin", "is_holiday", "days_since_launch")} == {"safe"}
    assert set(V1_COLUMNS) <= set(SAFETY_CLASSES)


def test_baseline_price_fallbacks():
    series = dense_series(days=30)
    assert baseline_price(series) == pytest.approx(float(np.median(series.unit_price)))
    no_prices = replace(series, unit_price=np.full(30, np.nan))
    assert baseline_price(no_prices) == 2.5
    assert baseline_price(replace(no_prices, base_price=None)) == 1.0
    assert baseline_price(series.take(slice(0, 0))) == 2.5


def test_price_factor_and_future_defaults():
    series = dense_series(days=60)
    frame = historical_frame(series, baseline_price=2.0)
    np.testing.assert_allclose(frame["price_factor"], series.unit_price / 2.0)
    days = series.dates[-1] + np.arange(1, 4)
    plain = future_frame(series, days, baseline_price=2.0)
    assert plain["price_factor"].tolist() == [1.0] * 3
    assert plain["promo_active"].tolist() == [0.0] * 3
    assumed = pd.DataFrame(
        {"unit_price": [3.0, 1.0, np.nan], "promo_active": [1, 0, 1]}, index=days
    )
    scenario = future_frame(series, days, baseline_price=2.0, exogenous=assumed)
    assert scenario["price_factor"].tolist() == [1.5, 0.5, 1.0]
    assert scenario["promo_active"].tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="after the last observed row"):
        future_frame(series, series.dates[-2:], baseline_price=2.0)


def test_backtest_feature_builder_uses_the_train_slice_only():
    series = dense_series(days=200)
    build = backtest_feature_builder(series, version=1)
    train_index, forecast_index = np.arange(20, 150), np.arange(150, 164)
    x_train, x_test = build(train_index, forecast_index)
    assert x_train.index.equals(pd.DatetimeIndex(series.dates[20:150], name="date"))
    assert x_test.index.equals(pd.DatetimeIndex(series.dates[150:164], name="date"))
    baseline = float(np.median(series.unit_price[20:150]))
    np.testing.assert_allclose(x_test["price_factor"], series.unit_price[150:164] / baseline)
    assert np.isnan(x_train["lag_1"].iloc[0])  # the slice starts at its own row 0
    # Test-window targets and later prices never reach the train rows.
    shuffled = series.quantity.copy()
    shuffled[150:] = 0
    repriced = series.unit_price.copy()
    repriced[150:] = 99.0
    other = backtest_feature_builder(replace(series, quantity=shuffled, unit_price=repriced))
    pd.testing.assert_frame_equal(other(train_index, forecast_index)[0], x_train)
