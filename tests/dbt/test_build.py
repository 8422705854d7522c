"""`dbt build` on a seeded database: models, data tests and unit tests all pass."""

from __future__ import annotations

from sqlalchemy import text

from tests.dbt.conftest import Warehouse, run_results


def test_dbt_build_passes_models_data_tests_and_unit_tests(built_warehouse: Warehouse) -> None:
    results = run_results(built_warehouse.target_path)
    by_kind: dict[str, list[dict]] = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        by_kind.setdefault(kind, []).append(result)
    failed = [r["unique_id"] for r in results if r["status"] not in {"success", "pass"}]
    assert failed == []
    models = {r["unique_id"].split(".")[-1] for r in by_kind["model"]}
    assert {"dim_store", "dim_product", "dim_calendar", "fct_sales_daily"} <= models
    assert "fct_sales_features" in models
    assert len(by_kind["unit_test"]) >= 3
    assert len(by_kind["test"]) >= 30


def test_feature_mart_has_one_row_per_observed_sales_row(built_warehouse: Warehouse) -> None:
    with built_warehouse.engine.connect() as conn:
        raw = conn.execute(text("select count(*) from raw.sales_daily")).scalar_one()
        mart = conn.execute(text("select count(*) from marts.fct_sales_features")).scalar_one()
        missing = conn.execute(
            text(
                "select count(*) from raw.sales_daily s left join marts.fct_sales_features f "
                "using (store_id, product_id, date) where f.date is null"
            )
        ).scalar_one()
        flags = conn.execute(
            text(
                "select sum(promo_active), count(stockout_lag_1), sum(stockout_lag_1) "
                "from marts.fct_sales_features"
            )
        ).one()
    assert raw > 1000
    assert mart == raw
    assert missing == 0
    # The seeded data exercises the exogenous flags (otherwise the comparisons below are vacuous).
    assert flags[0] > 0
    assert flags[1] > 0
