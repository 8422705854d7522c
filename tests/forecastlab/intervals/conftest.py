"""A warehouse with many series, seeded and dbt-built once for the interval tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from forecastlab.db.endpoints import Endpoints
from tests.dbt.conftest import Warehouse, new_warehouse, seed

# 96 series x 240 days: six 14-day folds each, so a held-out fold scores 1,344 points.
MANY_SERIES = {"stores": 8, "products": 12, "window_days": 240}


@pytest.fixture(scope="session")
def many_series(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """retail_standard (seed 11), 8 stores x 12 products x 240 days, marts built."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "intervals")
    seed(warehouse.engine, "retail_standard", seed=11, **MANY_SERIES)
    warehouse.dbt("run")
    return warehouse
