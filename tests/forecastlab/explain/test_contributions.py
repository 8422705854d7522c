"""Per-feature contributions of logged tree models: they sum to the estimator's raw output for
the very rows /forecasting/predict feeds it, for single-series, global and portfolio runs."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.service import explain_contributions
from forecastlab.explain.tree_rows import tree_rows
from forecastlab.features.frames import baseline_price
from forecastlab.features.series import load_series
from forecastlab.forecasting import service
from forecastlab.forecasting.errors import ModelNotFoundError, PredictRequestError
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.forecasting.requests import TrainRequest
from forecastlab.models import NaiveForecaster, RegressionConfig, make_forecaster
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel
from forecastlab.registry import PORTFOLIO_MODEL_TYPE, ModelRunSpec, Portfolio, log_model_run
from forecastlab.registry.errors import RunNotFoundError
from tests.dbt.conftest import TODAY, Warehouse

START = TODAY - timedelta(days=119)  # the small warehouse's first day
HORIZON = 5


@pytest.fixture(autouse=True)
def _mlflow(endpoints: Endpoints) -> None:
    """`endpoints` exports the session's MLflow store to the environment the registry reads."""


def _train(warehouse: Warehouse, config: dict) -> str:
    request = TrainRequest.model_validate(
        {
            "store_id": 1,
            "product_id": 2,
            "train_start_date": START.isoformat(),
            "train_end_date": TODAY.isoformat(),
            "config": config,
        }
    )
    return service.train(warehouse.engine, request).run_id


def _log_many(model: object, model_type: str) -> str:
    """Log a model that serves many series (global, portfolio) as a run without a grain."""
    spec = ModelRunSpec(
        model_type=model_type,
        model=model,
        model_config={"model_type": model_type},
        store_id=None,
        product_id=None,
        data_window_start=START,
        data_window_end=TODAY,
    )
    return log_model_run(spec).run_id


@pytest.fixture(scope="module")
def globals_(small_warehouse: Warehouse, endpoints: Endpoints) -> dict[str, GlobalForecaster]:
    panel = load_feature_panel(small_warehouse.engine)
    return {
        kind: GlobalForecaster(kind, n_estimators=25, random_state=0).fit(panel)
        for kind in ("lightgbm", "hgb")
    }


@pytest.fixture(scope="module")
def runs(
    small_warehouse: Warehouse, endpoints: Endpoints, globals_: dict[str, GlobalForecaster]
) -> dict[str, str]:
    """Run ids by name: two single-series tree models, two global models, a portfolio."""
    series = load_series(small_warehouse.engine, 2, 2, START, TODAY, plan_days=90)
    regression_member = FeatureAwareModel.fit(
        make_forecaster(RegressionConfig(max_iter=30)),
        series,
        origin=TODAY,
        baseline_price=baseline_price(series),
    )
    portfolio = Portfolio(
        {
            (1, 1): globals_["lightgbm"],
            (2, 2): regression_member,
            (2, 1): NaiveForecaster().fit(np.array([3.0, 4.0])),
        }
    )
    return {
        "lightgbm": _train(small_warehouse, {"model_type": "lightgbm", "n_estimators": 30}),
        "regression": _train(small_warehouse, {"model_type": "regression", "max_iter": 30}),
        "seasonal_naive": _train(small_warehouse, {"model_type": "seasonal_naive"}),
        "global_lightgbm": _log_many(globals_["lightgbm"], "global_lightgbm"),
        "global_hgb": _log_many(globals_["hgb"], "global_hgb"),
        "portfolio": _log_many(portfolio, PORTFOLIO_MODEL_TYPE),
    }


