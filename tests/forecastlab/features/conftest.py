"""A small seeded and dbt-built warehouse (2 stores x 3 products x 120 days), and a dense
synthetic series for tests that need no database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecastlab.db.endpoints import Endpoints
from forecastlab.features.series import DAILY_FIELDS, SeriesData
from tests.dbt.conftest import Warehouse, new_warehouse, seed

SMALL_WAREHOUSE = {"stores": 2, "products": 3, "window_days": 120}


@pytest.fixture(scope="session")
def small_warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """retail_standard (seed 1), seeded and built (`dbt build`) once per session."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "features")
    seed(warehouse.engine, "retail_standard", seed=1, **SMALL_WAREHOUSE)
    warehouse.dbt("build")
    return warehouse


def dense_series(days: int = 500, seed: int = 0) -> SeriesData:
    """A series with a row every day, weekly seasonality, varying prices and promotions."""
    rng = np.random.default_rng(seed)
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + days)
    weekly = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 7)
    daily = pd.DataFrame(
        {field: (rng.random(days) < 0.2).astype(float) for field in DAILY_FIELDS},
        index=pd.DatetimeIndex(dates, name="date"),
    )
    daily["promo_discount_pct"] *= 0.25
    return SeriesData(
        store_id=1,
        product_id=2,
        dates=dates,
        quantity=rng.poisson(20 * weekly).astype(float),
        unit_price=np.round(rng.uniform(2.0, 3.0, days), 2),
        daily=daily,
        launch_date=date(2023, 10, 1),
        discontinue_date=date(2025, 3, 1),
        base_price=2.5,
    )
