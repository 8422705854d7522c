"""POST /forecasting/train and /forecasting/predict over the small warehouse and real MLflow."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from forecastlab.features.series import load_series
from forecastlab.models import (
    NaiveForecaster,
    SeasonalNaiveConfig,
    config_hash,
    make_forecaster,
    parse_model_config,
)
from forecastlab.registry import (
    PORTFOLIO_MODEL_TYPE,
    ModelRunSpec,
    Portfolio,
    create_run,
    get_run,
    log_model_run,
    set_alias,
)
from tests.dbt.conftest import TODAY, Warehouse
from tests.serving.conftest import START, assert_problem, train, train_body

ALIAS = "fc-api-predict"


def _predict(client: TestClient, horizon: int = 7, **address: object) -> dict:
    body = {"store_id": 1, "product_id": 2, "horizon": horizon, **address}
    response = client.post("/forecasting/predict", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _values(prediction: dict) -> list[float]:
    return [point["forecast"] for point in prediction["forecasts"]]


@pytest.fixture(scope="module")
def seasonal(client: TestClient) -> dict:
    """A seasonal_naive model of store 1 / product 2, trained through the API."""
    return train(client)


@pytest.fixture(scope="module")
def observed(small_warehouse: Warehouse) -> np.ndarray:
    """Store 1 / product 2's observed quantities over the whole window."""
    return load_series(small_warehouse.engine, 1, 2, START, TODAY).quantity


# --- train -----------------------------------------------------------------------------------


def test_train_returns_the_mlflow_run(seasonal: dict, observed: np.ndarray) -> None:
    run_id = seasonal["run_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", run_id)
    assert seasonal == {
        "store_id": 1,
        "product_id": 2,
        "model_type": "seasonal_naive",
        "run_id": run_id,
        "model_path": f"runs:/{run_id}/model",
        "config_hash": config_hash(SeasonalNaiveConfig(season_length=7)),
        "n_observations": observed.size,
        "train_start_date": START.isoformat(),
        "train_end_date": TODAY.isoformat(),
        "feature_frame_version": None,
        "duration_ms": seasonal["duration_ms"],
    }
    record = get_run(run_id)
    assert record.status == "success"
    assert (record.store_id, record.product_id) == (1, 2)
    assert record.artifact_uri == seasonal["model_path"]


@pytest.mark.parametrize(
    ("config", "version"),
    [
        ({"model_type": "lightgbm", "n_estimators": 20}, {}),
        ({"model_type": "regression", "max_iter": 20}, {"feature_frame_version": 2}),
    ],
)
def test_feature_aware_models_round_trip(client: TestClient, config: dict, version: dict) -> None:
    trained = train(client, config=config, **version)
    assert trained["feature_frame_version"] == version.get("feature_frame_version", 1)
    assert get_run(trained["run_id"]).feature_frame_version == trained["feature_frame_version"]
    run = client.get(f"/registry/runs/{trained['run_id']}").json()
    columns = run["runtime_info"]["feature_columns"]
    assert set(run["runtime_info"]["feature_safety_classes"]) == set(columns)
    if trained["feature_frame_version"] == 2:  # spec §8.3: the groups the frame was built from
        in_groups = [c for group in run["feature_groups"].values() for c in group]
        assert sorted(in_groups) == sorted(columns)
    else:
        assert run["feature_groups"] is None

    prediction = _predict(client, horizon=14, run_id=trained["run_id"])
    assert len(prediction["forecasts"]) == 14
    assert all(value >= 0.0 for value in _values(prediction))  # D-11
    assert prediction["interval_level"] == 0.8
    assert all(
        p["lower_bound"] <= p["forecast"] <= p["upper_bound"] for p in prediction["forecasts"]
    )
    assert prediction["model_type"] == config["model_type"]
    assert prediction["config_hash"] == trained["config_hash"]


