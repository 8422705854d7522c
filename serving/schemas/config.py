"""Bodies and responses of /config (spec §15.2-15.5): the AI configuration and the providers."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from forecastlab.aiconfig.update import AIConfigUpdate
from forecastlab.aiconfig.view import KeyProvider
from serving.schemas.base import ApiModel

_API_KEYS_EXAMPLE = [
    {"provider": "openai", "is_set": True, "masked": "sk-proj\u20263f9a"},
    {"provider": "anthropic", "is_set": False, "masked": None},
    {"provider": "google", "is_set": False, "masked": None},
]
_CONFIG_EXAMPLE = {
    "agent_default_model": "anthropic:claude-sonnet-4-5",
    "agent_fallback_model": "openai:gpt-4o",
    "agent_temperature": 0.1,
    "agent_max_tokens": 4096,
    "agent_thinking_budget": None,
    "agent_max_tool_calls": 10,
    "agent_timeout_seconds": 120.0,
    "agent_retry_attempts": 3,
    "agent_session_ttl_minutes": 120,
    "agent_require_approval": ["create_alias", "archive_run", "save_scenario"],
    "rag_embedding_provider": "offline",
    "rag_embedding_model": "all-MiniLM-L6-v2",
    "rag_embedding_dimension": 384,
    "ollama_base_url": "http://localhost:11434",
    "ollama_embedding_model": "nomic-embed-text",
    "api_keys": _API_KEYS_EXAMPLE,
    "overridden_keys": ["agent_temperature", "openai_api_key"],
}


class ApiKeyStatus(ApiModel):
    """Whether a provider's API key is set; the key itself appears only masked."""

    model_config = ConfigDict(json_schema_extra={"examples": [_API_KEYS_EXAMPLE[0]]})

    provider: KeyProvider
    is_set: bool
    masked: str | None = Field(
        description="null when unset; up to 11 characters: '…' + the last 4; longer: the "
        "first 7, '…', the last 4."
    )


class AIModelConfig(ApiModel):
    """The effective AI configuration: settings after the persisted overrides."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CONFIG_EXAMPLE]})

    agent_default_model: str = Field(description="provider:model")
    agent_fallback_model: str | None = Field(description="provider:model")
    agent_temperature: float
    agent_max_tokens: int
    agent_thinking_budget: int | None = Field(description="null = extended reasoning off.")
    agent_max_tool_calls: int = Field(description="Read-only here.")
    agent_timeout_seconds: float = Field(description="Read-only here.")
    agent_retry_attempts: int = Field(description="Read-only here.")
    agent_session_ttl_minutes: int = Field(description="Read-only here.")
    agent_require_approval: list[str] = Field(description="Read-only here.")
    rag_embedding_provider: Literal["offline", "openai", "ollama"]
    rag_embedding_model: str = Field(description="The OpenAI embedding model.")
    rag_embedding_dimension: int
    ollama_base_url: str
    ollama_embedding_model: str
    api_keys: list[ApiKeyStatus] = Field(description="openai, anthropic, google, in this order.")
    overridden_keys: list[str] = Field(description="Keys persisted by PATCH, sorted.")


class AIModelConfigUpdate(AIConfigUpdate):
    """Body of `PATCH /config/ai`: the keys to change (strict types; unknown keys ignored)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"agent_default_model": "openai:gpt-4o-mini", "agent_temperature": 0.2},
                {
                    "rag_embedding_provider": "ollama",
                    "ollama_base_url": "http://localhost:11434",
                    "ollama_embedding_model": "nomic-embed-text",
                    "rag_embedding_dimension": 768,
                    "force": True,
                },
                {"openai_api_key": ""},
            ]
        }
    )


class ProviderHealth(ApiModel):
    """Whether a provider can be used: Ollama probed live, the others by API-key presence."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "ollama",
                    "reachable": True,
                    "detail": "Reachable at http://localhost:11434 (2 model(s) pulled)",
                    "models": ["nomic-embed-text:latest", "llama3.2:3b"],
                }
            ]
        }
    )

    provider: Literal["ollama", "openai", "anthropic", "google"]
    reachable: bool
    detail: str
    models: list[str]


class OllamaModel(ApiModel):
    """A model pulled on the Ollama host."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "nomic-embed-text:latest", "size_bytes": 274302450, "family": "nomic-bert"}
            ]
        }
    )

    name: str
    size_bytes: int | None
    family: str | None
