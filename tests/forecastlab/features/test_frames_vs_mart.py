"""Python-built rows against the dbt mart on a built warehouse."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecastlab.features.frames import historical_frame
from forecastlab.features.series import load_series
from tests.dbt.conftest import read_table

START, END = date(2025, 1, 1), date(2025, 6, 30)
MART_EQUAL_V1 = (
    "lag_1",
    "lag_7",
    "lag_14",
    "lag_28",
    "dow_sin",
    "dow_cos",
    "month_sin",
    "month_cos",
    "is_weekend",
    "is_month_end",
    "promo_active",
    "is_holiday",
)


@pytest.fixture(scope="module")
def mart(small_warehouse) -> pd.DataFrame:
    return read_table(small_warehouse.engine, "marts.fct_sales_features")


def test_v1_historical_columns_equal_the_mart(small_warehouse, mart):
    series_keys = mart[["store_id", "product_id"]].drop_duplicates().itertuples(index=False)
    for store_id, product_id in series_keys:
        series = load_series(small_warehouse.engine, store_id, product_id, START, END)
        frame = historical_frame(series)
        rows = mart[(mart.store_id == store_id) & (mart.product_id == product_id)]
        assert len(frame) == len(rows) > 60
        np.testing.assert_array_equal(frame.index.to_numpy(), rows["date"].to_numpy())
        for column in MART_EQUAL_V1:
            np.testing.assert_allclose(
                frame[column].to_numpy(), rows[column].to_numpy(float), err_msg=column
            )
