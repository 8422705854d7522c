"""Rule-based explanations over real raw.* rows: the model's number, the reason codes of a seeded
preset, time safety, and the row persisted in app.forecast_explanation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.history import load_history
from forecastlab.explain.service import explain_forecast, explain_run
from forecastlab.forecasting.errors import NoDataError
from forecastlab.models import InsufficientDataError, make_forecaster, parse_model_config
from forecastlab.registry import create_run
from tests.dbt.conftest import TODAY, Warehouse, seed

# Memorial Day 2025 lies inside every 90- and 120-day window ending on TODAY (2025-06-30).
HOLIDAY = date(2025, 5, 26)


@pytest.fixture(autouse=True)
def _mlflow(endpoints: Endpoints) -> None:
    """`endpoints` exports the session's MLflow store to the environment the registry reads."""


@pytest.fixture(scope="module")
def stockouts(fresh_database: Callable[[str], Endpoints]) -> Engine:
    """stockout_heavy (3 stores x 8 products x 90 days): a quarter of the snapshots are
    stockouts and stockout days have no sales row. Tests here may change its rows."""
    engine = engine_for(fresh_database("explain_stockouts").app_sqlalchemy)
    seed(engine, "stockout_heavy", seed=3)
    return engine


def stored(engine: Engine, explanation_id: str) -> dict[str, Any]:
    """The persisted row of one explanation."""
    with engine.connect() as conn:
        row = conn.execute(
            text("select * from app.forecast_explanation where explanation_id = :id"),
            {"id": explanation_id},
        )
        return dict(row.mappings().one())


@pytest.mark.parametrize(
    "params",
    [
        {"model_type": "naive"},
        {"model_type": "seasonal_naive", "season_length": 14},
        {"model_type": "moving_average", "window_size": 10},
        {"model_type": "weighted_moving_average"},
        {"model_type": "seasonal_average"},
        {"model_type": "trend_regression_baseline"},
    ],
    ids=lambda p: p["model_type"],
)
def test_the_explained_value_is_what_the_model_forecasts(
    small_warehouse: Warehouse, params: dict[str, Any]
) -> None:
    engine = small_warehouse.engine
    explanation = explain_forecast(engine, 1, 2, params["model_type"], TODAY, params)
    y = load_history(engine, 1, 2, TODAY).quantity
    config = parse_model_config(params)
    assert explanation.forecast_value == make_forecaster(config).fit(y).predict(1)[0]
    total = sum(driver.contribution for driver in explanation.drivers)
    assert total == pytest.approx(explanation.forecast_value, abs=1e-9)
    assert explanation.method == "rule_based"
    assert (explanation.as_of_date, explanation.forecast_date) == (TODAY, TODAY + timedelta(1))


def test_every_explanation_is_persisted_as_answered(small_warehouse: Warehouse) -> None:
    engine = small_warehouse.engine
    explanation = explain_forecast(
        engine, 2, 3, "moving_average", TODAY - timedelta(days=3), {"window_size": 5}
    )
    row = stored(engine, explanation.explanation_id)
    assert (row["store_id"], row["product_id"], row["model_type"]) == (2, 3, "moving_average")
    assert (row["method"], row["confidence"]) == ("rule_based", explanation.confidence)
    assert row["as_of_date"] == TODAY - timedelta(days=3)
    assert row["forecast_value"] == explanation.forecast_value
    assert row["run_id"] is None and row["job_id"] is None
    assert row["drivers"] == [
        {
            "name": d.name,
            "feature_value": d.feature_value,
            "contribution": d.contribution,
            "direction": d.direction,
            "description": d.description,
        }
        for d in explanation.drivers
    ]
    assert row["reason_codes"] == [
        {"code": c.code, "severity": c.severity, "detail": c.detail}
        for c in explanation.reason_codes
    ]
    assert row["caveats"] == list(explanation.caveats)
    assert row["agent_summary"] == explanation.agent_summary
    assert row["created_at"] == explanation.generated_at


def test_a_series_without_sales_or_with_too_few_is_refused(small_warehouse: Warehouse) -> None:
    engine = small_warehouse.engine
    with pytest.raises(NoDataError, match="No sales history for store 99"):
        explain_forecast(engine, 99, 2, "naive", TODAY, {})
    first_day = load_history(engine, 1, 2, TODAY).dates[0]
    with pytest.raises(InsufficientDataError, match="got 3"):
        explain_forecast(engine, 1, 2, "seasonal_naive", first_day + timedelta(days=2), {})


