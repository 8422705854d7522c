"""/explain over the small warehouse and real MLflow: every endpoint and documented status.

The tests write explanations into the shared warehouse's app.forecast_explanation; each one
reads back only the rows of the explanations it produced.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from forecastlab.explain.history import load_history
from forecastlab.models import make_forecaster, parse_model_config
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel
from forecastlab.registry import ModelRunSpec, create_run, log_model_run
from tests.dbt.conftest import TODAY, Warehouse
from tests.serving.conftest import START, assert_problem, train

EXPLANATION_KEYS = {
    "explanation_id",
    "store_id",
    "product_id",
    "model_type",
    "method",
    "forecast_value",
    "drivers",
    "reason_codes",
    "confidence",
    "caveats",
    "agent_summary",
    "as_of_date",
    "forecast_date",
    "generated_at",
    "run_id",
    "job_id",
}


def _forecast_body(**fields: object) -> dict[str, Any]:
    return {
        "store_id": 1,
        "product_id": 2,
        "model_type": "moving_average",
        "as_of_date": TODAY.isoformat(),
        **fields,
    }


def _stored_run_ids(warehouse: Warehouse, explanation_id: str) -> tuple[str | None, str]:
    with warehouse.engine.connect() as conn:
        row = conn.execute(
            text("select run_id, method from app.forecast_explanation where explanation_id = :id"),
            {"id": explanation_id},
        ).one()
    return row.run_id, row.method


@pytest.fixture(scope="module")
def tree_run(client: TestClient) -> str:
    return train(client, config={"model_type": "lightgbm", "n_estimators": 20})["run_id"]


@pytest.fixture(scope="module")
def seasonal_run(client: TestClient) -> str:
    return train(client, config={"model_type": "seasonal_naive", "season_length": 14})["run_id"]


# --- POST /explain/forecast --------------------------------------------------------------------


def test_explain_forecast_returns_and_persists_the_explanation(
    client: TestClient, small_warehouse: Warehouse
) -> None:
    response = client.post("/explain/forecast", json=_forecast_body(window_size=5))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == EXPLANATION_KEYS
    y = load_history(small_warehouse.engine, 1, 2, TODAY).quantity
    assert body["forecast_value"] == pytest.approx(y[-5:].mean(), abs=1e-12)
    assert [driver["name"] for driver in body["drivers"]] == ["window_mean", "window_dispersion"]
    assert sum(d["contribution"] for d in body["drivers"]) == pytest.approx(body["forecast_value"])
    assert body["method"] == "rule_based"
    assert body["confidence"] in ("high", "medium")
    assert (body["as_of_date"], body["forecast_date"]) == ("2025-06-30", "2025-07-01")
    assert body["generated_at"].endswith("+00:00")
    assert body["caveats"][0].startswith("Correlation, not causation")
    assert "moving_average model forecasts" in body["agent_summary"]
    assert _stored_run_ids(small_warehouse, body["explanation_id"]) == (None, "rule_based")


def test_explain_forecast_applies_the_season_length(
    client: TestClient, small_warehouse: Warehouse
) -> None:
    body = _forecast_body(model_type="seasonal_naive", season_length=10, window_size=3)
    explained = client.post("/explain/forecast", json=body).json()
    y = load_history(small_warehouse.engine, 1, 2, TODAY).quantity
    assert explained["forecast_value"] == y[-10]
    assert explained["drivers"][0]["name"] == "season_match"


@pytest.mark.parametrize("model_type", ["croston", "tsb", "adida", "imapa"])
def test_explain_forecast_of_an_intermittent_model(
    client: TestClient, small_warehouse: Warehouse, model_type: str
) -> None:
    response = client.post("/explain/forecast", json=_forecast_body(model_type=model_type))
    assert response.status_code == 200, response.text
    body = response.json()
    y = load_history(small_warehouse.engine, 1, 2, TODAY).quantity
    model = make_forecaster(parse_model_config({"model_type": model_type}))
    assert body["forecast_value"] == pytest.approx(model.fit(y).predict(1)[0], rel=1e-12)
    assert body["drivers"][-1]["name"] == "demand_days"
    assert sum(d["contribution"] for d in body["drivers"]) == pytest.approx(body["forecast_value"])


def test_explain_run_keeps_the_runs_croston_variant(client: TestClient) -> None:
    run_id = train(client, config={"model_type": "croston", "variant": "sba"})["run_id"]
    response = client.get(f"/explain/runs/{run_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["model_type"], body["run_id"]) == ("croston", run_id)
    assert "sba_factor" in [driver["name"] for driver in body["drivers"]]


@pytest.mark.parametrize("model_type", ["lightgbm", "regression", "portfolio", "no-such-model"])
def test_explain_forecast_of_a_non_baseline_is_400(client: TestClient, model_type: str) -> None:
    response = client.post("/explain/forecast", json=_forecast_body(model_type=model_type))
    body = assert_problem(response, 400, "BAD_REQUEST")
    assert "no rule-based explanation" in body["detail"]


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"store_id": 999}, "No sales history for store 999"),
        ({"as_of_date": "2020-01-01"}, "No sales history"),
        (
            {"model_type": "seasonal_naive", "as_of_date": (START + timedelta(days=3)).isoformat()},
            "needs at least 7 observations",
        ),
        (
            {"window_size": 90, "as_of_date": (START + timedelta(days=30)).isoformat()},
            "at least 90",
        ),
    ],
)
def test_explain_forecast_of_a_too_short_series_is_400(
    client: TestClient, fields: dict[str, Any], detail: str
) -> None:
    body = assert_problem(
        client.post("/explain/forecast", json=_forecast_body(**fields)), 400, "BAD_REQUEST"
    )
    assert detail in body["detail"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"season_length": "7"}, "season_length"),
        ({"season_length": 0}, "season_length"),
        ({"window_size": 91}, "window_size"),
        ({"store_id": 0}, "store_id"),
        ({"as_of_date": "30/06/2025"}, "as_of_date"),
        ({"model_type": "x" * 51}, "model_type"),
        ({"model_type": "naive\x00"}, "model_type"),
        ({"horizon": 3}, "horizon"),
    ],
)
def test_explain_forecast_schema_violations_are_422(
    client: TestClient, fields: dict[str, Any], field: str
) -> None:
    response = client.post("/explain/forecast", json=_forecast_body(**fields))
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert [error["field"] for error in body["errors"]] == [field]


# --- GET /explain/runs/{run_id} ----------------------------------------------------------------


def test_explain_run_uses_the_runs_config_window_and_series(
    client: TestClient, small_warehouse: Warehouse, seasonal_run: str
) -> None:
    response = client.get(f"/explain/runs/{seasonal_run}")
    assert response.status_code == 200, response.text
    body = response.json()
    y = load_history(small_warehouse.engine, 1, 2, TODAY).quantity
    assert body["forecast_value"] == y[-14]  # season_length 14 from the run's model_config
    assert (body["store_id"], body["product_id"], body["as_of_date"]) == (1, 2, "2025-06-30")
    assert body["run_id"] == seasonal_run
    predicted = client.post(
        "/forecasting/predict",
        json={"store_id": 1, "product_id": 2, "horizon": 1, "run_id": seasonal_run},
    ).json()
    assert predicted["forecasts"][0]["forecast"] == body["forecast_value"]
    assert _stored_run_ids(small_warehouse, body["explanation_id"]) == (seasonal_run, "rule_based")


@pytest.mark.parametrize("run_id", ["0" * 32, "not-a-run-id"])
def test_explain_run_of_an_unknown_run_is_404(client: TestClient, run_id: str) -> None:
    assert_problem(client.get(f"/explain/runs/{run_id}"), 404, "NOT_FOUND")


def test_explain_run_of_a_tree_run_is_400(client: TestClient, tree_run: str) -> None:
    body = assert_problem(client.get(f"/explain/runs/{tree_run}"), 400, "BAD_REQUEST")
    assert "'lightgbm' has no rule-based explanation" in body["detail"]


def test_explain_run_without_a_series_needs_the_query_parameters(client: TestClient) -> None:
    run = create_run("moving_average", {"window_size": 3}, START, TODAY)
    body = assert_problem(client.get(f"/explain/runs/{run.run_id}"), 400, "BAD_REQUEST")
    assert "give the store_id and product_id query parameters" in body["detail"]
    response = client.get(f"/explain/runs/{run.run_id}", params={"store_id": 2, "product_id": 3})
    assert response.status_code == 200, response.text
    assert (response.json()["store_id"], response.json()["product_id"]) == (2, 3)
    assert_problem(client.get(f"/explain/runs/{run.run_id}?store_id=0"), 422, "VALIDATION_ERROR")


def test_explain_run_for_another_series_is_400(client: TestClient, seasonal_run: str) -> None:
    response = client.get(f"/explain/runs/{seasonal_run}", params={"store_id": 2})
    body = assert_problem(response, 400, "BAD_REQUEST")
    assert "trained for store_id 1, not 2" in body["detail"]


# --- GET /explain/jobs/{job_id} (the reachable-webserver paths: tests/e2e) ---------------------


def test_explain_job_without_a_webserver_is_502(
    client_for: Any, small_warehouse: Warehouse
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = client_for(small_warehouse.endpoints, dagster_webserver_url=f"http://127.0.0.1:{port}")
    body = assert_problem(api.get("/explain/jobs/5f0c2d5e-7a41-4c1b"), 502, "BAD_GATEWAY")
    assert "unreachable" in body["detail"]


# --- POST /explain/contributions ---------------------------------------------------------------


def test_contributions_explain_each_served_forecast_day(
    client: TestClient, small_warehouse: Warehouse, tree_run: str
) -> None:
    response = client.post("/explain/contributions", json={"run_id": tree_run, "horizon": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("run_id", "run_model_type", "store_id", "product_id")} == {
        "run_id": tree_run,
        "run_model_type": "lightgbm",
        "store_id": 1,
        "product_id": 2,
    }
    assert (body["method"], body["horizon"], len(body["explanations"])) == ("shap", 3, 3)
    predicted = client.post(
        "/forecasting/predict",
        json={"store_id": 1, "product_id": 2, "horizon": 3, "run_id": tree_run},
    ).json()
    for explanation, point in zip(body["explanations"], predicted["forecasts"], strict=True):
        assert set(explanation) == EXPLANATION_KEYS
        assert explanation["forecast_date"] == point["date"]
        assert explanation["forecast_value"] == point["forecast"]
        raw = sum(driver["contribution"] for driver in explanation["drivers"])
        assert max(raw, 0.0) == pytest.approx(point["forecast"], abs=1e-6)
        assert explanation["drivers"][-1]["name"] == "bias"
        assert _stored_run_ids(small_warehouse, explanation["explanation_id"]) == (tree_run, "shap")


def test_contributions_of_a_baseline_run_are_400(client: TestClient, seasonal_run: str) -> None:
    response = client.post("/explain/contributions", json={"run_id": seasonal_run})
    body = assert_problem(response, 400, "BAD_REQUEST")
    assert "seasonal_naive model" in body["detail"]


@pytest.mark.parametrize("run_id", ["0" * 32, "not-a-run-id"])
def test_contributions_of_an_unknown_run_are_404(client: TestClient, run_id: str) -> None:
    assert_problem(client.post("/explain/contributions", json={"run_id": run_id}), 404, "NOT_FOUND")


def test_contributions_of_a_global_model_need_the_series(
    client: TestClient, small_warehouse: Warehouse
) -> None:
    model = GlobalForecaster("hgb", n_estimators=10).fit(load_feature_panel(small_warehouse.engine))
    run_id = log_model_run(
        ModelRunSpec(
            model_type="global_hgb",
            model=model,
            model_config={"kind": "hgb"},
            store_id=None,
            product_id=None,
            data_window_start=START,
            data_window_end=TODAY,
        )
    ).run_id
    body = assert_problem(
        client.post("/explain/contributions", json={"run_id": run_id}), 400, "BAD_REQUEST"
    )
    assert "give store_id and product_id" in body["detail"]
    response = client.post(
        "/explain/contributions", json={"run_id": run_id, "store_id": 2, "product_id": 1}
    )
    assert response.status_code == 200, response.text
    assert response.json()["explanations"][0]["method"] == "tree_path"
    missing = {"run_id": run_id, "store_id": 99, "product_id": 1}
    assert_problem(client.post("/explain/contributions", json=missing), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"run_id": "a" * 32, "horizon": 0}, "horizon"),
        ({"run_id": "a" * 32, "horizon": 91}, "horizon"),
        ({"run_id": "a" * 32, "horizon": "2"}, "horizon"),
        ({"horizon": 2}, "run_id"),
        ({"run_id": ""}, "run_id"),
        ({"run_id": "a" * 32, "model_type": "lightgbm"}, "model_type"),
    ],
)
def test_contributions_schema_violations_are_422(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(
        client.post("/explain/contributions", json=body), 422, "VALIDATION_ERROR"
    )
    assert [error["field"] for error in problem["errors"]] == [field]