@pytest.mark.parametrize(
    "config",
    [
        {"model_type": "croston", "variant": "sba", "alpha": 0.2},
        {"model_type": "tsb", "alpha_d": 0.2, "alpha_p": 0.05},
        {"model_type": "adida"},
        {"model_type": "imapa"},
    ],
    ids=["croston-sba", "tsb", "adida", "imapa"],
)
def test_intermittent_models_round_trip(
    client: TestClient, observed: np.ndarray, config: dict
) -> None:
    trained = train(client, config=config)
    model_config = parse_model_config(config)
    assert trained["model_type"] == config["model_type"]
    assert trained["config_hash"] == config_hash(model_config)
    assert trained["feature_frame_version"] is None

    prediction = _predict(client, horizon=6, run_id=trained["run_id"])
    expected = make_forecaster(model_config).fit(observed).predict(6)
    assert _values(prediction) == pytest.approx(expected.tolist(), rel=1e-12)
    assert len(set(_values(prediction))) == 1  # one level for every step
    assert (prediction["model_type"], prediction["config_hash"]) == (
        config["model_type"],
        trained["config_hash"],
    )


def test_a_disabled_model_names_its_flag(client: TestClient) -> None:
    response = client.post("/forecasting/train", json=train_body(config={"model_type": "xgboost"}))
    body = assert_problem(response, 400, "BAD_REQUEST")
    assert "forecast_enable_xgboost" in body["detail"]


def test_no_rows_in_the_window_is_400(client: TestClient) -> None:
    body = train_body(train_start_date="2020-01-01", train_end_date="2020-02-01")
    detail = assert_problem(client.post("/forecasting/train", json=body), 400, "BAD_REQUEST")
    assert detail["detail"].startswith("No training data found")


def test_too_few_rows_for_the_model_is_400(client: TestClient) -> None:
    body = train_body(
        train_start_date=(TODAY - timedelta(days=9)).isoformat(),
        config={"model_type": "seasonal_naive", "season_length": 30},
    )
    detail = assert_problem(client.post("/forecasting/train", json=body), 400, "BAD_REQUEST")
    assert "needs at least 30 observations" in detail["detail"]


def test_feature_groups_without_a_builder_are_400(client: TestClient) -> None:
    body = train_body(
        config={"model_type": "regression"},
        feature_frame_version=2,
        feature_groups=["target_history", "inventory"],
    )
    detail = assert_problem(client.post("/forecasting/train", json=body), 400, "BAD_REQUEST")
    assert "is_stockout_lag1" in detail["detail"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"train_end_date": START.isoformat()}, ""),
        ({"train_start_date": "2025-02-30"}, "train_start_date"),
        ({"store_id": "1"}, "store_id"),
        ({"store_id": 0}, "store_id"),
        ({"config": {"model_type": "prophet"}}, "config"),
        ({"config": {"model_type": "naive", "window": 3}}, "config.naive.window"),
        ({"feature_groups": ["calendar"]}, ""),
        ({"feature_frame_version": 2, "feature_groups": ["weather"]}, ""),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_train_schema_violations_are_422(client: TestClient, fields: dict, field: str) -> None:
    response = client.post("/forecasting/train", json=train_body(**fields))
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert any(error["field"] == field for error in body["errors"]), body["errors"]


# --- predict ---------------------------------------------------------------------------------


def test_predict_by_run_id_repeats_the_last_season(
    client: TestClient, seasonal: dict, observed: np.ndarray
) -> None:
    prediction = _predict(client, horizon=10, run_id=seasonal["run_id"])
    assert _values(prediction) == [observed[-7:][i % 7] for i in range(10)]
    assert [point["date"] for point in prediction["forecasts"]] == [
        (TODAY + timedelta(days=step)).isoformat() for step in range(1, 11)
    ]
    assert all(
        0.0 <= point["lower_bound"] <= point["forecast"] <= point["upper_bound"]
        for point in prediction["forecasts"]
    )
    assert (prediction["interval_level"], prediction["interval_note"]) == (0.8, None)
    assert prediction["model_type"] == "seasonal_naive"
    assert prediction["config_hash"] == seasonal["config_hash"]
    assert prediction["horizon"] == 10
    assert prediction["run_id"] == seasonal["run_id"]
    assert prediction["model_path"] == seasonal["model_path"]


