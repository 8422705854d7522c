"""The service functions as the Dagster jobs call them: Python input, real PostgreSQL and MLflow."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from forecastlab.backtest.results import BacktestResult
from forecastlab.backtest.runner import run_backtest
from forecastlab.db.endpoints import Endpoints
from forecastlab.features.frames import V1_COLUMNS, baseline_price, future_frame, historical_frame
from forecastlab.features.series import load_series
from forecastlab.forecasting import service
from forecastlab.forecasting.errors import NoDataError, PredictRequestError
from forecastlab.forecasting.loading import load_run_model
from forecastlab.forecasting.requests import (
    BacktestRequest,
    PredictRequest,
    TrainRequest,
    TrainResponse,
)
from forecastlab.models import LightGBMConfig, make_forecaster
from forecastlab.registry import get_run
from forecastlab.settings import Settings
from tests.dbt.conftest import TODAY, Warehouse

START = TODAY - timedelta(days=119)  # the small warehouse's first day


@pytest.fixture(autouse=True)
def _mlflow(endpoints: Endpoints) -> None:
    """`endpoints` exports the session's MLflow store to the environment the service reads."""


def _train(warehouse: Warehouse, config: dict, **extra: object) -> TrainResponse:
    # Python input with ISO strings, as a Dagster job's run config arrives.
    request = TrainRequest.model_validate(
        {
            "store_id": 1,
            "product_id": 2,
            "train_start_date": START.isoformat(),
            "train_end_date": TODAY.isoformat(),
            "config": config,
            **extra,
        }
    )
    return service.train(warehouse.engine, request)


def test_seasonal_naive_round_trip_from_python_input(small_warehouse: Warehouse) -> None:
    trained = _train(small_warehouse, {"model_type": "seasonal_naive", "season_length": 7})
    y = load_series(small_warehouse.engine, 1, 2, START, TODAY).quantity

    assert trained.n_observations == y.size
    record = get_run(trained.run_id)
    assert record.status == "success"
    assert record.tags[service.SOURCE_TAG] == service.SOURCE_API
    assert (record.data_window_start, record.data_window_end) == (START, TODAY)
    assert record.model_config == {
        "model_type": "seasonal_naive",
        "schema_version": "1.0",
        "season_length": 7,
    }

    forecast = service.predict(
        small_warehouse.engine,
        PredictRequest.model_validate(
            {"store_id": 1, "product_id": 2, "horizon": 10, "run_id": trained.run_id}
        ),
    )
    assert [p.forecast for p in forecast.forecasts] == [y[-7:][i % 7] for i in range(10)]
    assert forecast.forecasts[0].date == TODAY + timedelta(days=1)
    assert forecast.config_hash == trained.config_hash


def test_lightgbm_forecasts_from_its_stored_history(small_warehouse: Warehouse) -> None:
    config = {"model_type": "lightgbm", "n_estimators": 30}
    trained = _train(small_warehouse, config)
    assert trained.feature_frame_version == 1
    record = get_run(trained.run_id)
    assert record.runtime_info["feature_columns"] == list(V1_COLUMNS)

    # The same fit by hand on the full series, future rows from the full history.
    series = load_series(small_warehouse.engine, 1, 2, START, TODAY, plan_days=90)
    baseline = baseline_price(series)
    model = make_forecaster(LightGBMConfig(n_estimators=30))
    model.fit(series.quantity, historical_frame(series, baseline_price=baseline))
    dates = [TODAY + timedelta(days=d) for d in range(1, 15)]
    expected = model.predict(14, future_frame(series, dates, baseline_price=baseline))

    forecast = service.predict(
        small_warehouse.engine,
        PredictRequest(store_id=1, product_id=2, horizon=14, run_id=trained.run_id),
    )
    np.testing.assert_allclose([p.forecast for p in forecast.forecasts], expected)
    assert [p.date for p in forecast.forecasts] == dates
    assert min(p.forecast for p in forecast.forecasts) >= 0.0  # D-11


def test_a_run_is_loaded_once_then_served_from_memory(small_warehouse: Warehouse) -> None:
    trained = _train(small_warehouse, {"model_type": "naive"})
    request = PredictRequest(store_id=1, product_id=2, horizon=3, run_id=trained.run_id)
    first = service.predict(small_warehouse.engine, request)
    hits = load_run_model.cache_info().hits
    again = service.predict(small_warehouse.engine, request)
    assert load_run_model.cache_info().hits == hits + 1
    assert again.forecasts == first.forecasts


def test_settings_bound_the_horizon(small_warehouse: Warehouse) -> None:
    trained = _train(small_warehouse, {"model_type": "naive"})
    narrow = Settings(forecast_max_horizon=5)  # the rest from the session's environment
    request = PredictRequest(store_id=1, product_id=2, horizon=6, run_id=trained.run_id)
    with pytest.raises(PredictRequestError, match="forecast_max_horizon"):
        service.predict(small_warehouse.engine, request, narrow)


def test_training_outside_the_data_says_so(small_warehouse: Warehouse) -> None:
    request = TrainRequest(
        store_id=1,
        product_id=2,
        train_start_date=date(2020, 1, 1),
        train_end_date=date(2020, 3, 1),
        config={"model_type": "naive"},
    )
    with pytest.raises(NoDataError, match="No training data found"):
        service.train(small_warehouse.engine, request)


def test_backtest_is_the_runner_on_the_same_rows(small_warehouse: Warehouse) -> None:
    request = BacktestRequest.model_validate(
        {
            "store_id": 2,
            "product_id": 1,
            "start_date": START.isoformat(),
            "end_date": TODAY.isoformat(),
            "config": {
                "split_config": {"n_splits": 3, "horizon": 10, "gap": 2},
                "model_config_main": {"model_type": "moving_average", "window_size": 5},
            },
        }
    )
    result = service.backtest(small_warehouse.engine, request)
    series = load_series(small_warehouse.engine, 2, 1, START, TODAY)
    direct = run_backtest(series.dates, series.quantity, request.config, store_id=2, product_id=1)
    assert _comparable(result) == _comparable(direct)


def _comparable(result: BacktestResult) -> dict:
    """The JSON form (NaN as null, so equal results compare equal) without the run's id/time."""
    body = result.to_json_dict()
    del body["backtest_id"], body["duration_ms"]
    return body
