"""Values no table can hold are 422s that name the field, never a database 500 (ids beyond
PostgreSQL's integer, pages whose offset overflows, dates outside any calendar the arithmetic
can reach, NUL characters in text)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forecastlab.jobs.contract import params_from_run_config
from tests.serving.conftest import assert_problem

HUGE = 3_000_000_000
TRAIN = {
    "store_id": 1,
    "product_id": 1,
    "train_start_date": "2025-03-01",
    "train_end_date": "2025-06-30",
    "config": {"model_type": "naive"},
}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/dimensions/stores/{HUGE}", "path.store_id"),
        (f"/dimensions/products/{HUGE}", "path.product_id"),
        ("/dimensions/stores?page=2000000", "query.page"),
        ("/dimensions/products?search=ab%00cd", "query.search"),
        ("/dimensions/stores?region=North%00", "query.region"),
        (
            f"/analytics/kpis?start_date=2025-01-01&end_date=2025-02-01&store_id={HUGE}",
            "query.store_id",
        ),
        ("/analytics/kpis?start_date=2025-01-01&end_date=9999-12-31", "query.end_date"),
        (f"/analytics/inventory-status?product_id={HUGE}", "query.product_id"),
        (f"/registry/runs?store_id={HUGE}", "query.store_id"),
        ("/registry/runs?model_type=naive%00", "query.model_type"),
        ("/jobs?page=2000000", "query.page"),
    ],
)
def test_out_of_range_query_and_path_values(client: TestClient, path: str, field: str) -> None:
    body = assert_problem(client.get(path), 422, "VALIDATION_ERROR")
    assert [error["field"] for error in body["errors"]] == [field]


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/forecasting/train", {**TRAIN, "train_end_date": "9999-12-31"}, "train_end_date"),
        ("/forecasting/train", {**TRAIN, "store_id": HUGE}, "store_id"),
        (
            "/featuresets/compute",
            {"store_id": 1, "product_id": 1, "cutoff_date": "0001-01-01", "config": {"name": "x"}},
            "cutoff_date",
        ),
        (
            "/ingest/sales-daily",
            {
                "records": [
                    {
                        "date": "2025-06-30",
                        "store_code": "S0001\x00",
                        "sku": "SKU-10001",
                        "quantity": 1,
                        "unit_price": "1.00",
                        "total_amount": "1.00",
                    }
                ]
            },
            "records.0.store_code",
        ),
    ],
)
def test_out_of_range_bodies(client: TestClient, path: str, payload: dict, field: str) -> None:
    body = assert_problem(client.post(path, json=payload), 422, "VALIDATION_ERROR")
    assert [error["field"] for error in body["errors"]] == [field]


def test_a_run_launched_without_params_reads_as_empty_params() -> None:
    # A job started from the Dagster UI may leave the op's `params` at its default.
    assert params_from_run_config("train", {"ops": {}}) == {}