def test_predict_by_runs_uri_equals_by_run_id(client: TestClient, seasonal: dict) -> None:
    by_uri = _predict(client, model_path=seasonal["model_path"])
    by_id = _predict(client, run_id=seasonal["run_id"])
    assert by_uri["forecasts"] == by_id["forecasts"]
    assert by_uri["run_id"] == seasonal["run_id"]
    both = _predict(client, run_id=seasonal["run_id"], model_path=seasonal["model_path"])
    assert both["forecasts"] == by_id["forecasts"]


def test_predict_by_alias_follows_the_alias(client: TestClient, seasonal: dict) -> None:
    naive = train(client, config={"model_type": "naive"})
    uri = f"models:/forecastlab-demand@{ALIAS}"

    set_alias(ALIAS, seasonal["run_id"])
    first = _predict(client, model_path=uri)
    assert first["run_id"] == seasonal["run_id"]
    assert first["model_path"] == uri
    assert first["forecasts"] == _predict(client, run_id=seasonal["run_id"])["forecasts"]

    set_alias(ALIAS, naive["run_id"])  # moving the alias moves the predictions
    moved = _predict(client, model_path=uri)
    assert moved["run_id"] == naive["run_id"]
    assert moved["model_type"] == "naive"


def test_a_portfolio_answers_its_series(client: TestClient, small_warehouse: Warehouse) -> None:
    series = load_series(small_warehouse.engine, 2, 3, START, TODAY)
    member = NaiveForecaster().fit(series.quantity)
    record = log_model_run(
        ModelRunSpec(
            model_type=PORTFOLIO_MODEL_TYPE,
            model=Portfolio(members={(2, 3): member}),
            model_config={"members": 1},
            store_id=None,
            product_id=None,
            data_window_start=START,
            data_window_end=TODAY,
        )
    )
    body = {"store_id": 2, "product_id": 3, "horizon": 3, "run_id": record.run_id}
    response = client.post("/forecasting/predict", json=body)
    assert response.status_code == 200, response.text
    prediction = response.json()
    assert _values(prediction) == [series.quantity[-1]] * 3
    last_observed = series.dates[-1].astype(date)
    assert prediction["forecasts"][0]["date"] == (last_observed + timedelta(days=1)).isoformat()
    assert prediction["model_type"] == PORTFOLIO_MODEL_TYPE

    missing = client.post("/forecasting/predict", json={**body, "store_id": 1})
    detail = assert_problem(missing, 404, "NOT_FOUND")
    assert "store 1 product 3" in detail["detail"]


@pytest.mark.parametrize(
    "address",
    [
        {"run_id": "f" * 32},
        {"model_path": f"runs:/{'e' * 32}/model"},
        {"model_path": "models:/forecastlab-demand@no-such-alias"},
    ],
)
def test_unknown_run_or_alias_is_404(client: TestClient, address: dict) -> None:
    body = {"store_id": 1, "product_id": 2, "horizon": 3, **address}
    assert_problem(client.post("/forecasting/predict", json=body), 404, "NOT_FOUND")


def test_a_run_without_a_model_is_404(client: TestClient) -> None:
    pending = create_run("naive", {"model_type": "naive"}, START, TODAY, 1, 2)
    body = {"store_id": 1, "product_id": 2, "horizon": 3, "run_id": pending.run_id}
    detail = assert_problem(client.post("/forecasting/predict", json=body), 404, "NOT_FOUND")
    assert "no model artifact" in detail["detail"]


