"""Explaining a predict job: one predict_job executed by Dagster in process, its recorded result
read back as the API reads it, and the jobs that cannot be explained."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.history import load_history
from forecastlab.explain.service import explain_job
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import TrainRequest
from forecastlab.jobs.contract import JOB_NAMES, run_config
from forecastlab.jobs.params import parse_params
from forecastlab.jobs.records import JobRecord
from forecastlab.jobs.status import job_status
from forecastlab.jobs.store import fetch_outcomes
from forecastlab.warehouse.dbt import ensure_manifest
from orchestration.runs import run_job
from tests.dbt.conftest import TODAY, Warehouse

START = TODAY - timedelta(days=119)
NOW = datetime(2025, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def predicted(small_warehouse: Warehouse, endpoints: Endpoints) -> Iterator[JobRecord]:
    """A seasonal_naive (S = 14) run, then a completed predict job on it, as a JobRecord."""
    ensure_manifest()  # the code location's dbt assets read it
    from orchestration.definitions import defs

    request = TrainRequest.model_validate(
        {
            "store_id": 1,
            "product_id": 2,
            "train_start_date": START.isoformat(),
            "train_end_date": (TODAY - timedelta(days=5)).isoformat(),
            "config": {"model_type": "seasonal_naive", "season_length": 14},
        }
    )
    run_id = service.train(small_warehouse.engine, request).run_id
    params = {"run_id": run_id, "horizon": 3}
    with pytest.MonkeyPatch.context() as mp, dg.DagsterInstance.ephemeral() as instance:
        # The warehouse resource resolves DATABASE_URL when the run uses it.
        mp.setenv("DATABASE_URL", small_warehouse.endpoints.app_libpq)
        config = run_config("predict", parse_params("predict", params), params)
        result = run_job(defs, JOB_NAMES["predict"], instance=instance, run_config=config)
        status = instance.get_run_by_id(result.run_id).status.value  # type: ignore[union-attr]
    outcome = fetch_outcomes(small_warehouse.engine, [result.run_id])[result.run_id]
    yield _job(result.run_id, "predict", job_status(status), outcome.result, params)


def _job(
    job_id: str, job_type: str, status: str, result: dict[str, Any] | None, params: dict
) -> JobRecord:
    return JobRecord(
        job_id=job_id,
        job_type=job_type,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        params=params,
        created_at=NOW,
        updated_at=NOW,
        result=result,
    )


def test_a_completed_predict_job_is_explained_from_the_day_before_its_forecast(
    small_warehouse: Warehouse, predicted: JobRecord
) -> None:
    assert predicted.status == "completed"
    explanation = explain_job(small_warehouse.engine, predicted)
    cutoff = TODAY - timedelta(days=5)  # the run's window end: forecasts start the day after
    assert explanation.as_of_date == cutoff
    assert explanation.forecast_date == date.fromisoformat(predicted.result["forecasts"][0]["date"])  # type: ignore[index]
    # The run's own season length (14), not the default 7; the job forecast the same value.
    y = load_history(small_warehouse.engine, 1, 2, cutoff).quantity
    assert explanation.forecast_value == y[-14]
    assert explanation.forecast_value == predicted.result["forecasts"][0]["forecast"]  # type: ignore[index]
    assert (explanation.job_id, explanation.run_id) == (predicted.job_id, predicted.run_id)
    with small_warehouse.engine.connect() as conn:
        row = conn.execute(
            text("select job_id, run_id from app.forecast_explanation where explanation_id = :id"),
            {"id": explanation.explanation_id},
        ).one()
    assert tuple(row) == (predicted.job_id, predicted.run_id)


def test_a_result_without_a_run_uses_the_default_parameters(
    small_warehouse: Warehouse, predicted: JobRecord
) -> None:
    result = {key: value for key, value in predicted.result.items() if key != "run_id"}  # type: ignore[union-attr]
    explanation = explain_job(
        small_warehouse.engine, _job("j1", "predict", "completed", result, {})
    )
    y = load_history(small_warehouse.engine, 1, 2, explanation.as_of_date).quantity
    assert explanation.forecast_value == y[-7]
    assert explanation.run_id is None


@pytest.mark.parametrize(
    ("job_type", "status", "result", "message"),
    [
        ("train", "completed", {"run_id": "x"}, "completed train job"),
        ("predict", "failed", None, "failed predict job"),
        ("predict", "running", None, "running predict job"),
        ("predict", "completed", None, "lacks forecasts, store_id, product_id, model_type"),
        (
            "predict",
            "completed",
            {"store_id": 1, "product_id": 2, "forecasts": []},
            "lacks forecasts, model_type",
        ),
    ],
)
def test_jobs_that_are_not_completed_predictions_are_refused(
    small_warehouse: Warehouse,
    job_type: str,
    status: str,
    result: dict[str, Any] | None,
    message: str,
) -> None:
    with pytest.raises(NotExplainableError, match=message):
        explain_job(small_warehouse.engine, _job("j2", job_type, status, result, {}))
