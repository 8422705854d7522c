"""Loader fixtures: a small Forge seeding exported as a folder, and empty databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.loader import export_raw
from forecastlab.seeder import build_config, generate, table_hashes
from forecastlab.settings import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "retailer_small"
# The raw tables the folder format covers (exogenous signals, returns and replenishment
# events are not part of it).
LOADED_TABLES = (
    "store",
    "product",
    "calendar",
    "sales_daily",
    "inventory_snapshot_daily",
    "price_history",
    "promotion",
)


def loaded_hashes(engine: Engine) -> dict[str, str]:
    """table_hashes of the tables a folder load writes."""
    hashes = table_hashes(engine)
    return {table: hashes[table] for table in LOADED_TABLES}


@pytest.fixture(scope="module")
def empty_db(fresh_database: Callable[[str], Endpoints]) -> Callable[[], Engine]:
    """Factory: an engine on a new, empty, migrated database."""
    return lambda: engine_for(fresh_database("loader").app_sqlalchemy)


@pytest.fixture(scope="module")
def forge(
    empty_db: Callable[[], Engine], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Engine, Path]:
    """A seeded retail_standard preset (2 stores x 4 products x 90 days, promotions on) and
    its export."""
    engine = empty_db()
    config = build_config(
        "retail_standard",
        seed=3,
        today=date(2025, 6, 30),
        overrides={"stores": 2, "products": 4, "window_days": 90, "promotion_intensity": 0.3},
    )
    generate(engine, config)
    folder = tmp_path_factory.mktemp("forge_export")
    export_raw(engine, folder)
    return engine, folder
