"""POST /featuresets/compute and /featuresets/preview over the small seeded warehouse."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from forecastlab.features.columns import FEATURE_COLUMNS
from forecastlab.features.featureset_config import FeatureSetConfig
from forecastlab.models.configs import config_hash
from tests.dbt.conftest import read_table
from tests.serving.conftest import assert_problem

CUTOFF = "2025-06-30"
DEFAULT_CONFIG = {
    "name": "default",
    "lag_config": {},
    "rolling_config": {},
    "calendar_config": {},
    "exogenous_config": {},
    "imputation_config": {},
}


def body(**changes: object) -> dict:
    return {
        "store_id": 1,
        "product_id": 2,
        "cutoff_date": CUTOFF,
        "config": DEFAULT_CONFIG,
    } | changes


def with_config(**changes: object) -> dict:
    return body(config=DEFAULT_CONFIG | changes)


@pytest.fixture(scope="module")
def mart(small_warehouse) -> pd.DataFrame:
    frame = read_table(small_warehouse.engine, "marts.fct_sales_features")
    return frame[(frame.store_id == 1) & (frame.product_id == 2)].set_index("date")


def test_compute_returns_the_mart_features_of_the_window(client, mart):
    response = client.post("/featuresets/compute", json=body(lookback_days=60))
    assert response.status_code == 200, response.text
    result = response.json()
    start = date(2025, 6, 30) - timedelta(days=60)
    expected = mart[mart.index >= pd.Timestamp(start)]
    assert result["feature_columns"] == list(FEATURE_COLUMNS)
    assert result["cutoff_date"] == CUTOFF
    assert result["row_count"] == len(result["rows"]) == len(expected)
    assert result["config_hash"] == config_hash(FeatureSetConfig.model_validate(DEFAULT_CONFIG))
    assert isinstance(result["duration_ms"], float)
    dates = [row["date"] for row in result["rows"]]
    assert dates == [day.date().isoformat() for day in expected.index]
    assert {(row["store_id"], row["product_id"]) for row in result["rows"]} == {(1, 2)}
    actual = np.array(
        [
            [np.nan if (v := row["features"][c]) is None else v for c in FEATURE_COLUMNS]
            for row in result["rows"]
        ],
        dtype=float,
    )
    np.testing.assert_allclose(
        actual, expected[list(FEATURE_COLUMNS)].to_numpy(float), atol=1e-9, equal_nan=True
    )
    assert result["null_counts"] == {c: int(expected[c].isna().sum()) for c in FEATURE_COLUMNS}


def test_compute_nulls_and_integers_on_the_wire(client):
    result = client.post("/featuresets/compute", json=body()).json()
    first = result["rows"][0]["features"]
    # The window covers the series' first row: nothing before it.
    assert first["lag_1"] is None and first["rolling_mean_7"] is None
    assert result["null_counts"]["lag_28"] == 28
    assert isinstance(first["is_weekend"], int) and isinstance(first["dow_sin"], float)
    assert result["rows"][-1]["date"] == CUTOFF


def test_compute_with_a_custom_config(client):
    config = {
        "name": "plain",
        "lag_config": {"lags": [2], "fill_value": 0},
        "calendar_config": {"use_cyclical_encoding": False, "include_year": True},
        "exogenous_config": {"include_inventory": True, "price_lags": []},
    }
    response = client.post("/featuresets/compute", json=body(config=config, lookback_days=10))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["feature_columns"] == [
        "lag_2",
        "day_of_week",
        "month",
        "quarter",
        "year",
        "is_weekend",
        "is_month_end",
        "is_holiday",
        "price_pct_change_7d",
        "promo_active",
        "stockout_lag_1",
        "on_hand_lag_1",
    ]
    assert result["rows"][-1]["features"]["year"] == 2025
    assert result["rows"][-1]["features"]["day_of_week"] == 0  # 2025-06-30 is a Monday
    assert result["config_hash"] != config_hash(FeatureSetConfig.model_validate(DEFAULT_CONFIG))


def test_a_later_cutoff_never_changes_earlier_rows(client):
    early = client.post("/featuresets/compute", json=body(cutoff_date="2025-06-15")).json()
    late = client.post("/featuresets/compute", json=body()).json()
    assert early["rows"][-1]["date"] <= "2025-06-15"
    assert late["rows"][: early["row_count"]] == early["rows"]


def test_preview_returns_the_last_rows_of_a_year(client):
    full = client.post("/featuresets/compute", json=body(lookback_days=365)).json()
    response = client.post("/featuresets/preview", json=body(sample_rows=5))
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["row_count"] == 5
    assert preview["rows"] == full["rows"][-5:]
    # Null counts describe the whole 365-day frame, not the sample.
    assert preview["null_counts"] == full["null_counts"]
    assert preview["null_counts"]["lag_28"] > 0
    assert preview["config_hash"] == full["config_hash"]
    assert preview["feature_columns"] == full["feature_columns"]


def test_preview_defaults_to_ten_rows(client):
    preview = client.post("/featuresets/preview", json=body()).json()
    assert preview["row_count"] == len(preview["rows"]) == 10


@pytest.mark.parametrize(
    "request_body",
    [
        body(store_id=999),
        body(product_id=999),
        body(cutoff_date="2024-01-01"),
        body(cutoff_date="2025-03-01", lookback_days=30),
    ],
)
@pytest.mark.parametrize("path", ["/featuresets/compute", "/featuresets/preview"])
def test_no_rows_in_the_window_is_404(client, path, request_body):
    if path.endswith("preview"):
        request_body = {k: v for k, v in request_body.items() if k != "lookback_days"}
    problem = assert_problem(client.post(path, json=request_body), 404, "NOT_FOUND")
    assert "no sales rows" in problem["detail"]


@pytest.mark.parametrize(
    ("request_body", "field", "error_type"),
    [
        (body(store_id=0), "store_id", "greater_than_equal"),
        (body(store_id="1"), "store_id", "int_type"),
        (body(cutoff_date="2025-02-30"), "cutoff_date", "value_error"),
        (body(lookback_days=0), "lookback_days", "greater_than_equal"),
        (body(lookback_days=1096), "lookback_days", "less_than_equal"),
        (body(unknown=1), "unknown", "extra_forbidden"),
        ({"store_id": 1, "product_id": 2, "cutoff_date": CUTOFF}, "config", "missing"),
        (with_config(name=""), "config.name", "string_too_short"),
        (with_config(schema_version="one"), "config.schema_version", "string_pattern_mismatch"),
        (with_config(extra=True), "config.extra", "extra_forbidden"),
        (with_config(lag_config={"lags": []}), "config.lag_config.lags", "too_short"),
        (with_config(lag_config={"lags": [0]}), "config.lag_config.lags.0", "greater_than"),
        (
            with_config(rolling_config={"aggregations": ["median"]}),
            "config.rolling_config.aggregations.0",
            "literal_error",
        ),
        (
            with_config(rolling_config={"windows": [7], "min_periods": 8}),
            "config.rolling_config",
            "value_error",
        ),
        (
            with_config(imputation_config={"strategies": {"quantity": "median"}}),
            "config.imputation_config.strategies.quantity",
            "literal_error",
        ),
    ],
)
def test_compute_rejects_invalid_requests_with_422(client, request_body, field, error_type):
    response = client.post("/featuresets/compute", json=request_body)
    problem = assert_problem(response, 422, "VALIDATION_ERROR")
    assert {"field": field, "type": error_type} in [
        {"field": e["field"], "type": e["type"]} for e in problem["errors"]
    ]


@pytest.mark.parametrize(
    ("request_body", "field", "error_type"),
    [
        (body(sample_rows=0), "sample_rows", "greater_than_equal"),
        (body(sample_rows=101), "sample_rows", "less_than_equal"),
        (body(lookback_days=30), "lookback_days", "extra_forbidden"),
        (body(product_id=None), "product_id", "int_type"),
    ],
)
def test_preview_rejects_invalid_requests_with_422(client, request_body, field, error_type):
    problem = assert_problem(
        client.post("/featuresets/preview", json=request_body), 422, "VALIDATION_ERROR"
    )
    assert [(e["field"], e["type"]) for e in problem["errors"]] == [(field, error_type)]


@pytest.mark.parametrize(
    ("config", "limit"),
    [
        ({"lag_config": {"lags": [1, 366]}}, "feature_max_lag"),
        ({"exogenous_config": {"price_lags": [400]}}, "feature_max_lag"),
        ({"rolling_config": {"windows": [7, 91]}}, "feature_max_window"),
    ],
)
@pytest.mark.parametrize("path", ["/featuresets/compute", "/featuresets/preview"])
def test_lags_and_windows_beyond_the_settings_are_400(client, path, config, limit):
    response = client.post(path, json=with_config(**config))
    assert limit in assert_problem(response, 400, "BAD_REQUEST")["detail"]


def test_the_limits_come_from_the_settings(client_for, small_warehouse):
    limited = client_for(
        small_warehouse.endpoints,
        feature_max_lookback_days=30,
        feature_max_lag=5,
        feature_max_window=5,
    )
    narrow = {"name": "narrow", "lag_config": {"lags": [5]}, "rolling_config": {"windows": [5]}}
    problem = assert_problem(
        limited.post("/featuresets/compute", json=body(lookback_days=31, config=narrow)),
        400,
        "BAD_REQUEST",
    )
    assert problem["detail"] == "lookback_days=31 exceeds feature_max_lookback_days=30"
    ok = limited.post("/featuresets/compute", json=body(lookback_days=30, config=narrow))
    assert ok.status_code == 200, ok.text
    assert ok.json()["feature_columns"] == ["lag_5", "rolling_mean_5", "rolling_std_5"]
    assert_problem(
        limited.post("/featuresets/compute", json=with_config(lag_config={"lags": [6]})),
        400,
        "BAD_REQUEST",
    )
    # The preview's lookback is fixed (D-27): only lags and windows are checked.
    preview = limited.post("/featuresets/preview", json=body(config=narrow))
    assert preview.status_code == 200, preview.text


def test_openapi_documents_the_statuses(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path, operation_id in [
        ("/featuresets/compute", "featuresets_compute"),
        ("/featuresets/preview", "featuresets_preview"),
    ]:
        operation = paths[path]["post"]
        assert operation["operationId"] == operation_id
        assert operation["description"]
        assert {"200", "400", "404", "422"} <= set(operation["responses"])
