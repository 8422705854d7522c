"""Fixtures for the dbt project's tests: a seeded warehouse built once, helpers to read marts.

Tests that only read share `built_warehouse` (seeded and `dbt build`-ed once per session, in its
own database). Tests that mutate data take `fresh_database(...)` and their own target path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.features.columns import KEY_COLUMNS
from forecastlab.warehouse import run_dbt

TODAY = date(2025, 6, 30)
# Small enough for seconds, large enough that 28-row windows fill: 3 stores x 8 products x 90 days.
SMALL = {"stores": 3, "products": 8, "window_days": 90}


@dataclass(frozen=True)
class Warehouse:
    """A seeded, migrated database and the dbt target path that built it."""

    endpoints: Endpoints
    engine: Engine
    target_path: Path

    def dbt(self, *args: str) -> Any:
        """Run dbt against this warehouse with its own target path."""
        return run_dbt(list(args), self.endpoints, target_path=self.target_path)


def seed(engine: Engine, preset: str, *, seed: int = 7, **overrides: Any) -> None:
    """Seed raw.* through The Forge (truncates first)."""
    from forecastlab.seeder import build_config, generate

    generate(engine, build_config(preset, seed=seed, today=TODAY, overrides={**SMALL, **overrides}))


def new_warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory, label: str
) -> Warehouse:
    """A fresh migrated database with its own dbt target directory."""
    endpoints = fresh_database(label)
    return Warehouse(
        endpoints=endpoints,
        engine=engine_for(endpoints.app_sqlalchemy),
        target_path=tmp_path_factory.mktemp(f"dbt_target_{label}"),
    )


def read_table(engine: Engine, relation: str) -> pd.DataFrame:
    """A whole mart, sorted by its grain (relation names are code constants, not input)."""
    allowed = {"marts.fct_sales_features", "marts.fct_sales_daily"}
    if relation not in allowed:
        raise ValueError(f"unexpected relation {relation}")
    with engine.connect() as conn:
        frame = pd.read_sql(text(f"select * from {relation}"), conn)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(list(KEY_COLUMNS), ignore_index=True)


def run_results(target_path: Path) -> list[dict[str, Any]]:
    """dbt's per-node results of the last command run with this target path."""
    return json.loads((target_path / "run_results.json").read_text())["results"]


@pytest.fixture(scope="session")
def built_warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """retail_standard (small), seeded and `dbt build` (models + data tests + unit tests) once."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "dbtbuild")
    seed(warehouse.engine, "retail_standard")
    warehouse.dbt("build")
    return warehouse
