"""A dense synthetic series for tests that need no database (`small_warehouse` is session-wide,
in tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from forecastlab.features.series import DAILY_FIELDS, SeriesData


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
