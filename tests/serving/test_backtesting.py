"""POST /backtesting/run over the small warehouse: shape, numbers, gap, limits and errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from forecastlab.backtest import BUCKET_IDS, METRIC_NAMES, BacktestConfig, run_backtest
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.features.frames import backtest_feature_builder
from forecastlab.features.series import load_series
from tests.dbt.conftest import TODAY, Warehouse, seed
from tests.serving.conftest import assert_problem

START = TODAY - timedelta(days=119)  # the small warehouse's first day


def _body(
    split: dict | None = None,
    model: dict | None = None,
    store_id: int = 1,
    product_id: int = 2,
    **options: object,
) -> dict:
    """A request body; `split` and `options` (include_baselines, ...) amend its config."""
    config = {
        "split_config": {
            "n_splits": 3,
            "min_train_size": 30,
            "gap": 0,
            "horizon": 14,
            **(split or {}),
        },
        "model_config_main": model or {"model_type": "seasonal_naive", "season_length": 7},
        **options,
    }
    return {
        "store_id": store_id,
        "product_id": product_id,
        "start_date": START.isoformat(),
        "end_date": TODAY.isoformat(),
        "config": config,
    }


def _run(client: TestClient, body: dict) -> dict:
    response = client.post("/backtesting/run", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _direct(warehouse: Warehouse, body: dict, feature_aware: bool = False) -> dict:
    """The runner called by hand on the same observed rows, as JSON."""
    series = load_series(warehouse.engine, body["store_id"], body["product_id"], START, TODAY)
    result = run_backtest(
        series.dates,
        series.quantity,
        BacktestConfig.model_validate(body["config"]),
        feature_builder=backtest_feature_builder(series) if feature_aware else None,
        store_id=body["store_id"],
        product_id=body["product_id"],
    )
    return result.to_json_dict()


def _without_run_identity(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("backtest_id", "duration_ms")}


@pytest.fixture(scope="module")
def seasonal(client: TestClient) -> dict:
    """seasonal_naive on store 1 / product 2, three folds of 14 days, with the baselines."""
    return _run(client, _body())


def test_response_shape(seasonal: dict) -> None:
    assert seasonal["store_id"] == 1 and seasonal["product_id"] == 2
    assert len(seasonal["backtest_id"]) == 16
    assert seasonal["split_config"] == {
        "strategy": "expanding",
        "n_splits": 3,
        "min_train_size": 30,
        "gap": 0,
        "horizon": 14,
    }
    assert seasonal["leakage_check_passed"] is True

    main = seasonal["main_model_results"]
    assert main["model_type"] == "seasonal_naive"
    assert main["feature_aware"] is False and main["exogenous_policy"] is None
    assert set(main["aggregated_metrics"]) == set(METRIC_NAMES)
    assert set(main["metric_std"]) == {f"{m}_stability" for m in METRIC_NAMES}
    assert list(main["bucketed_aggregated_metrics"]) == ["h_1_7", "h_8_14"]
    assert len(main["fold_results"]) == 3
    for index, fold in enumerate(main["fold_results"]):
        assert fold["fold_index"] == index == fold["split"]["fold_index"]
        assert len(fold["dates"]) == len(fold["actuals"]) == len(fold["predictions"]) == 14
        assert fold["split"]["train_end"] < fold["split"]["test_start"] == fold["dates"][0]
        assert set(fold["horizon_bucket_metrics"]) == {"h_1_7", "h_8_14"}

    assert [b["model_type"] for b in seasonal["baseline_results"]] == ["naive", "seasonal_naive"]
    assert set(seasonal["comparison_summary"]) == set(METRIC_NAMES)
    for row in seasonal["comparison_summary"].values():
        assert {"main", "naive", "seasonal_naive"} <= set(row)
    # main is seasonal_naive(7) itself: it neither beats nor loses to that baseline.
    assert seasonal["comparison_summary"]["mae"]["vs_seasonal_pct"] == 0.0


def test_numbers_equal_the_runner_on_the_same_rows(
    seasonal: dict, small_warehouse: Warehouse
) -> None:
    assert _without_run_identity(seasonal) == _without_run_identity(
        _direct(small_warehouse, _body())
    )


def test_a_feature_aware_model_uses_observed_exogenous(
    client: TestClient, small_warehouse: Warehouse
) -> None:
    body = _body(model={"model_type": "regression", "max_iter": 20}, store_id=2, product_id=1)
    result = _run(client, body)
    main = result["main_model_results"]
    assert main["feature_aware"] is True
    assert main["exogenous_policy"] == "observed"
    assert _without_run_identity(result) == _without_run_identity(
        _direct(small_warehouse, body, feature_aware=True)
    )


def test_gap_shifts_the_test_window(client: TestClient, small_warehouse: Warehouse) -> None:
    body = _body(split={"gap": 3, "horizon": 10})
    result = _run(client, body)
    series = load_series(small_warehouse.engine, 1, 2, START, TODAY)
    position = {
        day.astype("datetime64[D]").item().isoformat(): i for i, day in enumerate(series.dates)
    }
    for fold in result["main_model_results"]["fold_results"]:
        # three observed rows lie between the last train row and the first test row
        assert position[fold["split"]["test_start"]] - position[fold["split"]["train_end"]] == 4
        assert len(fold["predictions"]) == 10
    assert list(result["main_model_results"]["bucketed_aggregated_metrics"]) == [
        "h_1_7",
        "h_8_14",
    ]
    assert result["leakage_check_passed"] is True
    assert _without_run_identity(result) == _without_run_identity(_direct(small_warehouse, body))


def test_without_fold_details_and_baselines(client: TestClient) -> None:
    result = _run(client, _body(include_baselines=False, store_fold_details=False))
    assert result["baseline_results"] is None
    assert result["comparison_summary"] is None
    for fold in result["main_model_results"]["fold_results"]:
        assert fold["dates"] == fold["actuals"] == fold["predictions"] == []
        assert set(fold["metrics"]) == set(METRIC_NAMES)


def test_an_all_zero_series_serialises_infinite_wape_as_null(
    fresh_database: Callable[[str], Endpoints], client_for: Callable[..., TestClient]
) -> None:
    endpoints = fresh_database("backtest_zero")
    engine = engine_for(endpoints.app_sqlalchemy)
    seed(engine, "retail_standard", seed=1, stores=1, products=1, window_days=120)
    with engine.begin() as conn:
        conn.execute(text("update raw.sales_daily set quantity = 0"))
    result = _run(
        client_for(endpoints), _body(model={"model_type": "naive"}, store_id=1, product_id=1)
    )
    main = result["main_model_results"]
    assert main["aggregated_metrics"]["wape"] is None  # sum |A| = 0 -> +inf (D-03)
    assert main["aggregated_metrics"]["mae"] == 0.0
    assert all(fold["metrics"]["wape"] is None for fold in main["fold_results"])


def test_no_rows_is_400(client: TestClient) -> None:
    body = {**_body(), "start_date": "2020-01-01", "end_date": "2020-06-01"}
    detail = assert_problem(client.post("/backtesting/run", json=body), 400, "BAD_REQUEST")
    assert detail["detail"].startswith("No data found")


def test_too_few_rows_for_the_split_is_400(client: TestClient) -> None:
    body = {**_body(), "start_date": (TODAY - timedelta(days=30)).isoformat()}
    detail = assert_problem(client.post("/backtesting/run", json=body), 400, "BAD_REQUEST")
    assert "insufficient data" in detail["detail"]


def test_a_disabled_model_is_400(client: TestClient) -> None:
    response = client.post("/backtesting/run", json=_body(model={"model_type": "random_forest"}))
    detail = assert_problem(response, 400, "BAD_REQUEST")
    assert "forecast_enable_random_forest" in detail["detail"]


def test_settings_limit_splits_and_gap(
    client_for: Callable[..., TestClient], small_warehouse: Warehouse
) -> None:
    narrow = client_for(small_warehouse.endpoints, backtest_max_splits=3, backtest_max_gap=2)
    splits = narrow.post("/backtesting/run", json=_body(split={"n_splits": 4}))
    assert "backtest_max_splits" in assert_problem(splits, 400, "BAD_REQUEST")["detail"]
    gap = narrow.post("/backtesting/run", json=_body(split={"gap": 3}))
    assert "backtest_max_gap" in assert_problem(gap, 400, "BAD_REQUEST")["detail"]
    assert narrow.post("/backtesting/run", json=_body(split={"gap": 2})).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(split={"gap": 14, "horizon": 14}), "config.split_config"),
        (_body(split={"n_splits": 21}), "config.split_config.n_splits"),
        (_body(split={"n_splits": 1}), "config.split_config.n_splits"),
        (_body(split={"horizon": 91}), "config.split_config.horizon"),
        (_body(split={"min_train_size": 6}), "config.split_config.min_train_size"),
        (_body(split={"strategy": "rolling"}), "config.split_config.strategy"),
        ({**_body(), "end_date": START.isoformat()}, ""),
        ({**_body(), "start_date": "yesterday"}, "start_date"),
        (_body(model={"model_type": "arima"}), "config.model_config_main"),
        ({**_body(), "extra": 1}, "extra"),
    ],
)
def test_schema_violations_are_422(client: TestClient, body: dict, field: str) -> None:
    problem = assert_problem(client.post("/backtesting/run", json=body), 422, "VALIDATION_ERROR")
    assert any(error["field"] == field for error in problem["errors"]), problem["errors"]


def test_bucket_ids_cover_long_horizons(client: TestClient) -> None:
    result = _run(client, _body(split={"n_splits": 2, "horizon": 30}))
    assert list(result["main_model_results"]["bucketed_aggregated_metrics"]) == list(BUCKET_IDS)
