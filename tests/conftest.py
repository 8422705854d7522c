"""Session-wide fixtures: one real PostgreSQL server, migrated throwaway databases, env wiring.

Every test talks to a real PostgreSQL (with pgvector): the server named by DATABASE_URL (in
throwaway databases) or a fresh embedded server. The session's main databases are exported
through DATABASE_URL / DAGSTER_PG_URL / MLFLOW_TRACKING_URI so code under test that resolves
its settings (the CLI, Dagster resources, dbt) lands on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from tests.dbt.conftest import Warehouse, new_warehouse, seed
from tests.support.pg import TestServer, test_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    """The session's PostgreSQL server."""
    with test_server() as server:
        yield server


@pytest.fixture(scope="session")
def endpoints(
    pg_server: TestServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Endpoints]:
    """The session's main database triple, exported through the environment."""
    eps = pg_server.new_endpoints("main")
    home: Path = tmp_path_factory.mktemp("forecastlab_home")
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    os.environ.update(
        {
            "DATABASE_URL": eps.app_libpq,
            "DAGSTER_PG_URL": eps.dagster_url,
            "MLFLOW_TRACKING_URI": eps.mlflow_uri,
            "FORECASTLAB_HOME": str(home),
            "APP_ENV": "testing",
        }
    )
    yield eps
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_ENV_KEYS = ("DATABASE_URL", "DAGSTER_PG_URL", "MLFLOW_TRACKING_URI", "FORECASTLAB_HOME", "APP_ENV")


@pytest.fixture(scope="session")
def engine(endpoints: Endpoints) -> Engine:
    """Engine on the session's main app database (migrated, empty until a fixture seeds it)."""
    return engine_for(endpoints.app_sqlalchemy)


@pytest.fixture(scope="session")
def fresh_database(pg_server: TestServer) -> Callable[[str], Endpoints]:
    """Factory: a new migrated database triple for tests that must start empty or mutate data."""
    return pg_server.new_endpoints


SMALL_WAREHOUSE = {"stores": 2, "products": 3, "window_days": 120}


@pytest.fixture(scope="session")
def small_warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """retail_standard (seed 1, 2 stores x 3 products x 120 days), seeded and dbt-built once
    per session, read-only for the tests that share it."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "features")
    seed(warehouse.engine, "retail_standard", seed=1, **SMALL_WAREHOUSE)
    warehouse.dbt("build")
    return warehouse
