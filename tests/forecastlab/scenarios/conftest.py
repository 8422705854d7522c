"""Baseline runs for the scenario tests: models trained on the session's small warehouse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forecastlab.db.endpoints import Endpoints
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import TrainRequest, TrainResponse
from tests.dbt.conftest import TODAY, Warehouse

START = TODAY - timedelta(days=119)  # the small warehouse's first day


@pytest.fixture(autouse=True)
def _mlflow(endpoints: Endpoints) -> None:
    """`endpoints` exports the session's MLflow store to the environment the service reads."""


def train(
    warehouse: Warehouse, config: dict, store_id: int = 1, product_id: int = 2, end=TODAY
) -> TrainResponse:
    """Train `config` on one series of `warehouse` from its first day to `end`."""
    request = TrainRequest.model_validate(
        {
            "store_id": store_id,
            "product_id": product_id,
            "train_start_date": START.isoformat(),
            "train_end_date": end.isoformat(),
            "config": config,
        }
    )
    return service.train(warehouse.engine, request)


@pytest.fixture(scope="module")
def seasonal(small_warehouse: Warehouse, endpoints: Endpoints) -> TrainResponse:
    """seasonal_naive(7) of store 1 / product 2 over the whole window."""
    return train(small_warehouse, {"model_type": "seasonal_naive", "season_length": 7})


@pytest.fixture(scope="module")
def regression(small_warehouse: Warehouse, endpoints: Endpoints) -> TrainResponse:
    """regression (HistGradientBoosting, V1 frame) of store 1 / product 2."""
    return train(small_warehouse, {"model_type": "regression", "max_iter": 100})
