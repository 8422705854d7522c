"""The incremental refresh (new days, or a var-given date range) equals a full refresh."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from tests.dbt.conftest import SMALL, TODAY, new_warehouse, read_table, seed

MARTS = ("marts.fct_sales_daily", "marts.fct_sales_features")


def test_incremental_refresh_equals_full_refresh_on_gappy_series(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from forecastlab.seeder import append

    warehouse = new_warehouse(fresh_database, tmp_path_factory, "dbtincr")
    engine = warehouse.engine
    seed(engine, "sparse")
    warehouse.dbt("run")
    assert read_table(engine, "marts.fct_sales_features")["date"].max() == pd.Timestamp(TODAY)

    append(engine, days=5)
    warehouse.dbt("run", "-s", "tag:daily")
    incremental = {name: read_table(engine, name) for name in MARTS}
    new_rows = incremental["marts.fct_sales_features"]["date"] > pd.Timestamp(TODAY)
    assert new_rows.sum() > 0
    # The appended days carry filled 28-row windows (context was read), not leading nulls.
    assert incremental["marts.fct_sales_features"].loc[new_rows, "rolling_std_28"].notna().any()

    warehouse.dbt("run", "-s", "tag:daily", "--full-refresh")
    full = {name: read_table(engine, name) for name in MARTS}
    for name in MARTS:
        pd.testing.assert_frame_equal(incremental[name], full[name], check_exact=True, obj=name)

    # A past range recomputed through the vars Dagster passes: damage it first, and a row
    # outside the range that must stay as it is.
    low, high = "2025-05-10", "2025-05-20"
    with engine.begin() as conn:
        inside = conn.execute(
            text(
                "update marts.fct_sales_features set lag_1 = -1, rolling_std_28 = -1 "
                "where date between :low and :high and store_id = 1"
            ),
            {"low": low, "high": high},
        ).rowcount
        conn.execute(
            text(
                "delete from marts.fct_sales_features where date between :low and :high "
                "and store_id <> 1"
            ),
            {"low": low, "high": high},
        )
        conn.execute(text("delete from marts.fct_sales_daily where date = :high"), {"high": high})
        outside = conn.execute(
            text("update marts.fct_sales_features set lag_1 = -1 where date = :day"),
            {"day": "2025-05-09"},
        ).rowcount
    assert inside > 0
    assert outside > 0
    warehouse.dbt("run", "-s", "tag:daily", "--vars", f"{{min_date: '{low}', max_date: '{high}'}}")
    ranged = {name: read_table(engine, name) for name in MARTS}
    pd.testing.assert_frame_equal(
        ranged["marts.fct_sales_daily"], full["marts.fct_sales_daily"], check_exact=True
    )
    features, expected = ranged["marts.fct_sales_features"], full["marts.fct_sales_features"]
    damaged = features["date"] == pd.Timestamp("2025-05-09")
    assert (features.loc[damaged, "lag_1"] == -1).all()
    pd.testing.assert_frame_equal(
        features[~damaged].reset_index(drop=True),
        expected[~damaged.to_numpy()].reset_index(drop=True),
        check_exact=True,
    )


def test_a_reseeded_window_that_starts_later_leaves_no_orphans(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`make demo` the next day: the Forge re-seeds a window shifted by days (ids restart at
    1), then the marts are refreshed over the new window only. The old first days must go:
    their sales ids collide with the new rows' and their dates have no calendar row."""
    from forecastlab.seeder import build_config, generate

    warehouse = new_warehouse(fresh_database, tmp_path_factory, "dbtshift")
    engine = warehouse.engine
    seed(engine, "retail_standard")
    warehouse.dbt("run")
    later = build_config(
        "retail_standard", seed=7, today=TODAY + timedelta(days=3), overrides=SMALL
    )
    generate(engine, later)
    first, last = later.start_date.isoformat(), later.end_date.isoformat()
    warehouse.dbt(
        "build", "-s", "tag:daily", "--vars", f"{{min_date: '{first}', max_date: '{last}'}}"
    )
    ranged = {name: read_table(engine, name) for name in MARTS}
    assert ranged["marts.fct_sales_daily"]["date"].min() == pd.Timestamp(first)
    warehouse.dbt("run", "-s", "tag:daily", "--full-refresh")
    for name in MARTS:
        pd.testing.assert_frame_equal(ranged[name], read_table(engine, name), check_exact=True)
