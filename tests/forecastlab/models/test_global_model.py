"""The global model on a small built warehouse: forecasts, backtest, pickling, determinism."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest.splitter import SplitConfig
from forecastlab.features.horizon import History, horizon_rows, training_rows
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
    assert list(panel.columns) == [
        "store_id",
        "product_id",
        "date",
        "quantity",
        "unit_price",
        "promo_active",
        "is_holiday",
        "category",
    ]
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
        # The one-series path (explicit dates: no batch cache) gives the same numbers.
        np.testing.assert_allclose(
            fitted.predict_series(store, product, 10, dates=rows["date"]),
            rows["forecast"].to_numpy(),
            rtol=1e-12,
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
    tampered.loc[after, "unit_price"] = rng.random(after.sum()) * 1000
    # The test window's own price/promotion/holiday are the inputs a forecast may read.
    tampered.loc[after, "unit_price"] = panel.loc[after, "unit_price"]
    again = backtest_global(tampered, SPLIT, "lightgbm", **SMALL_MODEL)
    np.testing.assert_array_equal(
        again.loc[again.fold == 0, "global_lightgbm"], fold0["global_lightgbm"]
    )
    assert not np.array_equal(again.loc[again.fold == 0, "y"], fold0["y"])


def test_forecast_rows_equal_training_rows_at_the_same_origin(panel):
    """No train/serve skew: for one origin, the rows the model trains on (targets 1..H rows
    after it) and the rows it forecasts from (history cut at the origin) have the same
    features, value for value, so the same availability (NaN pattern) too."""
    horizon = 14
    history = History.from_panel(panel)
    origin = history.length - horizon - 1  # per series: the origin, `horizon` rows before the end
    series = np.repeat(np.arange(history.length.size), horizon)
    steps = np.tile(np.arange(1, horizon + 1), history.length.size)
    target_rows = history.start[series] + origin[series] + steps
    targets = panel.iloc[target_rows][["date", "unit_price", "promo_active", "is_holiday"]]
    training = horizon_rows(history, series, origin[series], steps, targets)

    position = panel.groupby(["store_id", "product_id"]).cumcount().to_numpy()
    cut = panel[position <= np.repeat(origin, history.length)]
    model = GlobalForecaster(**SMALL_MODEL).fit(cut)
    requests = panel.iloc[target_rows][["store_id", "product_id", *targets.columns]]
    requests["step"] = steps
    served = model.rows_matrix(requests.reset_index(drop=True))
    kept = [c for c in model.feature_names_ if c in training.columns]
    assert len(kept) > 20
    pd.testing.assert_frame_equal(
        served[kept].astype(float),
        training[kept].reset_index(drop=True).astype(np.float32).astype(float),
    )
    # The longest lag features are present at every step, exactly as in training.
    assert served["mean_112"].notna().all() and served["last_6"].notna().all()


def test_training_rows_cover_every_step_and_start_at_observed_origins(panel):
    history = History.from_panel(panel)
    series, origin, step = training_rows(history, 28, seed=3)
    assert set(np.unique(step)) == set(range(1, 29))
    assert (origin >= 0).all() and (origin + step < history.length[series]).all()
    again = training_rows(history, 28, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((series, origin, step), again, strict=True))


def test_constant_and_empty_features_are_dropped_and_recorded(panel):
    flat = panel.assign(promo_active=0, unit_price=np.nan)
    model = GlobalForecaster(**SMALL_MODEL).fit(flat)
    assert {"promo_active", "price_ratio"} <= set(model.dropped_features_)
    assert "promo_active" not in model.feature_names_
    assert model.params()["dropped_features"].count("promo_active") == 1
    assert (model.predict_panel(7)["forecast"] >= 0).all()


@pytest.mark.parametrize("objective", ["tweedie", "poisson", "l2"])
def test_objectives_are_selectable_and_recorded(panel, objective):
    model = GlobalForecaster(objective=objective, **SMALL_MODEL).fit(panel)
    assert model.params()["objective"] == objective
    assert model.model_.get_params()["objective"] == model.loss
    assert 1 <= model.best_iteration_ <= SMALL_MODEL["n_estimators"]
