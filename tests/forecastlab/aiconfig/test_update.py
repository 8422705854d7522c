"""What PATCH /config/ai accepts (spec §15.3) and how keys are masked (spec §15.2)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from forecastlab.aiconfig.update import ALLOWED_KEYS, AIConfigUpdate
from forecastlab.aiconfig.view import ai_config, mask_secret
from forecastlab.settings import Settings


def test_the_allow_list_is_the_13_keys_of_the_spec() -> None:
    assert len(ALLOWED_KEYS) == 13 and "force" not in ALLOWED_KEYS
    assert {"rag_embedding_dimension", "openai_api_key", "agent_thinking_budget"} <= set(
        ALLOWED_KEYS
    )


@pytest.mark.parametrize(
    "identifier",
    ["openai:gpt-4o", "anthropic:claude-sonnet-4-5", "google-gla:gemini-2.5", "ollama:llama3.2:3b"],
)
def test_model_identifiers_name_a_known_provider(identifier: str) -> None:
    assert AIConfigUpdate.model_validate({"agent_default_model": identifier}).changes() == {
        "agent_default_model": identifier
    }


@pytest.mark.parametrize("identifier", ["gpt-4o", "openai:", "openai: ", "mistral:large", ":x"])
def test_malformed_identifiers_are_refused(identifier: str) -> None:
    with pytest.raises(ValidationError, match="provider:model"):
        AIConfigUpdate.model_validate({"agent_fallback_model": identifier})


@pytest.mark.parametrize(
    "body",
    [
        {"agent_max_tokens": "5"},
        {"agent_temperature": "0.2"},
        {"agent_temperature": 2.5},
        {"agent_thinking_budget": 0},
        {"rag_embedding_dimension": True},
        {"rag_embedding_provider": "cohere"},
        {"ollama_base_url": "localhost:11434"},
        {"force": "yes"},
    ],
)
def test_types_are_strict_and_bounded(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AIConfigUpdate.model_validate(body)


def test_changes_drop_nulls_force_and_unknown_keys() -> None:
    update = AIConfigUpdate.model_validate(
        {
            "agent_temperature": 1,
            "openai_api_key": "",
            "google_api_key": None,
            "force": True,
            "x": 1,
        }
    )
    assert update.changes() == {"agent_temperature": 1.0, "openai_api_key": ""}
    assert AIConfigUpdate.model_validate({"force": True, "unknown": 3}).changes() == {}


@pytest.mark.parametrize(
    ("secret", "masked"),
    [
        ("", None),
        ("abc", "\u2026abc"),
        ("sk-12345678", "\u20265678"),  # 11 characters: only the last 4
        ("sk-123456789", "sk-1234\u20266789"),  # 12 characters: first 7 and last 4
        ("sk-proj-abcdefghijkl3f9a", "sk-proj\u20263f9a"),
    ],
)
def test_secrets_are_masked(secret: str, masked: str | None) -> None:
    assert mask_secret(secret) == masked


def test_the_view_masks_keys_in_a_fixed_order() -> None:
    settings = Settings(
        openai_api_key="sk-proj-abcdefghijkl3f9a", anthropic_api_key="", google_api_key="AIza-short"
    )
    view = ai_config(settings, {"openai_api_key", "agent_temperature"})
    assert [(k.provider, k.is_set, k.masked) for k in view.api_keys] == [
        ("openai", True, "sk-proj\u20263f9a"),
        ("anthropic", False, None),
        ("google", True, "\u2026hort"),
    ]
    assert view.overridden_keys == ["agent_temperature", "openai_api_key"]
    assert "abcdefghijkl" not in repr(view)
