"""Fixtures for the agents core: a seeded warehouse of its own (sessions, plans and the
knowledge base are written to it) and the scripted LLM stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.settings import Settings
from tests.dbt.conftest import seed
from tests.support.llm_standin import Chain, LLMStandIn, provider_settings, running_standin

SERIES = {"stores": 2, "products": 3, "window_days": 120}


@pytest.fixture(scope="session")
def agents_engine(fresh_database: Callable[[str], Endpoints], endpoints: Endpoints) -> Engine:
    """A migrated database seeded with retail_standard (2 stores x 3 products x 120 days).

    `endpoints` exports the session's MLflow store to the environment the registry reads.
    """
    engine = engine_for(fresh_database("agents_core").app_sqlalchemy)
    seed(engine, "retail_standard", seed=3, **SERIES)
    return engine


@pytest.fixture(scope="session")
def standin() -> Iterator[LLMStandIn]:
    with running_standin() as server:
        yield server


@pytest.fixture
def chain() -> Chain:
    return Chain.fresh()


@pytest.fixture
def settings(standin: LLMStandIn, chain: Chain) -> Settings:
    """Settings whose chain runs on the stand-in."""
    return Settings(**provider_settings(standin, chain))
