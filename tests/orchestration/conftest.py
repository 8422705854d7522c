"""Orchestration fixtures: the dbt manifest first, then the definitions."""

from __future__ import annotations

import pytest

from forecastlab.warehouse.dbt import ensure_manifest


@pytest.fixture(scope="session")
def defs():
    """The code location's definitions (after making sure the dbt manifest exists)."""
    ensure_manifest()
    from orchestration.definitions import defs as loaded

    return loaded
