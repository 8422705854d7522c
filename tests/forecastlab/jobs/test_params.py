"""`{job_type, params}` to the synchronous endpoint's validated request (D-16, D-34)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from forecastlab.forecasting.requests import BacktestRequest, TrainRequest
from forecastlab.jobs.contract import params_from_run_config, run_config
from forecastlab.jobs.params import PredictJobRequest, parse_params, request_from_json
from forecastlab.models import NaiveConfig, SeasonalNaiveConfig

SERIES = {"store_id": 1, "product_id": 2, "start_date": "2025-03-03", "end_date": "2025-06-30"}


def _errors(job_type: str, params: dict[str, Any]) -> dict[tuple[int | str, ...], str]:
    with pytest.raises(ValidationError) as caught:
        parse_params(job_type, params)  # type: ignore[arg-type]
    return {error["loc"]: error["type"] for error in caught.value.errors()}


def test_flat_train_params_become_the_train_request() -> None:
    request = parse_params("train", {**SERIES, "model_type": "seasonal_naive", "season_length": 14})
    assert request == TrainRequest(
        store_id=1,
        product_id=2,
        train_start_date=date(2025, 3, 3),
        train_end_date=date(2025, 6, 30),
        config=SeasonalNaiveConfig(season_length=14),
    )


def test_train_model_type_defaults_to_naive() -> None:
    request = parse_params("train", SERIES)
    assert isinstance(request, TrainRequest) and request.config == NaiveConfig()


def test_train_takes_the_feature_frame_keys() -> None:
    params = {**SERIES, "model_type": "lightgbm", "n_estimators": 50, "feature_frame_version": 2}
    request = parse_params("train", {**params, "feature_groups": ["calendar"]})
    assert isinstance(request, TrainRequest)
    assert (request.feature_frame_version, request.feature_groups) == (2, ["calendar"])
    assert request.config.model_type == "lightgbm"


def test_train_also_takes_the_synchronous_body() -> None:
    body = {
        "store_id": 1,
        "product_id": 2,
        "train_start_date": "2025-03-03",
        "train_end_date": "2025-06-30",
        "config": {"model_type": "moving_average", "window_size": 3},
    }
    request = parse_params("train", body)
    assert isinstance(request, TrainRequest) and request.config.model_type == "moving_average"


def test_train_errors_name_the_flat_keys() -> None:
    errors = _errors(
        "train",
        {"store_id": "1", "start_date": "soon", "end_date": "2025-06-30", "window_size": 3},
    )
    assert errors == {
        ("store_id",): "int_type",  # strict: no "1" -> 1
        ("product_id",): "missing",
        ("start_date",): "value_error",
        ("window_size",): "extra_forbidden",  # naive has no window_size
    }


def test_unknown_keys_and_model_types_are_rejected() -> None:
    assert _errors("train", {**SERIES, "colour": "red"}) == {("colour",): "extra_forbidden"}
    assert _errors("train", {**SERIES, "model_type": "prophet"}) == {
        ("model_type",): "union_tag_invalid"
    }
    assert _errors("train", {**SERIES, "end_date": "2025-01-01"}) == {(): "value_error"}


def test_flat_backtest_params_fill_the_split_config() -> None:
    params = {**SERIES, "model_type": "seasonal_naive", "season_length": 7, "n_splits": 3}
    request = parse_params("backtest", {**params, "test_size": 7, "gap": 1, "strategy": "sliding"})
    assert isinstance(request, BacktestRequest)
    split = request.config.split_config
    assert (split.n_splits, split.horizon, split.gap, split.strategy) == (3, 7, 1, "sliding")
    assert split.min_train_size == 30  # the default
    assert request.config.model_config_main == SeasonalNaiveConfig(season_length=7)
    assert (request.start_date, request.end_date) == (date(2025, 3, 3), date(2025, 6, 30))


def test_backtest_defaults_and_errors() -> None:
    request = parse_params("backtest", {**SERIES, "model_type": "naive"})
    assert isinstance(request, BacktestRequest)
    split = request.config.split_config
    assert (split.n_splits, split.horizon, split.gap) == (5, 14, 0)
    assert _errors("backtest", SERIES) == {("model_type",): "union_tag_not_found"}
    assert _errors("backtest", {**SERIES, "model_type": "naive", "test_size": 0}) == {
        ("test_size",): "greater_than_equal"
    }
    assert _errors("backtest", {**SERIES, "model_type": "naive", "gap": 5, "test_size": 5}) == {
        (): "value_error"  # horizon must exceed gap
    }


def test_backtest_also_takes_the_synchronous_body() -> None:
    body = {
        "store_id": 1,
        "product_id": 2,
        "start_date": "2025-03-03",
        "end_date": "2025-06-30",
        "config": {"model_config_main": {"model_type": "naive"}, "include_baselines": False},
    }
    request = parse_params("backtest", body)
    assert isinstance(request, BacktestRequest) and not request.config.include_baselines
    assert _errors("backtest", {**body, "n_splits": 3}) == {("n_splits",): "extra_forbidden"}


def test_predict_params() -> None:
    assert parse_params("predict", {"run_id": "a" * 32}) == PredictJobRequest(
        run_id="a" * 32, horizon=14
    )
    assert _errors("predict", {"horizon": 91, "store_id": 0, "model_path": "x"}) == {
        ("run_id",): "missing",
        ("horizon",): "less_than_equal",
        ("store_id",): "greater_than_equal",
        ("model_path",): "extra_forbidden",
    }


@pytest.mark.parametrize(
    ("job_type", "params"),
    [
        ("train", {**SERIES, "model_type": "seasonal_naive"}),
        ("predict", {"run_id": "b" * 32, "horizon": 7, "store_id": 1}),
        ("backtest", {**SERIES, "model_type": "moving_average", "n_splits": 2}),
    ],
)
def test_run_config_round_trips_request_and_params(job_type: str, params: dict) -> None:
    request = parse_params(job_type, params)  # type: ignore[arg-type]
    config = run_config(job_type, request, params)  # type: ignore[arg-type]
    (op_config,) = (op["config"] for op in config["ops"].values())
    assert request_from_json(job_type, op_config["request"]) == request  # type: ignore[arg-type]
    assert params_from_run_config(job_type, config) == params  # type: ignore[arg-type]
