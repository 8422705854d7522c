"""API fixtures: the real app (`create_app`) over real databases, driven by TestClient.

Read-only route tests share `client`, whose warehouse is the session's `small_warehouse`
(seeded, dbt-built). Tests that write take `client_for(endpoints)` on a database of their own.
MLflow is the session's tracking store (exported through the environment by `endpoints`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from forecastlab.settings import Settings
from serving.main import create_app
from tests.dbt.conftest import TODAY, Warehouse

START = TODAY - timedelta(days=119)  # the small warehouse's first day


def settings_for(app_db: Endpoints, session: Endpoints, **overrides: object) -> Settings:
    """Settings whose warehouse is `app_db`; Dagster and MLflow stay the session's."""
    return Settings(
        database_url=app_db.app_libpq,
        dagster_pg_url=session.dagster_url,
        mlflow_tracking_uri=session.mlflow_uri,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def api_settings(small_warehouse: Warehouse, endpoints: Endpoints) -> Settings:
    """Settings of the shared read-only API: the small seeded warehouse."""
    return settings_for(small_warehouse.endpoints, endpoints)


@pytest.fixture(scope="session")
def client(api_settings: Settings) -> Iterator[TestClient]:
    """The API over the shared small warehouse (read-only tests)."""
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@pytest.fixture
def client_for(endpoints: Endpoints) -> Iterator[Callable[..., TestClient]]:
    """Factory: an API over another database triple's warehouse (tests that write)."""
    opened: list[TestClient] = []

    def make(app_db: Endpoints, **overrides: object) -> TestClient:
        test_client = TestClient(create_app(settings_for(app_db, endpoints, **overrides)))
        opened.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


def assert_problem(response: object, status: int, code: str) -> dict:
    """Check the problem+json shape of spec §15.6 and return the body."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].startswith("/errors/")
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert body["instance"] == f"/requests/{body['request_id']}"
    assert None not in body.values()
    return body


def train_body(store_id: int = 1, product_id: int = 2, **fields: object) -> dict:
    """A `POST /forecasting/train` body over the small warehouse's whole window
    (seasonal_naive(7) unless `config` says otherwise)."""
    return {
        "store_id": store_id,
        "product_id": product_id,
        "train_start_date": START.isoformat(),
        "train_end_date": TODAY.isoformat(),
        "config": {"model_type": "seasonal_naive", "season_length": 7},
        **fields,
    }


def train(client: TestClient, **fields: object) -> dict:
    """Train through the API (200 asserted); the response body."""
    response = client.post("/forecasting/train", json=train_body(**fields))
    assert response.status_code == 200, response.text
    return response.json()
