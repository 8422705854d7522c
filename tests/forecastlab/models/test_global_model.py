"""The global model on a small built warehouse: forecasts, backtest, pickling, determinism."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest.splitter import SplitConfig
from forecastlab.features.columns import FEATURE_COLUMNS
from forecastlab.models.global_model import GlobalForecaster, backtest_global, load_feature_panel

SPLIT = SplitConfig(n_splits=3, min_train_size=60, gap=2, horizon=7)
SMALL_MODEL = {"n_estimators": 30}


@pytest.fixture(scope="module")
def panel(small_warehouse) -> pd.DataFrame:
    return load_feature_panel(small_warehouse.engine)


@pytest.fixture(scope="module")
def fitted(panel) -> GlobalForecaster:
    return GlobalForecaster(**SMALL_MODEL).fit(panel)


def test_load_feature_panel_filters(small_warehouse, panel):
    assert list(panel.columns[:6]) == [
        "store_id",
        "product_id",
        "date",
        "quantity",
        "unit_price",
        "is_stockout",
    ]
    assert list(panel.columns[6:]) == list(FEATURE_COLUMNS)
    assert panel.equals(panel.sort_values(["store_id", "product_id", "date"], ignore_index=True))
    store, product = panel.iloc[0][["store_id", "product_id"]]
    some = load_feature_panel(
        small_warehouse.engine,
        start=panel["date"].max() - pd.Timedelta(days=9),
        series=[(int(store), int(product))],
    )
    assert len(some) <= 10
    assert set(zip(some.store_id, some.product_id, strict=True)) == {(store, product)}


def test_predict_panel_shape_dates_and_floor(fitted, panel):
    forecast = fitted.predict_panel(7)
    n_series = panel.groupby(["store_id", "product_id"]).ngroups
    assert len(forecast) == 7 * n_series
    assert list(forecast.columns) == ["store_id", "product_id", "date", "step", "forecast"]
    last = panel.groupby(["store_id", "product_id"])["date"].max()
    first = forecast[forecast.step == 1].set_index(["store_id", "product_id"])["date"]
    pd.testing.assert_series_equal(
        first, last + pd.Timedelta(days=1), check_names=False, check_dtype=False
    )
    assert (forecast["forecast"] >= 0).all()
    assert forecast["forecast"].notna().all()


def test_predict_series_equals_predict_panel_rows(fitted):
    forecast = fitted.predict_panel(10)
    for (store, product), rows in forecast.groupby(["store_id", "product_id"]):
        np.testing.assert_array_equal(
            fitted.predict_series(store, product, 10), rows["forecast"].to_numpy()
        )
    with pytest.raises(KeyError):
        fitted.predict_series(999, 999, 3)


def test_pickle_round_trip_and_determinism(fitted, panel):
    restored = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(restored.predict_panel(14), fitted.predict_panel(14))
    again = GlobalForecaster(**SMALL_MODEL).fit(panel)
    pd.testing.assert_frame_equal(again.predict_panel(14), fitted.predict_panel(14))


def test_hgb_kind(panel):
    model = GlobalForecaster("hgb", **SMALL_MODEL).fit(panel)
    assert model.name == "global_hgb"
    assert (model.predict_panel(5)["forecast"] >= 0).all()


@pytest.fixture(scope="module")
def backtest(panel) -> pd.DataFrame:
    return backtest_global(panel, SPLIT, "lightgbm", **SMALL_MODEL)


def test_backtest_global_long_format(backtest, panel):
    assert list(backtest.columns) == [
        "unique_id",
        "ds",
        "cutoff",
        "fold",
        "horizon_step",
        "y",
        "global_lightgbm",
    ]
    n_series = panel.groupby(["store_id", "product_id"]).ngroups
    assert len(backtest) == n_series * SPLIT.n_splits * SPLIT.horizon
    assert set(backtest["horizon_step"]) == set(range(SPLIT.gap + 1, SPLIT.gap + SPLIT.horizon + 1))
    assert (backtest["ds"] > backtest["cutoff"]).all()
    assert (backtest["global_lightgbm"] >= 0).all()
    merged = backtest.merge(
        panel.assign(unique_id=panel.store_id.astype(str) + "/" + panel.product_id.astype(str)),
        left_on=["unique_id", "ds"],
        right_on=["unique_id", "date"],
    )
    np.testing.assert_array_equal(merged["y"], merged["quantity"])


def test_backtest_global_does_not_leak_the_test_window(backtest, panel):
    """Everything of a series after its fold-0 cutoff is replaced: fold 0 must not move."""
    fold0 = backtest[backtest.fold == 0]
    unique_id = panel.store_id.astype(str) + "/" + panel.product_id.astype(str)
    cutoff = fold0.groupby("unique_id")["cutoff"].first()
    after = panel["date"].to_numpy() > unique_id.map(cutoff).to_numpy()
    tampered = panel.copy()
    rng = np.random.default_rng(0)
    tampered.loc[after, "quantity"] = rng.integers(0, 1000, after.sum())
    tampered.loc[after, list(FEATURE_COLUMNS[:10])] = rng.random((after.sum(), 10)) * 1000
    again = backtest_global(tampered, SPLIT, "lightgbm", **SMALL_MODEL)
    np.testing.assert_array_equal(
        again.loc[again.fold == 0, "global_lightgbm"], fold0["global_lightgbm"]
    )
    assert not np.array_equal(again.loc[again.fold == 0, "y"], fold0["y"])
