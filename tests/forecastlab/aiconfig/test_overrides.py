"""Persisted overrides (spec §15.3): effective settings, the empty change, the dimension guard."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from forecastlab.aiconfig import effective_settings
from forecastlab.aiconfig.service import NOTHING_TO_UPDATE, current_config, update_config
from forecastlab.aiconfig.update import AIConfigUpdate
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.errors import BadRequestError, ConflictError
from forecastlab.rag.indexing import index_document
from forecastlab.settings import Settings

SETTINGS = Settings(
    rag_embedding_provider="offline", rag_embedding_dimension=384, openai_api_key=""
)


@pytest.fixture
def engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    return engine_for(fresh_database("aiconfig").app_sqlalchemy)


def _update(engine: Engine, **body: object):
    return update_config(engine, SETTINGS, AIConfigUpdate.model_validate(body))


def test_changes_persist_and_make_the_effective_settings(engine: Engine) -> None:
    assert effective_settings(engine, SETTINGS) is SETTINGS  # nothing stored yet
    view = _update(engine, agent_temperature=0.5, openai_api_key="sk-proj-abcdefghijkl3f9a")
    assert view.agent_temperature == 0.5
    assert view.overridden_keys == ["agent_temperature", "openai_api_key"]
    effective = effective_settings(engine, SETTINGS)
    assert effective.agent_temperature == 0.5 and effective.openai_api_key.endswith("3f9a")
    assert SETTINGS.agent_temperature == 0.1  # the process settings are untouched
    with engine.connect() as conn:
        stored = dict(conn.execute(text("select key, value from app.app_config")).all())
    assert stored["agent_temperature"] == {"v": 0.5}
    # "" is a real value: it clears the key.
    assert _update(engine, openai_api_key="").api_keys[0].is_set is False
    assert current_config(engine, SETTINGS).overridden_keys == [
        "agent_temperature",
        "openai_api_key",
    ]


@pytest.mark.parametrize("body", [{}, {"force": True}, {"agent_temperature": None, "bogus": 1}])
def test_an_empty_change_is_a_bad_request(engine: Engine, body: dict[str, object]) -> None:
    with pytest.raises(BadRequestError, match=re.escape(NOTHING_TO_UPDATE)):
        _update(engine, **body)


def test_a_new_dimension_is_guarded_while_chunks_exist(engine: Engine) -> None:
    # No chunks yet: any dimension may be set.
    assert _update(engine, rag_embedding_dimension=768).rag_embedding_dimension == 768
    _update(engine, rag_embedding_dimension=384)
    index_document(engine, SETTINGS, "markdown", "notes/a.md", "# A\n\nSome text about stores.")
    with pytest.raises(ConflictError, match=r"1 RAG chunk\(s\).*force=true"):
        _update(engine, rag_embedding_dimension=1536)
    assert effective_settings(engine, SETTINGS).rag_embedding_dimension == 384
    assert _update(engine, rag_embedding_dimension=384).rag_embedding_dimension == 384  # same
    forced = _update(engine, rag_embedding_dimension=1536, force=True)
    assert forced.rag_embedding_dimension == 1536


def test_an_invalid_stored_row_is_skipped(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into app.app_config (key, value) values "
                "('agent_temperature', '{\"v\": \"hot\"}'), ('agent_max_tokens', '{\"v\": 99}'), "
                "('not_allowed', '{\"v\": 1}')"
            )
        )
    with caplog.at_level(logging.WARNING, logger="forecastlab.aiconfig"):
        effective = effective_settings(engine, SETTINGS)
    assert effective.agent_max_tokens == 99 and effective.agent_temperature == 0.1
    assert "agent_temperature" in caplog.text


def test_an_unreadable_store_falls_back_to_the_process_settings(
    fresh_database: Callable[[str], Endpoints], caplog: pytest.LogCaptureFixture
) -> None:
    missing = fresh_database("aiconfig_gone").app.set(database="no_such_database")
    engine = engine_for(
        missing.render_as_string(hide_password=False).replace(
            "postgresql://", "postgresql+psycopg://"
        )
    )
    with caplog.at_level(logging.WARNING, logger="forecastlab.aiconfig"):
        assert effective_settings(engine, SETTINGS) is SETTINGS
    assert "not applied" in caplog.text
