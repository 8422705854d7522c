"""/jobs end to end: the API launches Dagster runs on a real webserver + daemon pair.

Jobs are queued by the webserver, dequeued by the daemon and executed in run-worker processes;
their results land in app.job_result, their models in MLflow, and a job outlives the API
process that launched it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from forecastlab.registry import get_run
from tests.e2e.conftest import (
    BIN,
    STARTUP_SECONDS,
    DagsterPair,
    answers,
    finished_job,
    free_port,
    wait_until,
)
from tests.serving.conftest import assert_problem

pytestmark = pytest.mark.e2e

SERIES = {"store_id": 1, "product_id": 2, "start_date": "2025-03-03", "end_date": "2025-06-30"}
TRAIN = {"job_type": "train", "params": {**SERIES, "model_type": "seasonal_naive"}}


def _submit(api: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/jobs", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def _finished(api: TestClient, pair: DagsterPair, job_id: str) -> dict[str, Any]:
    return finished_job(lambda: api.get(f"/jobs/{job_id}").json(), job_id, pair)


@pytest.fixture(scope="module")
def trained(api: TestClient, dagster_pair: DagsterPair) -> dict[str, Any]:
    """A train job submitted over HTTP, polled until it finished."""
    submitted = _submit(api, TRAIN)
    assert submitted["status"] == "pending"
    assert submitted["params"] == TRAIN["params"]
    assert submitted["result"] is None and submitted["completed_at"] is None
    return _finished(api, dagster_pair, submitted["job_id"])


def test_train_job_completes_with_an_mlflow_run(
    trained: dict[str, Any], dagster_pair: DagsterPair
) -> None:
    assert trained["status"] == "completed", dagster_pair.report("train failed", trained["job_id"])
    result = trained["result"]
    assert trained["run_id"] == result["run_id"]
    assert result["model_path"] == f"runs:/{result['run_id']}/model"
    assert (result["store_id"], result["product_id"]) == (1, 2)
    assert trained["error_message"] is None
    started, completed = _time(trained["started_at"]), _time(trained["completed_at"])
    assert _time(trained["created_at"]) <= started <= completed
    logged = get_run(result["run_id"])
    assert (logged.model_type, logged.store_id, logged.product_id) == ("seasonal_naive", 1, 2)


def test_predict_job_uses_the_trained_run(
    api: TestClient, dagster_pair: DagsterPair, trained: dict[str, Any]
) -> None:
    run_id = trained["run_id"]
    job = _submit(api, {"job_type": "predict", "params": {"run_id": run_id, "horizon": 5}})
    done = _finished(api, dagster_pair, job["job_id"])
    assert done["status"] == "completed", dagster_pair.report("predict failed", job["job_id"])
    assert done["run_id"] == run_id
    forecasts = done["result"]["forecasts"]
    assert [point["date"] for point in forecasts][:1] == ["2025-07-01"]
    assert len(forecasts) == 5


def test_a_failing_job_reports_its_error(api: TestClient, dagster_pair: DagsterPair) -> None:
    job = _submit(api, {"job_type": "train", "params": {**SERIES, "store_id": 999}})
    done = _finished(api, dagster_pair, job["job_id"])
    assert done["status"] == "failed"
    assert done["error_type"] == "NoDataError"
    assert "No training data found for store 999" in done["error_message"]
    assert done["result"] is None and done["run_id"] is None


def test_listing_filters_sorts_and_pages(api: TestClient, trained: dict[str, Any]) -> None:
    job_id = trained["job_id"]
    listed = api.get("/jobs", params={"job_type": "train", "status": "completed"}).json()
    assert job_id in {job["job_id"] for job in listed["jobs"]}
    assert {(job["job_type"], job["status"]) for job in listed["jobs"]} == {("train", "completed")}
    assert listed["total"] == len(listed["jobs"])
    everything = api.get("/jobs", params={"page_size": 100}).json()
    created = [_time(job["created_at"]) for job in everything["jobs"]]
    assert created == sorted(created, reverse=True)  # the default: newest first
    by_completion = api.get(
        "/jobs", params={"sort_by": "completed_at", "sort_order": "asc", "page_size": 100}
    ).json()["jobs"]
    completed = [_time(job["completed_at"]) for job in by_completion if job["completed_at"]]
    assert completed == sorted(completed)
    assert api.get("/jobs", params={"sort_by": "bogus", "page_size": 100}).json() == everything
    second = api.get("/jobs", params={"page": 2, "page_size": 1}).json()
    assert (second["page"], second["page_size"], second["total"]) == (2, 1, everything["total"])
    assert second["jobs"] == everything["jobs"][1:2]


def test_unknown_jobs_are_404(api: TestClient) -> None:
    unknown = str(uuid.uuid4())
    assert_problem(api.get(f"/jobs/{unknown}"), 404, "NOT_FOUND")
    assert_problem(api.delete(f"/jobs/{unknown}"), 404, "NOT_FOUND")


def test_a_finished_job_cannot_be_cancelled(api: TestClient, trained: dict[str, Any]) -> None:
    body = assert_problem(api.delete(f"/jobs/{trained['job_id']}"), 400, "BAD_REQUEST")
    assert body["detail"] == "Cannot cancel job in status 'completed'"


def test_a_queued_job_is_cancelled(api: TestClient, dagster_pair: DagsterPair) -> None:
    job = _submit(api, {"job_type": "backtest", "params": {**SERIES, "model_type": "naive"}})
    # A run worker takes seconds to start, so the run is still queued (or just starting).
    cancelled = api.delete(f"/jobs/{job['job_id']}")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    done = _finished(api, dagster_pair, job["job_id"])
    assert done["status"] == "cancelled" and done["result"] is None
    again = assert_problem(api.delete(f"/jobs/{job['job_id']}"), 400, "BAD_REQUEST")
    assert again["detail"] == "Cannot cancel job in status 'cancelled'"


def test_a_job_survives_an_api_restart(dagster_pair: DagsterPair) -> None:
    def start_api(name: str) -> tuple[str, Any]:
        port = free_port()
        service = dagster_pair.start(
            name,
            [str(BIN / "uvicorn"), "serving.main:app", "--host", "127.0.0.1", "--port", str(port)],
            {"DAGSTER_WEBSERVER_URL": dagster_pair.url},
        )
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: answers(f"{url}/health"),
            STARTUP_SECONDS,
            dagster_pair,
            f"{name} /health",
            service,
        )
        return url, service

    first_url, first = start_api("api-1")
    params = {**SERIES, "model_type": "naive", "n_splits": 2, "store_fold_details": False}
    response = httpx.post(f"{first_url}/jobs", json={"job_type": "backtest", "params": params})
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    first.stop()

    second_url, second = start_api("api-2")
    try:
        seen = httpx.get(f"{second_url}/jobs/{job_id}")
        assert seen.status_code == 200, seen.text
        assert (seen.json()["job_id"], seen.json()["params"]) == (job_id, params)
        done = finished_job(
            lambda: httpx.get(f"{second_url}/jobs/{job_id}").json(), job_id, dagster_pair
        )
        assert done["status"] == "completed", dagster_pair.report("backtest failed", job_id)
        assert done["result"]["n_splits"] == 2
        assert done["result"]["model_type"] == "naive"
    finally:
        second.stop()


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)
