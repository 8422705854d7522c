"""The landing-folder asset and sensor against a real database and Dagster instance."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.settings import PROJECT_ROOT
from orchestration.defs.sources.assets import landing_folder_sensor
from orchestration.runs import run_job

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "retailer_small"


@pytest.fixture
def landing(
    tmp_path: Path, fresh_database: Callable[[str], Endpoints], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Endpoints]:
    folder = tmp_path / "landing"
    shutil.copytree(EXAMPLE, folder)
    eps = fresh_database("landing")
    monkeypatch.setenv("DATABASE_URL", eps.app_libpq)
    monkeypatch.setenv("LANDING_DIR", str(folder))
    return folder, eps


def _load(defs: dg.Definitions, instance: dg.DagsterInstance, **kwargs: object):
    return run_job(defs, "file_load_job", instance=instance, **kwargs)  # type: ignore[arg-type]


def test_a_load_marks_the_raw_tables_it_changed(landing, defs: dg.Definitions) -> None:
    _, eps = landing
    instance = dg.DagsterInstance.ephemeral()
    first = _load(defs, instance)
    changed = {e.asset_key.to_user_string() for e in first.get_asset_materialization_events()}
    assert {"raw/sales_daily", "raw/store", "raw/product", "raw/landing_files"} <= changed
    sales = instance.get_latest_materialization_event(dg.AssetKey(["raw", "sales_daily"]))
    with engine_for(eps.app_sqlalchemy).connect() as conn:
        rows = conn.execute(text("select count(*) from raw.sales_daily")).scalar_one()
    assert sales.asset_materialization.metadata["inserted"].value == rows > 0
    # The same folder again changes nothing, so no raw table is marked as updated.
    again = _load(defs, instance)
    assert {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()} == {
        "raw/landing_files"
    }


def test_a_bad_folder_fails_with_the_issues_and_writes_nothing(
    landing, defs: dg.Definitions
) -> None:
    folder, eps = landing
    sales = folder / "sales.csv"
    lines = sales.read_text().splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[3], "many", 1)  # quantity is not a number
    sales.write_text("\n".join(lines) + "\n")
    result = _load(defs, dg.DagsterInstance.ephemeral(), check=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    metadata = failure.step_failure_data.user_failure_data.metadata
    assert metadata["rejected"].value >= 1
    assert "sales.csv" in metadata["issues"].value
    with engine_for(eps.app_sqlalchemy).connect() as conn:
        assert conn.execute(text("select count(*) from raw.sales_daily")).scalar_one() == 0


def test_the_sensor_fires_once_per_new_set_of_files(landing) -> None:
    folder, _ = landing
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance)
        assert isinstance(landing_folder_sensor(context), dg.RunRequest)
        context = dg.build_sensor_context(instance=instance, cursor=context.cursor)
        assert isinstance(landing_folder_sensor(context), dg.SkipReason)
        newer = folder / "sales.csv"
        newer.write_text(newer.read_text())
        os.utime(newer, ns=(1, newer.stat().st_mtime_ns + 10_000_000))
        context = dg.build_sensor_context(instance=instance, cursor=context.cursor)
        assert isinstance(landing_folder_sensor(context), dg.RunRequest)
