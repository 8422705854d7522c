"""The pipeline materialized through Dagster against a real database, dbt and instance."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import dagster as dg
import pytest
from sqlalchemy import Engine, text

from forecastlab import seeder
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.db.stats import date_range, raw_row_counts
from orchestration.runs import run_job

FORGE = {
    "preset": "retail_standard",
    "seed": 11,
    "end_date": "2025-06-30",
    "stores": 2,
    "products": 3,
    "window_days": 80,
}


@pytest.fixture(scope="module")
def pipeline_db(
    fresh_database: Callable[[str], Endpoints], defs: dg.Definitions
) -> Iterator[tuple[Engine, dg.DagsterInstance]]:
    """A fresh database, pointed at by the environment, with the whole pipeline materialized."""
    eps = fresh_database("pipe")
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", eps.app_libpq)
    mp.setenv("DAGSTER_PG_URL", eps.dagster_url)
    mp.setenv("MLFLOW_TRACKING_URI", eps.mlflow_uri)
    instance = dg.DagsterInstance.ephemeral()
    run_job(
        defs,
        "forge_job",
        instance=instance,
        run_config={"ops": {"forge_catalog": {"config": FORGE}}},
    )
    engine = engine_for(eps.app_sqlalchemy)
    first, last = date_range(engine, "raw.calendar")
    assert first is not None and last is not None
    window = (first, last)
    run_job(defs, "forge_facts_job", instance=instance, partitions=window)
    run_job(defs, "warehouse_job", instance=instance)
    run_job(defs, "daily_refresh_job", instance=instance, partitions=window)
    yield engine, instance
    mp.undo()


def test_dagster_path_writes_what_the_function_writes(
    pipeline_db: tuple[Engine, dg.DagsterInstance], fresh_database: Callable[[str], Endpoints]
) -> None:
    engine, _ = pipeline_db
    direct = engine_for(fresh_database("direct").app_sqlalchemy)
    knobs = {k: FORGE[k] for k in ("stores", "products", "window_days")}
    config = seeder.build_config(
        "retail_standard", seed=11, end_date=date(2025, 6, 30), overrides=knobs
    )
    seeder.generate(direct, config)
    assert seeder.table_hashes(engine) == seeder.table_hashes(direct)


def test_feature_mart_covers_every_sales_row(
    pipeline_db: tuple[Engine, dg.DagsterInstance],
) -> None:
    engine, _ = pipeline_db
    with engine.connect() as conn:
        sales = conn.execute(text("select count(*) from raw.sales_daily")).scalar_one()
        features = conn.execute(text("select count(*) from marts.fct_sales_features")).scalar_one()
        dims = conn.execute(text("select count(*) from marts.dim_store")).scalar_one()
    assert sales > 0
    assert features == sales
    assert dims == 2


def test_materializations_carry_row_counts(pipeline_db: tuple[Engine, dg.DagsterInstance]) -> None:
    engine, instance = pipeline_db
    counts = raw_row_counts(engine)
    for table in ("store", "sales_daily"):
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw", table]))
        assert event is not None and event.asset_materialization is not None
        assert event.asset_materialization.metadata["dagster/row_count"].value == counts[table]


def test_rematerializing_a_partition_restores_a_corrupted_day(
    pipeline_db: tuple[Engine, dg.DagsterInstance], defs: dg.Definitions
) -> None:
    engine, instance = pipeline_db
    before = seeder.table_hashes(engine)
    day = date(2025, 5, 20)
    with engine.begin() as conn:
        changed = conn.execute(
            text(
                "update raw.sales_daily set quantity = quantity + 1000 where id = "
                "(select min(id) from raw.sales_daily where date = :d)"
            ),
            {"d": day},
        ).rowcount
        deleted = conn.execute(
            text(
                "delete from raw.sales_daily where id = "
                "(select max(id) from raw.sales_daily where date = :d)"
            ),
            {"d": day},
        ).rowcount
    assert changed == 1 and deleted == 1
    assert seeder.table_hashes(engine)["sales_daily"] != before["sales_daily"]
    run_job(defs, "forge_facts_job", instance=instance, partitions=(day, day))
    assert seeder.table_hashes(engine) == before