@pytest.mark.parametrize(
    "model_path",
    [
        "/tmp/model_0123456789ab.joblib",
        "runs:/not-a-run/model",
        "models:/another-model@production",
        "models:/forecastlab-demand/3",
    ],
)
def test_unsupported_model_paths_are_400(client: TestClient, model_path: str) -> None:
    body = {"store_id": 1, "product_id": 2, "horizon": 3, "model_path": model_path}
    assert_problem(client.post("/forecasting/predict", json=body), 400, "BAD_REQUEST")


def test_run_id_and_model_path_must_agree(client: TestClient, seasonal: dict) -> None:
    body = {
        "store_id": 1,
        "product_id": 2,
        "horizon": 3,
        "run_id": seasonal["run_id"],
        "model_path": f"runs:/{'a' * 32}/model",
    }
    assert_problem(client.post("/forecasting/predict", json=body), 400, "BAD_REQUEST")


def test_another_series_than_the_trained_one_is_400(client: TestClient, seasonal: dict) -> None:
    body = {"store_id": 1, "product_id": 3, "horizon": 3, "run_id": seasonal["run_id"]}
    detail = assert_problem(client.post("/forecasting/predict", json=body), 400, "BAD_REQUEST")
    assert "trained for store 1 product 2" in detail["detail"]


def test_horizon_over_the_settings_limit_is_400(
    client_for, small_warehouse: Warehouse, seasonal: dict
) -> None:
    narrow = client_for(small_warehouse.endpoints, forecast_max_horizon=7)
    body = {"store_id": 1, "product_id": 2, "horizon": 8, "run_id": seasonal["run_id"]}
    detail = assert_problem(narrow.post("/forecasting/predict", json=body), 400, "BAD_REQUEST")
    assert "forecast_max_horizon" in detail["detail"]
    assert narrow.post("/forecasting/predict", json={**body, "horizon": 7}).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"horizon": 0}, "horizon"),
        ({"horizon": 91}, "horizon"),
        ({"horizon": "7"}, "horizon"),
        ({"run_id": None}, ""),
        ({"product_id": 0}, "product_id"),
        ({"interval_level": 0.49}, "interval_level"),
        ({"interval_level": 1.0}, "interval_level"),
        ({"interval_level": "0.8"}, "interval_level"),
        ({"extra": True}, "extra"),
    ],
)
def test_predict_schema_violations_are_422(
    client: TestClient, seasonal: dict, fields: dict, field: str
) -> None:
    body = {"store_id": 1, "product_id": 2, "horizon": 3, "run_id": seasonal["run_id"], **fields}
    response = client.post("/forecasting/predict", json=body)
    problem = assert_problem(response, 422, "VALIDATION_ERROR")
    assert any(error["field"] == field for error in problem["errors"]), problem["errors"]


# --- prediction intervals --------------------------------------------------------------------


def _widths(prediction: dict) -> np.ndarray:
    return np.array([p["upper_bound"] - p["forecast"] for p in prediction["forecasts"]])


def test_bounds_are_the_conformal_quantile_of_the_training_backtest(
    client: TestClient, seasonal: dict
) -> None:
    # The calibration backtest is /backtesting/run's: expanding, 5 folds, horizon 14.
    split = {"strategy": "expanding", "n_splits": 5, "min_train_size": 30, "gap": 0, "horizon": 14}
    body = {
        "store_id": 1,
        "product_id": 2,
        "start_date": START.isoformat(),
        "end_date": TODAY.isoformat(),
        "config": {
            "split_config": split,
            "model_config_main": {"model_type": "seasonal_naive", "season_length": 7},
            "include_baselines": False,
        },
    }
    folds = client.post("/backtesting/run", json=body).json()["main_model_results"]["fold_results"]
    assert len(folds) == 5
    errors = np.abs([np.subtract(f["actuals"], f["predictions"]) for f in folds])  # (fold, step)
    expected = [np.sort(errors[:, part].ravel())[28] for part in (slice(0, 7), slice(7, 14))]

    prediction = _predict(client, horizon=14, run_id=seasonal["run_id"])
    widths = _widths(prediction)
    np.testing.assert_allclose(widths, np.repeat(expected, 7))  # ⌈36 x 0.8⌉ = 29th of 35
    for point, width in zip(prediction["forecasts"], widths, strict=True):
        assert point["lower_bound"] == pytest.approx(max(0.0, point["forecast"] - width))


