"""Problem+json on every error path (spec §15.6, D-19) and request correlation."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from fastapi import Query
from fastapi.testclient import TestClient

from forecastlab.errors import ConflictError, NotFoundError
from forecastlab.settings import Settings
from serving.main import create_app
from serving.schemas.base import ApiModel
from tests.serving.conftest import assert_problem


class _Floats(ApiModel):
    value: float
    values: list[float]
    at: datetime


def _app_with_faults(settings: Settings) -> TestClient:
    app = create_app(settings)

    @app.get("/_boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2 select * from raw.store")

    @app.get("/_missing")
    def missing() -> None:
        raise NotFoundError("store 99 not found")

    @app.get("/_conflict")
    def conflict() -> None:
        raise ConflictError("a duplicate run exists")

    @app.get("/_nan", response_model=_Floats)
    def nan() -> _Floats:
        return _Floats(
            value=math.nan,
            values=[math.inf, 1.5, -math.inf],
            at=datetime(2026, 5, 19, 10, 47, 9, 829097, tzinfo=UTC),
        )

    @app.get("/_query")
    def query(n: int = Query(ge=1)) -> dict:
        return {"n": n}

    return TestClient(app, raise_server_exceptions=False)


def test_health_is_the_bare_object(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


def test_readiness_reports_the_database(client: TestClient) -> None:
    assert client.get("/health/ready").json() == {"status": "ok", "database": "connected"}


def test_inbound_request_id_is_echoed_and_bad_ones_replaced(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    replaced = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"
    body = assert_problem(client.get("/nope", headers={"X-Request-ID": "corr-1"}), 404, "NOT_FOUND")
    assert body["request_id"] == "corr-1"


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    assert_problem(client.get("/no/such/route"), 404, "NOT_FOUND")
    body = assert_problem(client.delete("/health"), 405, "METHOD_NOT_ALLOWED")
    assert body["type"] == "/errors/method-not-allowed"


def test_validation_error_lists_fields(api_settings: Settings) -> None:
    faults = _app_with_faults(api_settings)
    body = assert_problem(faults.get("/_query", params={"n": 0}), 422, "VALIDATION_ERROR")
    assert body["type"] == "/errors/validation"
    assert body["title"] == "Validation Error"
    assert body["errors"] == [
        {
            "field": "query.n",
            "message": "Input should be greater than or equal to 1",
            "type": "greater_than_equal",
        }
    ]
    assert "1 error(s)" in body["detail"]


def test_internal_error_is_generic(api_settings: Settings) -> None:
    faults = _app_with_faults(api_settings)
    response = faults.get("/_boom", headers={"X-Request-ID": "trace-9"})
    body = assert_problem(response, 500, "INTERNAL_ERROR")
    assert body["title"] == "Internal Server Error"
    assert body["type"] == "/errors/internal"
    assert body["request_id"] == "trace-9"
    assert "hunter2" not in response.text and "select" not in response.text
    assert "Traceback" not in response.text


def test_domain_errors_map_to_their_status(api_settings: Settings) -> None:
    faults = _app_with_faults(api_settings)
    body = assert_problem(faults.get("/_missing"), 404, "NOT_FOUND")
    assert body["detail"] == "store 99 not found"
    assert_problem(faults.get("/_conflict"), 409, "CONFLICT")


def test_non_finite_floats_are_null_and_timestamps_carry_an_offset(api_settings: Settings) -> None:
    faults = _app_with_faults(api_settings)
    response = faults.get("/_nan")
    assert response.status_code == 200
    assert response.json() == {
        "value": None,
        "values": [None, 1.5, None],
        "at": "2026-05-19T10:47:09.829097+00:00",  # spec §0.1's offset form, not "Z"
    }


def test_openapi_document_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/health" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_readiness_reports_an_unreachable_database_without_failing() -> None:
    unreachable = Settings(database_url="postgresql://nobody:secret@127.0.0.1:1/nowhere")
    with TestClient(create_app(unreachable)) as api:
        response = api.get("/health/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "unhealthy", "database": "disconnected"}
        assert api.get("/health").json() == {"status": "ok"}  # liveness never touches it
