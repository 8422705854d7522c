"""The Ollama host's model list and the providers' health (spec §15.4-15.5), against a local
stand-in for Ollama and a port where nothing listens."""

from __future__ import annotations

import pytest

from forecastlab.aiconfig.health import providers_health
from forecastlab.aiconfig.ollama import OllamaModel, OllamaUnreachableError, pulled_models
from forecastlab.settings import Settings
from tests.forecastlab.rag.http_stub import closed_port_url, http_stub

TAGS = {
    "models": [
        {"name": "nomic-embed-text:latest", "size": 274302450, "details": {"family": "nomic-bert"}},
        {"model": "llama3.2:3b", "size": "big", "details": None},
        {},
    ]
}


def test_pulled_models_map_name_size_and_family_in_host_order() -> None:
    with http_stub({"/api/tags": (200, TAGS)}) as stub:
        models = pulled_models(f"{stub.url}/")
    assert models == [
        OllamaModel("nomic-embed-text:latest", 274302450, "nomic-bert"),
        OllamaModel("llama3.2:3b", None, None),
        OllamaModel("unknown", None, None),
    ]
    assert stub.requests[0][:2] == ("GET", "/api/tags")


@pytest.mark.parametrize(
    ("routes", "reason"),
    [
        ({"/api/tags": (500, {"error": "boom"})}, "HTTP 500"),
        ({"/api/tags": (200, ["x"])}, "not an Ollama model list"),
    ],
)
def test_errors_and_odd_answers_are_unreachable(routes: dict, reason: str) -> None:
    with http_stub(routes) as stub, pytest.raises(OllamaUnreachableError, match=reason):
        pulled_models(stub.url)


def test_health_has_four_entries_and_never_fails() -> None:
    url = closed_port_url()
    health = providers_health(
        Settings(
            ollama_base_url=url, openai_api_key="sk-set", anthropic_api_key="", google_api_key=""
        )
    )
    assert [(h.provider, h.reachable) for h in health] == [
        ("ollama", False),
        ("openai", True),
        ("anthropic", False),
        ("google", False),
    ]
    assert health[0].detail.startswith(f"Not reachable at {url}: ") and health[0].models == []
    assert [h.detail for h in health[1:]] == [
        "API key configured",
        "API key not set",
        "API key not set",
    ]


def test_health_lists_the_pulled_models_of_a_reachable_host() -> None:
    with http_stub({"/api/tags": (200, TAGS)}) as stub:
        ollama = providers_health(Settings(ollama_base_url=stub.url))[0]
    assert ollama.reachable and ollama.detail == f"Reachable at {stub.url} (3 model(s) pulled)"
    assert ollama.models == ["nomic-embed-text:latest", "llama3.2:3b", "unknown"]
