"""Model identifiers, the chain built from the settings and each provider's endpoint."""

from __future__ import annotations

import pytest

from forecastlab.agents.fallback import model_chain
from forecastlab.agents.identifiers import InvalidModelIdError, ModelId, parse_model_id
from forecastlab.agents.providers import MissingKeyError, endpoint_for
from forecastlab.errors import BadRequestError
from forecastlab.settings import Settings


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("anthropic:claude-sonnet-4-5", ModelId("anthropic", "claude-sonnet-4-5")),
        ("google-vertex:gemini-2.5-pro", ModelId("google-vertex", "gemini-2.5-pro")),
        ("ollama:llama3.1:8b", ModelId("ollama", "llama3.1:8b")),
    ],
)
def test_identifiers_parse(identifier: str, expected: ModelId) -> None:
    assert parse_model_id(identifier) == expected
    assert str(expected) == identifier


@pytest.mark.parametrize("identifier", ["gpt-4o", "openai:", "openai:  ", "mistral:large", ":x"])
def test_unusable_identifiers_are_bad_requests(identifier: str) -> None:
    with pytest.raises(InvalidModelIdError) as raised:
        parse_model_id(identifier)
    assert isinstance(raised.value, BadRequestError)


def test_the_chain_is_default_then_fallback_without_repeats() -> None:
    assert model_chain(Settings()) == [
        ModelId("anthropic", "claude-sonnet-4-5"),
        ModelId("openai", "gpt-4o"),
    ]
    same = Settings(agent_default_model="openai:gpt-4o", agent_fallback_model="openai:gpt-4o")
    assert model_chain(same) == [ModelId("openai", "gpt-4o")]
    assert model_chain(Settings(agent_fallback_model=None)) == [
        ModelId("anthropic", "claude-sonnet-4-5")
    ]
    with pytest.raises(InvalidModelIdError):
        model_chain(Settings(agent_fallback_model="bogus"))


def test_endpoints_come_from_the_settings() -> None:
    settings = Settings(
        openai_api_key="k-openai",
        google_api_key="k-google",
        google_base_url="https://gemini.example/v1beta/openai/",
        ollama_base_url="http://ollama.local:11434/",
    )
    openai = endpoint_for(ModelId("openai", "gpt-4o"), settings)
    assert (openai.base_url, openai.api_key) == ("https://api.openai.com/v1", "k-openai")
    vertex = endpoint_for(ModelId("google-vertex", "gemini"), settings)
    assert (vertex.base_url, vertex.api_key) == (
        "https://gemini.example/v1beta/openai/",
        "k-google",
    )
    ollama = endpoint_for(ModelId("ollama", "llama3.1"), settings)
    assert ollama.base_url == "http://ollama.local:11434/v1" and ollama.api_key
    with pytest.raises(MissingKeyError, match="ANTHROPIC_API_KEY"):
        endpoint_for(ModelId("anthropic", "claude"), settings)
