"""Seeder test helpers: empty migrated databases and a small standard configuration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for

TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def empty_db(fresh_database: Callable[[str], Endpoints]) -> Callable[[], Engine]:
    """Factory: an engine on a new, empty, migrated database."""
    return lambda: engine_for(fresh_database("seeder").app_sqlalchemy)
