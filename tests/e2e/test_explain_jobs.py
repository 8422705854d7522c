"""GET /explain/jobs/{job_id} end to end: predict jobs run by a real Dagster webserver + daemon
pair, read back through its GraphQL API and app.job_result, and explained."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import DagsterPair, finished_job
from tests.serving.conftest import assert_problem

pytestmark = pytest.mark.e2e

TRAIN = {
    "store_id": 1,
    "product_id": 2,
    "train_start_date": "2025-03-03",
    "train_end_date": "2025-06-20",
    "config": {"model_type": "seasonal_naive", "season_length": 14},
}


def _submit(api: TestClient, params: dict[str, Any]) -> str:
    response = api.post("/jobs", json={"job_type": "predict", "params": params})
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


def test_a_completed_predict_job_is_explained_and_other_jobs_are_not(
    api: TestClient, dagster_pair: DagsterPair
) -> None:
    trained = api.post("/forecasting/train", json=TRAIN)
    assert trained.status_code == 200, trained.text
    run_id = trained.json()["run_id"]
    predicted_id = _submit(api, {"run_id": run_id, "horizon": 3})
    failing_id = _submit(api, {"run_id": "0" * 32})  # no such run: the job fails

    done = finished_job(lambda: api.get(f"/jobs/{predicted_id}").json(), predicted_id, dagster_pair)
    assert done["status"] == "completed", dagster_pair.report("predict failed", predicted_id)
    response = api.get(f"/explain/jobs/{predicted_id}")
    assert response.status_code == 200, response.text
    explanation = response.json()
    first = done["result"]["forecasts"][0]
    assert (explanation["job_id"], explanation["run_id"]) == (predicted_id, run_id)
    assert explanation["forecast_date"] == first["date"]
    assert date.fromisoformat(explanation["as_of_date"]) == date(2025, 6, 20)
    assert date.fromisoformat(first["date"]) - timedelta(days=1) == date(2025, 6, 20)
    assert explanation["forecast_value"] == first["forecast"]  # the run's S = 14, as the job
    assert explanation["drivers"][0]["name"] == "season_match"

    failed = finished_job(lambda: api.get(f"/jobs/{failing_id}").json(), failing_id, dagster_pair)
    assert failed["status"] == "failed"
    body = assert_problem(api.get(f"/explain/jobs/{failing_id}"), 400, "BAD_REQUEST")
    assert "failed predict job" in body["detail"]
    assert_problem(api.get(f"/explain/jobs/{uuid.uuid4()}"), 404, "NOT_FOUND")
