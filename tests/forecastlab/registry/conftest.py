"""Registry tests run against the session's real MLflow store (its PostgreSQL database)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from mlflow.tracking import MlflowClient

from forecastlab.db.endpoints import Endpoints
from forecastlab.registry import ModelRunSpec, configure
from tests.forecastlab.registry.forecasters import LastValue

WINDOW_START = date(2024, 1, 1)
WINDOW_END = date(2024, 3, 31)


@pytest.fixture(scope="session")
def mlflow_client(endpoints: Endpoints) -> MlflowClient:
    """configure() against the session's mlflow database (and artifact root under its home)."""
    return configure()


def last_value_spec(store_id: int = 1, product_id: int = 1, last: float = 7.0) -> ModelRunSpec:
    """A small logged-model spec for a target-only forecaster."""
    model = LastValue().fit(np.array([1.0, 2.0, last]))
    return ModelRunSpec(
        model_type="naive",
        model=model,
        model_config={"model_type": "naive", "schema_version": "1.0"},
        store_id=store_id,
        product_id=product_id,
        data_window_start=WINDOW_START,
        data_window_end=WINDOW_END,
        metrics={"wape": 0.25},
    )


def plot_data(n: int = 14) -> tuple[list[date], list[float], list[float]]:
    """Dates, actuals and predictions for the forecast-vs-actual figure."""
    dates = [WINDOW_END - timedelta(days=n - 1 - i) for i in range(n)]
    return dates, [float(i % 7) for i in range(n)], [3.0] * n


def local_artifact_dir(client: MlflowClient, run_id: str) -> Path:
    """Where the session's file artifact store keeps this run's artifacts."""
    uri = client.get_run(run_id).info.artifact_uri
    assert uri.startswith("file://"), uri
    return Path(urlparse(uri).path)
