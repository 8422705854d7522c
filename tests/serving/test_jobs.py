"""/jobs paths that need no Dagster webserver: validation first (422), then 502 when unreachable.

The app here points at a port nothing listens on, so a 422 also proves nothing was launched.
The paths through a running webserver and daemon are in tests/e2e/test_jobs.py.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from serving.main import create_app
from tests.dbt.conftest import Warehouse
from tests.serving.conftest import assert_problem, settings_for

TRAIN = {
    "job_type": "train",
    "params": {
        "model_type": "seasonal_naive",
        "store_id": 1,
        "product_id": 2,
        "start_date": "2025-03-03",
        "end_date": "2025-06-30",
    },
}


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def nowhere() -> str:
    return f"http://127.0.0.1:{_unused_port()}"


@pytest.fixture(scope="module")
def offline_with_credentials(
    small_warehouse: Warehouse, endpoints: Endpoints, nowhere: str
) -> Iterator[TestClient]:
    """Like `offline`, with a user:password in the webserver URL."""
    url = nowhere.replace("http://", "http://admin:s3cret@")
    settings = settings_for(small_warehouse.endpoints, endpoints, dagster_webserver_url=url)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def offline(small_warehouse: Warehouse, endpoints: Endpoints, nowhere: str) -> Iterator[TestClient]:
    """The API with DAGSTER_WEBSERVER_URL pointing where no webserver runs."""
    settings = settings_for(small_warehouse.endpoints, endpoints, dagster_webserver_url=nowhere)
    with TestClient(create_app(settings)) as client:
        yield client


def _fields(body: dict[str, Any]) -> dict[str, str]:
    return {error["field"]: error["type"] for error in body["errors"]}


def test_unknown_job_type_is_422(offline: TestClient) -> None:
    body = assert_problem(
        offline.post("/jobs", json={**TRAIN, "job_type": "forecast"}), 422, "VALIDATION_ERROR"
    )
    assert _fields(body) == {"job_type": "literal_error"}


def test_bad_params_are_422_per_field_before_anything_is_launched(offline: TestClient) -> None:
    params = {**TRAIN["params"], "store_id": "1", "season_length": 0, "colour": "red"}
    del params["end_date"]
    response = offline.post("/jobs", json={"job_type": "train", "params": params})
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert _fields(body) == {
        "params.store_id": "int_type",
        "params.end_date": "missing",
        "params.season_length": "greater_than_equal",
        "params.colour": "extra_forbidden",
    }
    assert body["detail"].startswith("Request validation failed with 4 error(s)")


@pytest.mark.parametrize(
    ("job_type", "params", "fields"),
    [
        ("predict", {"horizon": 14}, {"params.run_id": "missing"}),
        ("predict", {"run_id": "a" * 32, "horizon": 91}, {"params.horizon": "less_than_equal"}),
        (
            "backtest",
            {**TRAIN["params"], "gap": 7, "test_size": 7},
            {"params": "value_error"},  # the split's horizon must exceed its gap
        ),
        ("backtest", {**TRAIN["params"], "n_splits": 1}, {"params.n_splits": "greater_than_equal"}),
    ],
)
def test_each_job_type_validates_like_its_endpoint(
    offline: TestClient, job_type: str, params: dict[str, Any], fields: dict[str, str]
) -> None:
    response = offline.post("/jobs", json={"job_type": job_type, "params": params})
    assert _fields(assert_problem(response, 422, "VALIDATION_ERROR")) == fields


def test_params_are_required_and_strict(offline: TestClient) -> None:
    body = assert_problem(
        offline.post("/jobs", json={"job_type": "train"}), 422, "VALIDATION_ERROR"
    )
    assert _fields(body) == {"params": "missing"}
    body = assert_problem(
        offline.post("/jobs", json={**TRAIN, "priority": "high"}), 422, "VALIDATION_ERROR"
    )
    assert _fields(body) == {"priority": "extra_forbidden"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=done", "query.status"),
        ("job_type=forecast", "query.job_type"),
        ("sort_order=sideways", "query.sort_order"),
        ("page=0", "query.page"),
        ("page_size=101", "query.page_size"),
    ],
)
def test_bad_list_parameters_are_422(offline: TestClient, query: str, field: str) -> None:
    body = assert_problem(offline.get(f"/jobs?{query}"), 422, "VALIDATION_ERROR")
    assert list(_fields(body)) == [field]


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/jobs", TRAIN),
        ("GET", "/jobs?sort_by=anything", None),
        ("GET", "/jobs/5f0c2d5e-7a41-4c1b-9a3e-8d2f61b0c7aa", None),
        ("DELETE", "/jobs/5f0c2d5e-7a41-4c1b-9a3e-8d2f61b0c7aa", None),
    ],
)
def test_an_unreachable_webserver_is_502_naming_it(
    offline: TestClient, nowhere: str, method: str, path: str, payload: dict | None
) -> None:
    body = assert_problem(offline.request(method, path, json=payload), 502, "BAD_GATEWAY")
    assert nowhere in body["detail"]
    assert "make serve" in body["detail"]


def test_the_502_detail_never_shows_credentials(
    offline_with_credentials: TestClient, nowhere: str
) -> None:
    response = offline_with_credentials.get("/jobs")
    body = assert_problem(response, 502, "BAD_GATEWAY")
    assert nowhere in body["detail"]
    assert "s3cret" not in response.text and "admin" not in response.text


def test_openapi_documents_the_error_statuses(offline: TestClient) -> None:
    paths = offline.get("/openapi.json").json()["paths"]
    assert {"202", "422", "502"} <= set(paths["/jobs"]["post"]["responses"])
    assert {"400", "404", "502"} <= set(paths["/jobs/{job_id}"]["delete"]["responses"])
    assert {"404", "502"} <= set(paths["/jobs/{job_id}"]["get"]["responses"])
