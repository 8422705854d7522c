"""/config routes (spec §15.2-15.5): the effective AI configuration with masked keys, PATCH
(persisted, applied live, seen by a restarted app; 400 / 409 / 422), providers' health and the
Ollama model list (200 from a local stand-in, 502 when unreachable)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from serving.main import create_app
from tests.forecastlab.rag.http_stub import closed_port_url, http_stub
from tests.serving.conftest import assert_problem, settings_for

OPENAI_KEY = "sk-proj-abcdefghijklmnop3f9a"
NOWHERE = closed_port_url()
BASE = {
    "rag_embedding_provider": "offline",
    "rag_embedding_dimension": 384,
    "openai_api_key": OPENAI_KEY,
    "anthropic_api_key": "",
    "google_api_key": "",
    "ollama_base_url": NOWHERE,
}


@pytest.fixture
def app_on(endpoints: Endpoints) -> Iterator[Callable[..., TestClient]]:
    """Factory: a freshly created app over a database (a new app = a restarted process)."""
    opened: list[TestClient] = []

    def make(app_db: Endpoints, **overrides: object) -> TestClient:
        settings = settings_for(app_db, endpoints, **{**BASE, **overrides})
        client = TestClient(create_app(settings))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def db(fresh_database: Callable[[str], Endpoints]) -> Endpoints:
    return fresh_database("config_api")


def test_get_shows_the_effective_config_with_masked_keys(
    db: Endpoints, app_on: Callable[..., TestClient]
) -> None:
    response = app_on(db).get("/config/ai")
    assert response.status_code == 200
    body = response.json()
    assert OPENAI_KEY not in response.text
    assert body["api_keys"] == [
        {"provider": "openai", "is_set": True, "masked": "sk-proj\u20263f9a"},
        {"provider": "anthropic", "is_set": False, "masked": None},
        {"provider": "google", "is_set": False, "masked": None},
    ]
    assert body["rag_embedding_provider"] == "offline" and body["rag_embedding_dimension"] == 384
    assert body["agent_require_approval"] == ["create_alias", "archive_run", "save_scenario"]
    assert body["overridden_keys"] == []


def test_patch_persists_applies_live_and_survives_a_restart(
    db: Endpoints, app_on: Callable[..., TestClient]
) -> None:
    api = app_on(db)
    change = {
        "agent_default_model": "openai:gpt-4o-mini",
        "agent_temperature": 0.4,
        "anthropic_api_key": "sk-ant-0123456789-XYZW",
        "rag_embedding_provider": "offline",
        "not_a_setting": True,  # unknown keys are ignored
    }
    patched = api.patch("/config/ai", json=change)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["agent_default_model"] == "openai:gpt-4o-mini" and body["agent_temperature"] == 0.4
    assert body["api_keys"][1] == {
        "provider": "anthropic",
        "is_set": True,
        "masked": "sk-ant-\u2026XYZW",
    }
    assert "sk-ant-0123456789-XYZW" not in patched.text
    expected_keys = [
        "agent_default_model",
        "agent_temperature",
        "anthropic_api_key",
        "rag_embedding_provider",
    ]
    assert body["overridden_keys"] == expected_keys
    assert api.get("/config/ai").json() == body

    restarted = app_on(db).get("/config/ai").json()
    assert restarted == body
    health = app_on(db).get("/config/providers/health").json()
    assert health[2] == {
        "provider": "anthropic",
        "reachable": True,
        "detail": "API key configured",
        "models": [],
    }


@pytest.mark.parametrize("body", [{}, {"force": True}, {"agent_temperature": None, "unknown": 1}])
def test_an_empty_patch_is_400(
    db: Endpoints, app_on: Callable[..., TestClient], body: dict[str, object]
) -> None:
    problem = assert_problem(app_on(db).patch("/config/ai", json=body), 400, "BAD_REQUEST")
    assert problem["detail"] == "No configuration fields provided to update."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agent_default_model": "gpt-4o"}, "agent_default_model"),
        ({"agent_fallback_model": "openai:"}, "agent_fallback_model"),
        ({"agent_default_model": "mistral:large"}, "agent_default_model"),
        ({"agent_max_tokens": "5"}, "agent_max_tokens"),
        ({"agent_temperature": 3.0}, "agent_temperature"),
        ({"rag_embedding_provider": "cohere"}, "rag_embedding_provider"),
    ],
)
def test_invalid_values_are_422(
    db: Endpoints, app_on: Callable[..., TestClient], body: dict[str, object], field: str
) -> None:
    problem = assert_problem(app_on(db).patch("/config/ai", json=body), 422, "VALIDATION_ERROR")
    assert problem["errors"][0]["field"] == field


def test_the_dimension_guard_and_force(db: Endpoints, app_on: Callable[..., TestClient]) -> None:
    api = app_on(db)
    note = {"source_type": "markdown", "source_path": "notes/a.md", "content": "# A\n\nStores."}
    assert api.post("/rag/index", json=note).status_code == 201
    problem = assert_problem(
        api.patch("/config/ai", json={"rag_embedding_dimension": 768}), 409, "CONFLICT"
    )
    assert "1 RAG chunk(s)" in problem["detail"] and "force=true" in problem["detail"]
    assert api.get("/config/ai").json()["rag_embedding_dimension"] == 384

    forced = api.patch("/config/ai", json={"rag_embedding_dimension": 768, "force": True})
    assert forced.status_code == 200 and forced.json()["rag_embedding_dimension"] == 768
    # Applied live: the knowledge base now refuses to mix dimensions (D-33).
    assert_problem(api.post("/rag/retrieve", json={"query": "stores"}), 409, "CONFLICT")


def test_providers_health_with_ollama_down(
    db: Endpoints, app_on: Callable[..., TestClient]
) -> None:
    response = app_on(db).get("/config/providers/health")
    assert response.status_code == 200
    health = response.json()
    assert [(h["provider"], h["reachable"]) for h in health] == [
        ("ollama", False),
        ("openai", True),
        ("anthropic", False),
        ("google", False),
    ]
    assert (
        health[0]["detail"].startswith(f"Not reachable at {NOWHERE}") and health[0]["models"] == []
    )
    assert OPENAI_KEY not in response.text


def test_ollama_models_502_when_unreachable_200_from_a_host(
    db: Endpoints, app_on: Callable[..., TestClient]
) -> None:
    api = app_on(db)
    problem = assert_problem(api.get("/config/ollama/models"), 502, "BAD_GATEWAY")
    assert NOWHERE in problem["detail"] and "ollama serve" in problem["detail"]

    tags = {
        "models": [
            {
                "name": "nomic-embed-text:latest",
                "size": 274302450,
                "details": {"family": "nomic-bert"},
            }
        ]
    }
    with http_stub({"/api/tags": (200, tags)}) as stub:
        # Pointing the app at the host through PATCH applies to the next request.
        assert api.patch("/config/ai", json={"ollama_base_url": stub.url}).status_code == 200
        models = api.get("/config/ollama/models")
        health = api.get("/config/providers/health").json()[0]
    assert models.status_code == 200
    assert models.json() == [
        {"name": "nomic-embed-text:latest", "size_bytes": 274302450, "family": "nomic-bert"}
    ]
    assert health["reachable"] and health["models"] == ["nomic-embed-text:latest"]
