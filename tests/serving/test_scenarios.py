"""/scenarios over the small warehouse and real MLflow: simulate, keep, list, read, compare, delete.

The shared warehouse's `app.scenario_plan` collects plans from every test here, so each test
finds its own through a tag of its own or the ids it created; the empty-listing test runs on a
fresh database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from forecastlab.features.series import load_series
from forecastlab.forecasting.loading import load_run_model
from forecastlab.models import NaiveForecaster
from forecastlab.registry import (
    PORTFOLIO_MODEL_TYPE,
    ModelRunSpec,
    Portfolio,
    configure,
    create_run,
    log_model_run,
)
from tests.dbt.conftest import TODAY, Warehouse
from tests.serving.conftest import START, assert_problem, train

DAY = [(TODAY + timedelta(days=step)).isoformat() for step in range(1, 15)]
TWO_WEEKS = {"start_date": DAY[0], "end_date": DAY[13]}
PROMOTION = {
    "promotion": {"kind": "pct_off", **TWO_WEEKS},
    "price": {"change_pct": -0.2, **TWO_WEEKS},
    "inventory": {"on_hand_units": 1000},
}
COMPARISON_KEYS = {
    "store_id",
    "product_id",
    "model_type",
    "horizon",
    "points",
    "baseline_total_units",
    "scenario_total_units",
    "units_delta",
    "units_delta_pct",
    "unit_price_used",
    "baseline_revenue",
    "scenario_revenue",
    "revenue_delta",
    "coverage_verdict",
    "method",
    "disclaimer",
    "interval_level",  # additive: the scenario's prediction interval (issue 5)
    "interval_note",
    "generated_at",
}
PLAN_KEYS = {
    "scenario_id",
    "name",
    "store_id",
    "product_id",
    "run_id",
    "horizon",
    "method",
    "created_at",
    "assumptions",
    "comparison",
    "tags",
    "cloned_from",
    "source",
    "agent_session_id",
    "approved_by",
    "approved_at",
    "approval_decision",
}


@pytest.fixture(scope="module")
def seasonal(client: TestClient) -> str:
    """A seasonal_naive run of store 1 / product 2, trained through the API."""
    return train(client, config={"model_type": "seasonal_naive", "season_length": 7})["run_id"]


@pytest.fixture(scope="module")
def portfolio(small_warehouse: Warehouse, client: TestClient) -> str:
    """A portfolio run (no grain of its own) holding store 2 / product 3."""
    series = load_series(small_warehouse.engine, 2, 3, START, TODAY)
    record = log_model_run(
        ModelRunSpec(
            model_type=PORTFOLIO_MODEL_TYPE,
            model=Portfolio(members={(2, 3): NaiveForecaster().fit(series.quantity)}),
            model_config={"members": 1},
            store_id=None,
            product_id=None,
            data_window_start=START,
            data_window_end=TODAY,
        )
    )
    return record.run_id


def _tag() -> str:
    return f"api-{uuid.uuid4().hex[:12]}"


def _simulate(client: TestClient, run_id: str, **fields: object) -> dict:
    response = client.post("/scenarios/simulate", json={"run_id": run_id, "horizon": 14, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def _save(client: TestClient, run_id: str, **fields: object) -> dict:
    body = {"name": "plan", "run_id": run_id, "horizon": 14, **fields}
    response = client.post("/scenarios", json=body)
    assert response.status_code == 201, response.text
    return response.json()


# --- POST /scenarios/simulate ----------------------------------------------------------------


def test_simulate_a_promotion_on_a_baseline_run(client: TestClient, seasonal: str) -> None:
    comparison = _simulate(client, seasonal, assumptions=PROMOTION)
    assert set(comparison) == COMPARISON_KEYS
    assert (comparison["store_id"], comparison["product_id"]) == (1, 2)
    assert (comparison["model_type"], comparison["method"]) == ("seasonal_naive", "heuristic")
    assert [point["date"] for point in comparison["points"]] == DAY
    factor = 0.8**-1.2 * 1.25
    assert all(point["applied_factor"] == pytest.approx(factor) for point in comparison["points"])
    assert comparison["units_delta_pct"] == pytest.approx((factor - 1) * 100)
    assert isinstance(comparison["unit_price_used"], str)  # money as a decimal string (D-23)
    revenue = comparison["scenario_total_units"] * float(comparison["unit_price_used"])
    assert comparison["scenario_revenue"] == pytest.approx(revenue)
    assert comparison["coverage_verdict"] in {"covered", "at_risk", "stockout"}
    assert comparison["generated_at"].endswith("+00:00")
    assert comparison["interval_level"] == 0.8
    assert all(
        point["lower_bound"] <= point["scenario"] <= point["upper_bound"]
        for point in comparison["points"]
    )

    predicted = client.post(
        "/forecasting/predict",
        json={"store_id": 1, "product_id": 2, "horizon": 14, "run_id": seasonal},
    ).json()
    assert [p["baseline"] for p in comparison["points"]] == [
        f["forecast"] for f in predicted["forecasts"]
    ]


def test_simulate_on_an_intermittent_model_run(client: TestClient) -> None:
    run_id = train(client, config={"model_type": "tsb", "alpha_p": 0.05})["run_id"]
    plain = _simulate(client, run_id, assumptions={})
    comparison = _simulate(client, run_id, assumptions=PROMOTION)
    assert (comparison["model_type"], comparison["method"]) == ("tsb", "heuristic")
    assert [point["baseline"] for point in comparison["points"]] == [
        point["scenario"] for point in plain["points"]
    ]
    assert comparison["scenario_total_units"] > comparison["baseline_total_units"]


def test_simulate_re_forecasts_a_regression_run(client: TestClient) -> None:
    run_id = train(client, config={"model_type": "regression", "max_iter": 50})["run_id"]
    comparison = _simulate(client, run_id, assumptions=PROMOTION)
    assert comparison["method"] == "model_exogenous"
    assert "feature-driven model" in comparison["disclaimer"]


def test_an_empty_assumption_set_is_the_baseline(client: TestClient, seasonal: str) -> None:
    comparison = _simulate(client, seasonal, horizon=3, assumptions={})
    assert comparison["units_delta"] == 0.0
    assert comparison["coverage_verdict"] == "unknown"
    assert all(p["scenario"] == p["baseline"] for p in comparison["points"])


@pytest.mark.parametrize("run_id", ["f" * 32, "not-a-run"])
def test_a_bogus_run_is_404(client: TestClient, run_id: str) -> None:
    body = {"run_id": run_id, "horizon": 7}
    assert_problem(client.post("/scenarios/simulate", json=body), 404, "NOT_FOUND")


def test_a_run_without_a_model_is_404(client: TestClient) -> None:
    pending = create_run("naive", {"model_type": "naive"}, START, TODAY, 1, 2)
    body = {"run_id": pending.run_id, "horizon": 7}
    detail = assert_problem(client.post("/scenarios/simulate", json=body), 404, "NOT_FOUND")
    assert "no model artifact" in detail["detail"]


def test_a_run_without_a_grain_needs_the_series(client: TestClient, portfolio: str) -> None:
    body = {"run_id": portfolio, "horizon": 7}
    detail = assert_problem(client.post("/scenarios/simulate", json=body), 400, "BAD_REQUEST")
    assert "give store_id and product_id" in detail["detail"]

    comparison = _simulate(client, portfolio, store_id=2, product_id=3, horizon=7)
    assert (comparison["store_id"], comparison["model_type"]) == (2, PORTFOLIO_MODEL_TYPE)
    missing = client.post("/scenarios/simulate", json={**body, "store_id": 1, "product_id": 3})
    assert_problem(missing, 404, "NOT_FOUND")


def test_another_series_than_the_run_s_own_is_400(client: TestClient, seasonal: str) -> None:
    body = {"run_id": seasonal, "horizon": 7, "product_id": 3}
    detail = assert_problem(client.post("/scenarios/simulate", json=body), 400, "BAD_REQUEST")
    assert "trained for store 1 product 2" in detail["detail"]


def test_a_horizon_over_the_settings_limit_is_400(
    client_for: Callable[..., TestClient], small_warehouse: Warehouse, seasonal: str
) -> None:
    narrow = client_for(small_warehouse.endpoints, forecast_max_horizon=7)
    body = {"run_id": seasonal, "horizon": 8}
    detail = assert_problem(narrow.post("/scenarios/simulate", json=body), 400, "BAD_REQUEST")
    assert "forecast_max_horizon" in detail["detail"]


@pytest.mark.parametrize(
    ("fields", "field", "error_type"),
    [
        ({"horizon": 0}, "horizon", "greater_than_equal"),
        ({"horizon": 91}, "horizon", "less_than_equal"),
        ({"horizon": "7"}, "horizon", "int_type"),
        ({"run_id": ""}, "run_id", "string_too_short"),
        ({"run_id": "a" * 65}, "run_id", "string_too_long"),
        ({"store_id": 0}, "store_id", "greater_than_equal"),
        ({"seed": 1}, "seed", "extra_forbidden"),
        ({"assumptions": {"weather": {}}}, "assumptions.weather", "extra_forbidden"),
        (
            {"assumptions": {"price": {"change_pct": -0.95, **TWO_WEEKS}}},
            "assumptions.price.change_pct",
            "greater_than_equal",
        ),
        (
            {"assumptions": {"price": {"change_pct": 5.01, **TWO_WEEKS}}},
            "assumptions.price.change_pct",
            "less_than_equal",
        ),
        (
            {"assumptions": {"price": {"change_pct": "-0.2", **TWO_WEEKS}}},
            "assumptions.price.change_pct",
            "float_type",
        ),
        (
            {"assumptions": {"promotion": {"kind": "clearance", **TWO_WEEKS}}},
            "assumptions.promotion.kind",
            "literal_error",
        ),
        (
            {"assumptions": {"promotion": {"kind": "bogo", "start_date": DAY[0]}}},
            "assumptions.promotion.end_date",
            "missing",
        ),
        (
            {"assumptions": {"promotion": {"kind": "bogo", **TWO_WEEKS, "start_date": "7/1"}}},
            "assumptions.promotion.start_date",
            "value_error",
        ),
        ({"assumptions": {"holiday": {"dates": []}}}, "assumptions.holiday.dates", "too_short"),
        (
            {"assumptions": {"inventory": {"on_hand_units": -1}}},
            "assumptions.inventory.on_hand_units",
            "greater_than_equal",
        ),
        (
            {"assumptions": {"lifecycle": {"stage": "retired"}}},
            "assumptions.lifecycle.stage",
            "literal_error",
        ),
    ],
)
def test_simulate_schema_violations_are_422(
    client: TestClient, seasonal: str, fields: dict, field: str, error_type: str
) -> None:
    body = {"run_id": seasonal, "horizon": 7, **fields}
    problem = assert_problem(client.post("/scenarios/simulate", json=body), 422, "VALIDATION_ERROR")
    assert {"field": field, "type": error_type} in [
        {"field": error["field"], "type": error["type"]} for error in problem["errors"]
    ], problem["errors"]


# --- POST /scenarios, GET /scenarios/{id}, DELETE ---------------------------------------------


def test_a_saved_plan_reads_back_identically(client: TestClient, seasonal: str) -> None:
    tag = _tag()
    plan = _save(
        client,
        seasonal,
        name="20% off, two weeks",
        assumptions=PROMOTION,
        tags=[tag],
        cloned_from="0123456789abcdef0123456789abcdef",
    )
    assert set(plan) == PLAN_KEYS
    assert len(plan["scenario_id"]) == 32
    assert (plan["store_id"], plan["product_id"], plan["run_id"]) == (1, 2, seasonal)
    assert plan["method"] == plan["comparison"]["method"] == "heuristic"
    assert set(plan["comparison"]) == COMPARISON_KEYS
    assert plan["assumptions"]["promotion"] == PROMOTION["promotion"]
    assert plan["assumptions"]["holiday"] is None
    assert plan["created_at"].endswith("+00:00")
    assert (plan["tags"], plan["cloned_from"]) == ([tag], "0123456789abcdef0123456789abcdef")
    assert (plan["source"], plan["approved_by"], plan["approval_decision"]) == ("user", None, None)

    read = client.get(f"/scenarios/{plan['scenario_id']}")
    assert read.status_code == 200, read.text
    assert read.json() == plan


def test_a_plan_outlives_its_baseline_model(client: TestClient) -> None:
    run_id = train(client, config={"model_type": "naive"})["run_id"]
    plan = _save(client, run_id, horizon=3, assumptions={"lifecycle": {"stage": "growth"}})

    configure().delete_run(run_id)
    load_run_model.cache_clear()
    gone = client.post("/scenarios/simulate", json={"run_id": run_id, "horizon": 3})
    assert_problem(gone, 404, "NOT_FOUND")
    read = client.get(f"/scenarios/{plan['scenario_id']}")
    assert read.status_code == 200, read.text
    assert read.json() == plan


def test_saving_on_a_bogus_or_grainless_run_fails(client: TestClient, portfolio: str) -> None:
    body = {"name": "x", "run_id": "f" * 32, "horizon": 7}
    assert_problem(client.post("/scenarios", json=body), 404, "NOT_FOUND")
    grainless = client.post("/scenarios", json={**body, "run_id": portfolio})
    assert_problem(grainless, 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    ("fields", "field", "error_type"),
    [
        ({"name": None}, "name", "string_type"),
        ({"name": ""}, "name", "string_too_short"),
        ({"name": "n" * 201}, "name", "string_too_long"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags", "too_long"),
        ({"tags": [""]}, "tags.0", "string_too_short"),
        ({"tags": "summer"}, "tags", "list_type"),
        ({"cloned_from": "c" * 33}, "cloned_from", "string_too_long"),
        ({"source": "agent"}, "source", "extra_forbidden"),
    ],
)
def test_create_schema_violations_are_422(
    client: TestClient, seasonal: str, fields: dict, field: str, error_type: str
) -> None:
    body = {"name": "plan", "run_id": seasonal, "horizon": 7, **fields}
    problem = assert_problem(client.post("/scenarios", json=body), 422, "VALIDATION_ERROR")
    assert {"field": field, "type": error_type} in [
        {"field": error["field"], "type": error["type"]} for error in problem["errors"]
    ], problem["errors"]


def test_delete_then_get_is_404(client: TestClient, seasonal: str) -> None:
    plan = _save(client, seasonal, horizon=2)
    deleted = client.delete(f"/scenarios/{plan['scenario_id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_problem(client.get(f"/scenarios/{plan['scenario_id']}"), 404, "NOT_FOUND")
    assert_problem(client.delete(f"/scenarios/{plan['scenario_id']}"), 404, "NOT_FOUND")


def test_unknown_plans_are_404(client: TestClient) -> None:
    assert_problem(client.get(f"/scenarios/{'d' * 32}"), 404, "NOT_FOUND")
    assert_problem(client.get("/scenarios/not-a-plan"), 404, "NOT_FOUND")
    assert_problem(client.delete(f"/scenarios/{'d' * 32}"), 404, "NOT_FOUND")


# --- GET /scenarios --------------------------------------------------------------------------


def test_an_empty_table_lists_nothing(
    client_for: Callable[..., TestClient], fresh_database: Callable[[str], Endpoints]
) -> None:
    empty = client_for(fresh_database("scenarios_empty"))
    response = empty.get("/scenarios")
    assert response.status_code == 200, response.text
    assert response.json() == {"scenarios": [], "total": 0}


def test_list_pages_newest_first_and_filters_by_every_tag(
    client: TestClient, seasonal: str
) -> None:
    tag, promo = _tag(), _tag()
    plans = [
        _save(client, seasonal, name=f"p{i}", horizon=2, tags=[tag] + [promo] * (i % 2))
        for i in range(4)
    ]

    page = client.get("/scenarios", params={"tags": tag, "limit": 3, "offset": 1}).json()
    assert page["total"] == 4
    assert [item["scenario_id"] for item in page["scenarios"]] == [
        plans[2]["scenario_id"],
        plans[1]["scenario_id"],
        plans[0]["scenario_id"],
    ]
    assert page["scenarios"][0] == {
        "scenario_id": plans[2]["scenario_id"],
        "name": "p2",
        "store_id": 1,
        "product_id": 2,
        "horizon": 2,
        "units_delta": plans[2]["comparison"]["units_delta"],
        "revenue_delta": plans[2]["comparison"]["revenue_delta"],
        "created_at": plans[2]["created_at"],
        "tags": [tag],
    }

    both = client.get("/scenarios", params=[("tags", tag), ("tags", promo)]).json()
    assert both["total"] == 2
    assert [item["scenario_id"] for item in both["scenarios"]] == [
        plans[3]["scenario_id"],
        plans[1]["scenario_id"],
    ]
    assert client.get("/scenarios", params={"tags": _tag()}).json() == {
        "scenarios": [],
        "total": 0,
    }
    unfiltered = client.get("/scenarios", params={"limit": 1}).json()
    assert unfiltered["total"] >= 4 and len(unfiltered["scenarios"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"limit": "many"},
        [("tags", f"t{i}") for i in range(21)],
        {"tags": ""},
    ],
)
def test_list_bounds_are_422(client: TestClient, params: object) -> None:
    assert_problem(client.get("/scenarios", params=params), 422, "VALIDATION_ERROR")


# --- POST /scenarios/compare -----------------------------------------------------------------


def test_compare_ranks_plans_against_the_first(client: TestClient, seasonal: str) -> None:
    bogo = _save(
        client,
        seasonal,
        name="bogo",
        horizon=3,
        assumptions={"promotion": {"kind": "bogo", **TWO_WEEKS}},
    )
    cut = _save(
        client,
        seasonal,
        name="half price",
        horizon=5,
        assumptions={"price": {"change_pct": -0.5, **TWO_WEEKS}},
    )
    ids = [bogo["scenario_id"], cut["scenario_id"]]
    response = client.post("/scenarios/compare", json={"scenario_ids": ids})
    assert response.status_code == 200, response.text
    result = response.json()

    assert result["rank_by"] == "revenue_delta"
    assert result["baseline_total_units"] == bogo["comparison"]["baseline_total_units"]
    assert result["baseline_revenue"] == bogo["comparison"]["baseline_revenue"]
    assert result["scenarios"] == [
        {
            "scenario_id": cut["scenario_id"],
            "name": "half price",
            "units_delta": cut["comparison"]["units_delta"],
            "revenue_delta": cut["comparison"]["revenue_delta"],
            "coverage_verdict": "unknown",
            "rank": 1,
        },
        {
            "scenario_id": bogo["scenario_id"],
            "name": "bogo",
            "units_delta": bogo["comparison"]["units_delta"],
            "revenue_delta": bogo["comparison"]["revenue_delta"],
            "coverage_verdict": "unknown",
            "rank": 2,
        },
    ]
    series = result["chart_series"]
    assert [row["date"] for row in series] == DAY[:5]
    assert series[0] == {
        "date": DAY[0],
        "baseline": bogo["comparison"]["points"][0]["baseline"],
        bogo["scenario_id"]: bogo["comparison"]["points"][0]["scenario"],
        cut["scenario_id"]: cut["comparison"]["points"][0]["scenario"],
    }
    assert series[4]["baseline"] is None and series[4][bogo["scenario_id"]] is None

    by_units = client.post(
        "/scenarios/compare", json={"scenario_ids": ids, "rank_by": "units_delta"}
    )
    assert by_units.json()["rank_by"] == "units_delta"


def test_compare_names_every_unknown_id(client: TestClient, seasonal: str) -> None:
    known = _save(client, seasonal, horizon=2)["scenario_id"]
    unknown = ["e" * 32, "f" * 32]
    body = {"scenario_ids": [unknown[0], known, unknown[1]]}
    detail = assert_problem(client.post("/scenarios/compare", json=body), 404, "NOT_FOUND")
    assert unknown[0] in detail["detail"] and unknown[1] in detail["detail"]
    assert known not in detail["detail"]


@pytest.mark.parametrize(
    ("body", "field", "error_type"),
    [
        ({"scenario_ids": ["a" * 32]}, "scenario_ids", "too_short"),
        ({"scenario_ids": [f"{i}" * 32 for i in range(6)]}, "scenario_ids", "too_long"),
        ({"scenario_ids": ["a" * 32, "a" * 32]}, "", "value_error"),
        ({"scenario_ids": ["a" * 32, "b" * 32], "rank_by": "margin"}, "rank_by", "literal_error"),
        ({}, "scenario_ids", "missing"),
    ],
)
def test_compare_bounds_are_422(
    client: TestClient, body: dict, field: str, error_type: str
) -> None:
    problem = assert_problem(client.post("/scenarios/compare", json=body), 422, "VALIDATION_ERROR")
    assert {"field": field, "type": error_type} in [
        {"field": error["field"], "type": error["type"]} for error in problem["errors"]
    ], problem["errors"]
