"""The pipeline's intervals: residuals stored with the fold metrics, the portfolio's calibration,
bounds in ml.forecasts, and the same bounds from the API through the production alias."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.forecasting.service import forecast_series
from forecastlab.intervals import RunCalibration, load_calibration
from forecastlab.registry import RunRecord
from forecastlab.settings import Settings
from forecastlab.training.config import TrainingConfig
from forecastlab.training.round import run_round
from serving.main import create_app
from tests.dbt.conftest import Warehouse

CONFIG = TrainingConfig(
    horizon=14, n_splits=4, feature_sample=0, global_models=("lightgbm",), global_n_estimators=20
)


@dataclass(frozen=True)
class Trained:
    """The warehouse after one training round, its portfolio run and the global model's."""

    warehouse: Warehouse
    portfolio: RunRecord
    global_run: RunRecord
    forecasts: pd.DataFrame


@pytest.fixture(scope="module")
def trained(many_series: Warehouse, endpoints: Endpoints) -> Iterator[Trained]:
    """Every step the training assets run, in order, against the warehouse's own MLflow.

    `endpoints` first: it exports the session's databases, which this fixture overrides.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", many_series.endpoints.app_libpq)
    mp.setenv("MLFLOW_TRACKING_URI", many_series.endpoints.mlflow_uri)
    engine = many_series.engine
    result = run_round(engine, CONFIG, promote="always")
    with engine.connect() as conn:
        stored = pd.read_sql_query(
            text("select * from ml.forecasts order by store_id, product_id, step"), conn
        )
    yield Trained(many_series, result.portfolio, result.global_runs["global_lightgbm"], stored)
    mp.undo()


def test_fold_metrics_keep_each_points_absolute_error_sorted(trained: Trained) -> None:
    with trained.warehouse.engine.connect() as conn:
        rows = pd.read_sql_query(
            text("select n_points, abs_error_sum, abs_errors from ml.backtest_fold_metrics"), conn
        )
    assert len(rows) > 0
    assert (rows["abs_errors"].map(len) == rows["n_points"]).all()
    np.testing.assert_allclose(rows["abs_errors"].map(sum), rows["abs_error_sum"])
    assert rows["abs_errors"].map(lambda e: e == sorted(e)).all()


def test_the_portfolio_carries_its_champions_residuals(trained: Trained) -> None:
    calibration = load_calibration(trained.portfolio.run_id)
    assert calibration is not None and calibration.level == 0.8
    with trained.warehouse.engine.connect() as conn:
        champion_points = pd.read_sql_query(
            text(
                "select store_id, product_id, bucket, sum(n_points) as n "
                "from ml.backtest_fold_metrics "
                "join ml.champion using (store_id, product_id, model) "
                "group by store_id, product_id, bucket"
            ),
            conn,
        )
    assert len(calibration.series) == 96
    for row in champion_points.itertuples():
        series = calibration.series[(row.store_id, row.product_id)]
        assert series.counts[row.bucket] == row.n
        assert [f.fold for f in series.folds] == [0, 1, 2, 3]  # the held-out fold too


def test_batch_forecasts_store_the_bounds(trained: Trained) -> None:
    stored = trained.forecasts
    assert len(stored) == 96 * 14
    assert stored[["lower_bound", "upper_bound"]].notna().all().all()  # 28 residuals per bucket
    assert (stored["interval_level"] == 0.8).all()
    assert (stored["lower_bound"] >= 0).all()
    assert (stored["lower_bound"] <= stored["forecast"]).all()
    assert (stored["forecast"] <= stored["upper_bound"]).all()
    calibration = load_calibration(trained.portfolio.run_id)
    assert isinstance(calibration, RunCalibration)
    first = stored[(stored["store_id"] == stored["store_id"].iloc[0])]
    first = first[first["product_id"] == first["product_id"].iloc[0]]
    series = calibration.series[(int(first["store_id"].iloc[0]), int(first["product_id"].iloc[0]))]
    expected = series.interval(first["forecast"].to_numpy(), 0.8)
    np.testing.assert_allclose(first["lower_bound"], expected.lower)
    np.testing.assert_allclose(first["upper_bound"], expected.upper)


@pytest.fixture(scope="module")
def api(trained: Trained) -> Iterator[TestClient]:
    """The API over the trained warehouse and its MLflow store (registry calls read it from
    the environment, which `trained` points there)."""
    settings = Settings(
        database_url=trained.warehouse.endpoints.app_libpq,
        dagster_pg_url=trained.warehouse.endpoints.dagster_url,
        mlflow_tracking_uri=trained.warehouse.endpoints.mlflow_uri,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_production_alias_predicts_the_stored_bounds(trained: Trained, api: TestClient) -> None:
    stored = trained.forecasts.iloc[:14]
    store_id, product_id = int(stored["store_id"].iloc[0]), int(stored["product_id"].iloc[0])
    body = {
        "store_id": store_id,
        "product_id": product_id,
        "horizon": 14,
        "model_path": "models:/forecastlab-demand@production",
    }
    response = api.post("/forecasting/predict", json=body)
    assert response.status_code == 200, response.text
    prediction = response.json()
    assert prediction["run_id"] == trained.portfolio.run_id
    assert (prediction["interval_level"], prediction["interval_note"]) == (0.8, None)
    points = pd.DataFrame(prediction["forecasts"])
    np.testing.assert_allclose(points["forecast"], stored["forecast"])
    np.testing.assert_allclose(points["lower_bound"], stored["lower_bound"])
    np.testing.assert_allclose(points["upper_bound"], stored["upper_bound"])

    global_body = {**body, "model_path": None, "run_id": trained.global_run.run_id}
    by_global = api.post("/forecasting/predict", json=global_body).json()
    assert all(p["lower_bound"] is not None for p in by_global["forecasts"])


def test_the_api_and_the_batch_agree_on_every_series(trained: Trained) -> None:
    """One function behind both: the same values and dates, series by series."""
    stored = trained.forecasts
    engine = trained.warehouse.engine
    for (store_id, product_id), rows in stored.groupby(["store_id", "product_id"]):
        answer = forecast_series(engine, trained.portfolio.run_id, 14, store_id, product_id)
        np.testing.assert_array_equal(answer.values, rows["forecast"].to_numpy())
        assert answer.dates == list(rows["date"])
        assert answer.origin == rows["origin_date"].iloc[0]
