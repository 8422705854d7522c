"""The /featuresets function at its default config against the dbt mart, series by series."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from forecastlab.features.columns import FEATURE_COLUMNS
from forecastlab.features.featureset_config import default_feature_set
from forecastlab.features.featureset_service import compute_featureset
from tests.dbt.conftest import read_table

CUTOFF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def mart(small_warehouse) -> pd.DataFrame:
    return read_table(small_warehouse.engine, "marts.fct_sales_features")


def _series(mart: pd.DataFrame) -> list[tuple[int, int]]:
    keys = mart[["store_id", "product_id"]].drop_duplicates()
    return [(int(s), int(p)) for s, p in keys.itertuples(index=False)]


def _assert_equal_to_mart(frame: pd.DataFrame, rows: pd.DataFrame) -> None:
    np.testing.assert_array_equal(frame.index.to_numpy(), rows["date"].to_numpy())
    expected = rows[list(FEATURE_COLUMNS)].to_numpy(dtype=float)  # NULL -> NaN
    actual = frame.to_numpy(dtype=float)
    for i, column in enumerate(FEATURE_COLUMNS):
        np.testing.assert_allclose(
            actual[:, i], expected[:, i], rtol=0, atol=1e-9, equal_nan=True, err_msg=column
        )


def test_default_config_emits_the_mart_columns_in_order(small_warehouse, mart):
    store_id, product_id = _series(mart)[0]
    feature_set = compute_featureset(
        small_warehouse.engine, store_id, product_id, CUTOFF, 365, default_feature_set()
    )
    assert feature_set.feature_columns == list(FEATURE_COLUMNS)


def test_every_series_equals_the_mart(small_warehouse, mart):
    series = _series(mart)
    assert len(series) == 6
    for store_id, product_id in series:
        rows = mart[(mart.store_id == store_id) & (mart.product_id == product_id)]
        feature_set = compute_featureset(
            small_warehouse.engine, store_id, product_id, CUTOFF, 365, default_feature_set()
        )
        assert len(feature_set.frame) == len(rows) > 60
        _assert_equal_to_mart(feature_set.frame, rows)


def test_the_mart_exercises_every_feature(mart):
    # Guards the parity tests against vacuous columns and gap-free series.
    for column in FEATURE_COLUMNS:
        assert mart[column].dropna().nunique() > 1, column
    assert mart["stockout_lag_1"].isna().any()
    days = mart.groupby(["store_id", "product_id"])["date"].agg(["min", "max", "size"])
    assert ((days["max"] - days["min"]).dt.days + 1 > days["size"]).any()


@pytest.mark.parametrize("lookback_days", [1, 10, 45])
def test_a_short_window_is_warmed_up_with_earlier_rows(small_warehouse, mart, lookback_days):
    """Rows at the start of a short window still see their full lags and windows."""
    start = pd.Timestamp(CUTOFF - timedelta(days=lookback_days))
    for store_id, product_id in _series(mart):
        rows = mart[
            (mart.store_id == store_id) & (mart.product_id == product_id) & (mart.date >= start)
        ]
        feature_set = compute_featureset(
            small_warehouse.engine,
            store_id,
            product_id,
            CUTOFF,
            lookback_days,
            default_feature_set(),
        )
        assert feature_set.frame["lag_28"].notna().all()
        _assert_equal_to_mart(feature_set.frame, rows)


def test_an_earlier_cutoff_equals_the_mart_up_to_it(small_warehouse, mart):
    cutoff = date(2025, 5, 15)
    store_id, product_id = _series(mart)[-1]
    rows = mart[
        (mart.store_id == store_id)
        & (mart.product_id == product_id)
        & (mart.date <= pd.Timestamp(cutoff))
        & (mart.date >= pd.Timestamp(cutoff - timedelta(days=30)))
    ]
    feature_set = compute_featureset(
        small_warehouse.engine, store_id, product_id, cutoff, 30, default_feature_set()
    )
    _assert_equal_to_mart(feature_set.frame, rows)