def test_stockouts_in_the_trailing_window_fire_and_warn(stockouts: Engine) -> None:
    explanation = explain_forecast(stockouts, 1, 1, "naive", TODAY, {})
    with stockouts.connect() as conn:
        days = conn.execute(
            text(
                "select count(*) from raw.inventory_snapshot_daily where store_id = 1 and "
                "product_id = 1 and is_stockout and date > :start and date <= :end"
            ),
            {"start": TODAY - timedelta(days=31), "end": TODAY},
        ).scalar_one()
    assert days > 0  # a quarter of the snapshots
    codes = {code.code: code for code in explanation.reason_codes}
    assert codes["stockout_constrained"].severity == "warn"
    assert codes["stockout_constrained"].detail.startswith(f"{days} stockout day(s)")
    assert any("understate true demand" in caveat for caveat in explanation.caveats)


def test_holiday_promotion_launch_and_short_history_fire(stockouts: Engine) -> None:
    with stockouts.begin() as conn:
        promotion = conn.execute(
            text(
                "select product_id, coalesce(store_id, 1) as store_id from raw.promotion "
                "where start_date <= :as_of and end_date >= :as_of - 30 order by id limit 1"
            ),
            {"as_of": HOLIDAY - timedelta(days=1)},
        ).one()
        conn.execute(
            text("update raw.product set launch_date = :launch where id = :product_id"),
            {"launch": HOLIDAY - timedelta(days=20), "product_id": promotion.product_id},
        )
    store_id, product_id = promotion.store_id, promotion.product_id
    explanation = explain_forecast(
        stockouts, store_id, product_id, "naive", HOLIDAY - timedelta(days=1), {}
    )
    codes = {code.code: code.detail for code in explanation.reason_codes}
    assert "Memorial Day" in codes["holiday_effect"]
    assert "promotion(s) of the product overlap" in codes["promotion_overlap"]
    assert "19 day(s) before" in codes["lifecycle_decay"]

    start = load_history(stockouts, store_id, product_id, TODAY).dates[0]
    early = explain_forecast(stockouts, store_id, product_id, "naive", start, {})
    assert [code.code for code in early.reason_codes][-1] == "insufficient_history"
    assert early.confidence == "low"
    assert "treat this forecast as unreliable" in early.caveats[-1]


def test_nothing_after_the_cutoff_is_read(stockouts: Engine) -> None:
    cutoff = TODAY - timedelta(days=20)
    before = explain_forecast(stockouts, 2, 3, "moving_average", cutoff, {})
    with stockouts.begin() as conn:
        conn.execute(
            text(
                "update raw.sales_daily set quantity = quantity + 50 "
                "where store_id = 2 and product_id = 3 and date > :cutoff"
            ),
            {"cutoff": cutoff},
        )
        conn.execute(
            text(
                "update raw.inventory_snapshot_daily set is_stockout = not is_stockout "
                "where store_id = 2 and product_id = 3 and date > :cutoff"
            ),
            {"cutoff": cutoff},
        )
    after = explain_forecast(stockouts, 2, 3, "moving_average", cutoff, {})
    assert (after.forecast_value, after.drivers, after.reason_codes, after.caveats) == (
        before.forecast_value,
        before.drivers,
        before.reason_codes,
        before.caveats,
    )


def test_a_run_is_explained_with_its_parameters_window_and_series(
    small_warehouse: Warehouse,
) -> None:
    end = TODAY - timedelta(days=10)
    run = create_run("seasonal_naive", {"season_length": 14}, TODAY - timedelta(days=60), end, 2, 1)
    explanation = explain_run(small_warehouse.engine, run.run_id)
    y = load_history(small_warehouse.engine, 2, 1, end).quantity
    assert explanation.forecast_value == y[-14]
    assert (explanation.store_id, explanation.product_id, explanation.as_of_date) == (2, 1, end)
    assert explanation.run_id == run.run_id
    assert stored(small_warehouse.engine, explanation.explanation_id)["run_id"] == run.run_id
    with pytest.raises(NotExplainableError, match="trained for product_id 1, not 3"):
        explain_run(small_warehouse.engine, run.run_id, product_id=3)


def test_a_run_without_a_series_needs_one(small_warehouse: Warehouse) -> None:
    run = create_run("naive", {}, TODAY - timedelta(days=30), TODAY)
    with pytest.raises(NotExplainableError, match="store_id and product_id query parameters"):
        explain_run(small_warehouse.engine, run.run_id)
    explanation = explain_run(small_warehouse.engine, run.run_id, 1, 3)
    assert (explanation.store_id, explanation.product_id) == (1, 3)
    assert (
        explanation.forecast_value == load_history(small_warehouse.engine, 1, 3, TODAY).quantity[-1]
    )


def test_a_tree_run_has_no_rule_based_explanation(small_warehouse: Warehouse) -> None:
    run = create_run("lightgbm", {}, TODAY - timedelta(days=30), TODAY, 1, 2)
    with pytest.raises(NotExplainableError, match="POST /explain/contributions"):
        explain_run(small_warehouse.engine, run.run_id)