def test_interval_level_widens_the_bounds_and_too_high_a_level_has_none(
    client: TestClient, seasonal: dict
) -> None:
    by_level = {
        level: _predict(client, horizon=14, run_id=seasonal["run_id"], interval_level=level)
        for level in (0.5, 0.8, 0.95)
    }
    assert [p["interval_level"] for p in by_level.values()] == [0.5, 0.8, 0.95]
    assert (_widths(by_level[0.5]) <= _widths(by_level[0.8])).all()
    assert (_widths(by_level[0.8]) <= _widths(by_level[0.95])).all()
    assert _widths(by_level[0.5]).sum() < _widths(by_level[0.95]).sum()

    too_high = _predict(client, horizon=3, run_id=seasonal["run_id"], interval_level=0.99)
    assert all(p["lower_bound"] is None for p in too_high["forecasts"])
    assert too_high["interval_level"] is None
    assert "35 residuals at h_1_7, level 0.99 needs 99" in too_high["interval_note"]


def test_the_settings_level_is_the_default(
    client: TestClient, client_for, small_warehouse: Warehouse, seasonal: dict
) -> None:
    wide = client_for(small_warehouse.endpoints, forecast_interval_level=0.95)
    body = {"store_id": 1, "product_id": 2, "horizon": 7, "run_id": seasonal["run_id"]}
    prediction = wide.post("/forecasting/predict", json=body).json()
    assert prediction["interval_level"] == 0.95
    default = _predict(client, horizon=7, run_id=seasonal["run_id"], interval_level=0.95)
    assert prediction["forecasts"] == default["forecasts"]


def test_steps_past_the_calibrated_horizon_borrow_the_last_bucket(
    client: TestClient, seasonal: dict
) -> None:
    prediction = _predict(client, horizon=20, run_id=seasonal["run_id"])
    widths = _widths(prediction)
    assert (widths[14:] == widths[13]).all()
    assert prediction["interval_note"] == (
        "steps 15-20 use the h_8_14 half-width (0 residuals at h_15_28, level 0.8 needs 4)"
    )


def test_a_window_too_short_to_calibrate_has_null_bounds_and_says_why(client: TestClient) -> None:
    short = train(client, train_start_date=(TODAY - timedelta(days=39)).isoformat())
    prediction = _predict(client, horizon=5, run_id=short["run_id"])
    assert all(
        p["lower_bound"] is None and p["upper_bound"] is None for p in prediction["forecasts"]
    )
    assert prediction["interval_level"] is None
    assert prediction["interval_note"].startswith("no prediction intervals: the training window")
    assert "needs at least 44" in prediction["interval_note"]  # 30 train rows + 14 test rows


def test_a_run_logged_without_a_calibration_has_null_bounds_and_says_why(
    client: TestClient, observed: np.ndarray
) -> None:
    record = log_model_run(
        ModelRunSpec(
            model_type="naive",
            model=NaiveForecaster().fit(observed),
            model_config={"model_type": "naive"},
            store_id=1,
            product_id=2,
            data_window_start=START,
            data_window_end=TODAY,
        )
    )
    prediction = _predict(client, horizon=3, run_id=record.run_id)
    assert _values(prediction) == [observed[-1]] * 3
    assert all(p["upper_bound"] is None for p in prediction["forecasts"])
    assert "carries no calibration" in prediction["interval_note"]
