"""The feature mart's columns: Python's declaration, the dbt contract and the built table agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from forecastlab.features import columns
from forecastlab.warehouse import DBT_PROJECT_DIR, DbtError, parse_manifest
from tests.dbt.conftest import Warehouse

MART_YML = DBT_PROJECT_DIR / "models" / "marts" / f"{columns.FEATURE_MART}.yml"


def _mart_model() -> dict:
    document = yaml.safe_load(MART_YML.read_text())
    (model,) = [m for m in document["models"] if m["name"] == columns.FEATURE_MART]
    return model


def test_python_columns_follow_the_spec_order() -> None:
    assert (
        *columns.LAG_COLUMNS,
        *columns.ROLLING_COLUMNS,
        *columns.CALENDAR_COLUMNS,
        *columns.EXOGENOUS_COLUMNS,
    ) == columns.FEATURE_COLUMNS
    assert columns.LAG_COLUMNS == ("lag_1", "lag_7", "lag_14", "lag_28")
    assert columns.ROLLING_COLUMNS[:3] == ("rolling_mean_7", "rolling_std_7", "rolling_mean_14")
    assert columns.EXOGENOUS_COLUMNS == (
        "price_lag_7",
        "price_lag_28",
        "price_pct_change_7d",
        "promo_active",
        "stockout_lag_1",
    )
    assert columns.MAX_LOOKBACK_ROWS == 28
    assert len(set(columns.MART_COLUMNS)) == len(columns.MART_COLUMNS)


def test_enforced_dbt_contract_equals_python_declaration() -> None:
    model = _mart_model()
    assert model["config"]["contract"]["enforced"] is True
    declared = [(c["name"], c["data_type"]) for c in model["columns"]]
    assert declared == list(columns.MART_COLUMN_TYPES.items())
    assert [name for name, _ in declared] == list(columns.MART_COLUMNS)


def test_built_mart_has_exactly_the_python_columns(built_warehouse: Warehouse) -> None:
    with built_warehouse.engine.connect() as conn:
        rows = conn.execute(
            text(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = :schema and table_name = :table order by ordinal_position"
            ),
            {"schema": columns.FEATURE_MART_SCHEMA, "table": columns.FEATURE_MART},
        ).all()
    assert [tuple(r) for r in rows] == list(columns.MART_COLUMN_TYPES.items())


def test_manifest_parses_without_database_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("HOST", "PORT", "USER", "PASSWORD", "NAME"):
        monkeypatch.delenv(f"FORECASTLAB_DB_{key}", raising=False)
    manifest = json.loads(parse_manifest(tmp_path).read_text())
    nodes = manifest["nodes"]
    daily = {n["name"] for n in nodes.values() if "daily" in n.get("tags", [])}
    assert daily == {"fct_sales_daily", "fct_sales_features"}
    models = {n["name"] for n in nodes.values() if n["resource_type"] == "model"}
    assert {"dim_store", "dim_product", "dim_calendar", columns.FEATURE_MART} <= models
    unit_tested = {u["model"] for u in manifest["unit_tests"].values()}
    assert {"dim_calendar", columns.FEATURE_MART} <= unit_tested


def test_lookback_smaller_than_the_largest_window_is_refused(built_warehouse: Warehouse) -> None:
    with pytest.raises(DbtError, match="feature_lookback_rows"):
        built_warehouse.dbt(
            "compile", "-s", columns.FEATURE_MART, "--vars", "{feature_lookback_rows: 27}"
        )