@pytest.mark.parametrize(
    ("run", "series", "model_type", "method"),
    [
        ("lightgbm", (None, None), "lightgbm", "shap"),
        ("regression", (1, 2), "regression", "tree_path"),
        ("global_lightgbm", (2, 3), "global_lightgbm", "shap"),
        ("global_hgb", (1, 3), "global_hgb", "tree_path"),
        ("portfolio", (1, 1), "global_lightgbm", "shap"),
        ("portfolio", (2, 2), "regression", "tree_path"),
    ],
)
def test_contributions_sum_to_the_raw_output_of_the_served_forecast(
    small_warehouse: Warehouse,
    runs: dict[str, str],
    run: str,
    series: tuple[int | None, int | None],
    model_type: str,
    method: str,
) -> None:
    engine = small_warehouse.engine
    result = explain_contributions(engine, runs[run], HORIZON, *series)
    forecast = service.forecast_series(engine, runs[run], HORIZON, *series)
    rows = tree_rows(forecast.forecaster, forecast.store_id, forecast.product_id, HORIZON)
    served = rows.estimator.predict(rows.rows)
    # The drivers add up to the raw score: the prediction itself, or its log (count objectives).
    raw = (
        rows.estimator._raw_predict(rows.rows).ravel()
        if method == "tree_path"
        else rows.estimator.predict(rows.rows, raw_score=True)
    )

    assert (result.method, result.horizon, len(result.explanations)) == (method, HORIZON, HORIZON)
    assert result.run_model_type == run
    for step, explanation in enumerate(result.explanations):
        assert (explanation.model_type, explanation.method) == (model_type, method)
        total = sum(driver.contribution for driver in explanation.drivers)
        assert total == pytest.approx(raw[step], abs=1e-6)
        assert explanation.forecast_value == forecast.values[step] == max(served[step], 0.0)
        assert explanation.forecast_date == forecast.dates[step]
        assert explanation.as_of_date == forecast.origin
        names = [driver.name for driver in explanation.drivers]
        assert names[-1] == "bias" and sorted(names[:-1]) == sorted(rows.feature_names)
        strengths = [abs(driver.contribution) for driver in explanation.drivers[:-1]]
        assert strengths == sorted(strengths, reverse=True)
        assert explanation.confidence in ("medium", "low")

    first = result.explanations[0]
    values = dict(zip(rows.feature_names, rows.feature_values[0], strict=True))
    for driver in first.drivers[:-1]:
        expected = values[driver.name]
        assert driver.feature_value == (None if np.isnan(expected) else pytest.approx(expected))


def test_contribution_rows_are_persisted_per_day(
    small_warehouse: Warehouse, runs: dict[str, str]
) -> None:
    result = explain_contributions(small_warehouse.engine, runs["lightgbm"], 3)
    ids = [explanation.explanation_id for explanation in result.explanations]
    with small_warehouse.engine.connect() as conn:
        rows = conn.execute(
            text(
                "select explanation_id, run_id, method, model_type, forecast_value, drivers, "
                "forecast_date "
                "from app.forecast_explanation where explanation_id = any(:ids)"
            ),
            {"ids": ids},
        ).all()
    by_id = {row.explanation_id: row for row in rows}
    assert set(by_id) == set(ids)
    for explanation in result.explanations:
        row = by_id[explanation.explanation_id]
        assert (row.run_id, row.method, row.model_type) == (runs["lightgbm"], "shap", "lightgbm")
        assert row.forecast_value == explanation.forecast_value
        assert row.forecast_date == explanation.forecast_date  # one row per explained day
        assert len(row.drivers) == len(explanation.drivers)
    assert len({by_id[i].forecast_date for i in ids}) == len(ids)


def test_later_days_lean_on_unknown_lags_and_say_so(
    small_warehouse: Warehouse, runs: dict[str, str]
) -> None:
    result = explain_contributions(small_warehouse.engine, runs["regression"], 3)
    lag_1 = [
        next(d for d in explanation.drivers if d.name == "lag_1")
        for explanation in result.explanations
    ]
    assert lag_1[0].feature_value is not None and lag_1[2].feature_value is None
    first, _, third = result.explanations
    # Day 1: every lag observed; days_since_launch (no launch date) is unknown but never split.
    assert first.confidence == "medium"
    assert not any("unknown on this day" in caveat for caveat in first.caveats)
    assert lag_1[2].contribution != 0.0
    assert third.confidence == "low"
    assert any("unknown on this day" in caveat for caveat in third.caveats)


def test_runs_without_trees_or_series_are_refused(
    small_warehouse: Warehouse, runs: dict[str, str]
) -> None:
    engine = small_warehouse.engine
    with pytest.raises(NotExplainableError, match="seasonal_naive model"):
        explain_contributions(engine, runs["seasonal_naive"])
    with pytest.raises(NotExplainableError, match="forecast by naive"):
        explain_contributions(engine, runs["portfolio"], 1, 2, 1)
    with pytest.raises(PredictRequestError, match="give store_id and product_id"):
        explain_contributions(engine, runs["global_hgb"])
    with pytest.raises(PredictRequestError, match="not store 2"):
        explain_contributions(engine, runs["lightgbm"], 1, 2, 2)
    with pytest.raises(ModelNotFoundError, match="has no model for store 2 product 3"):
        explain_contributions(engine, runs["portfolio"], 1, 2, 3)
    with pytest.raises(RunNotFoundError):
        explain_contributions(engine, "0" * 32)
