"""The effective AI configuration as `GET /config/ai` shows it (spec §15.2), keys masked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final, Literal

from forecastlab.settings import Settings

KeyProvider = Literal["openai", "anthropic", "google"]
KEY_PROVIDERS: Final[tuple[KeyProvider, ...]] = ("openai", "anthropic", "google")
ELLIPSIS = "\u2026"
SHORT_SECRET = 11


@dataclass(frozen=True)
class ApiKeyStatus:
    """Whether a provider's key is set, and its masked form."""

    provider: KeyProvider
    is_set: bool
    masked: str | None


@dataclass(frozen=True)
class AIConfig:
    """The effective AI configuration; secrets appear only masked."""

    agent_default_model: str
    agent_fallback_model: str | None
    agent_temperature: float
    agent_max_tokens: int
    agent_thinking_budget: int | None
    agent_max_tool_calls: int
    agent_timeout_seconds: float
    agent_retry_attempts: int
    agent_session_ttl_minutes: int
    agent_require_approval: list[str]
    rag_embedding_provider: str
    rag_embedding_model: str
    rag_embedding_dimension: int
    ollama_base_url: str
    ollama_embedding_model: str
    api_keys: list[ApiKeyStatus]
    overridden_keys: list[str]


def mask_secret(value: str) -> str | None:
    """None when unset; `…` + the last 4 characters up to 11 characters; else the first 7,
    `…`, the last 4 (spec §15.2)."""
    if not value:
        return None
    if len(value) <= SHORT_SECRET:
        return ELLIPSIS + value[-4:]
    return value[:7] + ELLIPSIS + value[-4:]


def api_key(settings: Settings, provider: KeyProvider) -> str:
    """The configured API key of a provider ("" when unset)."""
    return getattr(settings, f"{provider}_api_key")


def ai_config(settings: Settings, overridden_keys: Collection[str]) -> AIConfig:
    """The view of the effective `settings`; `overridden_keys` are the persisted ones."""
    return AIConfig(
        agent_default_model=settings.agent_default_model,
        agent_fallback_model=settings.agent_fallback_model,
        agent_temperature=settings.agent_temperature,
        agent_max_tokens=settings.agent_max_tokens,
        agent_thinking_budget=settings.agent_thinking_budget,
        agent_max_tool_calls=settings.agent_max_tool_calls,
        agent_timeout_seconds=settings.agent_timeout_seconds,
        agent_retry_attempts=settings.agent_retry_attempts,
        agent_session_ttl_minutes=settings.agent_session_ttl_minutes,
        agent_require_approval=list(settings.agent_require_approval),
        rag_embedding_provider=settings.rag_embedding_provider,
        rag_embedding_model=settings.rag_embedding_model,
        rag_embedding_dimension=settings.rag_embedding_dimension,
        ollama_base_url=settings.ollama_base_url,
        ollama_embedding_model=settings.ollama_embedding_model,
        api_keys=[
            ApiKeyStatus(
                provider,
                bool(api_key(settings, provider)),
                mask_secret(api_key(settings, provider)),
            )
            for provider in KEY_PROVIDERS
        ],
        overridden_keys=sorted(overridden_keys),
    )
