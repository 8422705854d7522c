"""Where each provider's OpenAI-compatible endpoint is and which key it takes (spec §13.2).

Every provider is reached through the `openai` SDK: OpenAI itself, Anthropic's and Google's
OpenAI-compatible endpoints, and Ollama's `/v1`. URLs and keys come from the (effective)
settings, so a gateway or a local stand-in is one setting away.
"""

from __future__ import annotations

from dataclasses import dataclass

from openai import OpenAI

from forecastlab.agents.identifiers import ModelId
from forecastlab.settings import Settings

# Ollama serves without authentication, but the SDK refuses an empty key.
_OLLAMA_KEY = "ollama"


class MissingKeyError(Exception):
    """The provider needs an API key and none is configured (an `auth_error` leg, D-37)."""


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible base URL and the key to present there."""

    base_url: str
    api_key: str


def endpoint_for(model: ModelId, settings: Settings) -> Endpoint:
    """The endpoint of the model's provider; MissingKeyError when its key is not set."""
    if model.provider == "ollama":
        base = settings.ollama_base_url.rstrip("/")
        return Endpoint(base if base.endswith("/v1") else f"{base}/v1", _OLLAMA_KEY)
    base_url, api_key, variable = {
        "anthropic": (settings.anthropic_base_url, settings.anthropic_api_key, "ANTHROPIC_API_KEY"),
        "openai": (settings.openai_base_url, settings.openai_api_key, "OPENAI_API_KEY"),
        # Vertex AI is reached through the same OpenAI-compatible Gemini endpoint and key.
        "google-gla": (settings.google_base_url, settings.google_api_key, "GOOGLE_API_KEY"),
        "google-vertex": (settings.google_base_url, settings.google_api_key, "GOOGLE_API_KEY"),
    }[model.provider]
    if not api_key:
        raise MissingKeyError(f"no API key is configured for {model.provider} (set {variable})")
    return Endpoint(base_url, api_key)


def client_for(model: ModelId, settings: Settings) -> OpenAI:
    """An SDK client for the model's provider; the fallback chain does the retrying."""
    endpoint = endpoint_for(model, settings)
    return OpenAI(
        api_key=endpoint.api_key,
        base_url=endpoint.base_url,
        timeout=settings.agent_timeout_seconds,
        max_retries=0,
    )


def configured_keys(settings: Settings) -> tuple[str, ...]:
    """Every API key set in `settings`: text that must never leave in an error detail."""
    keys = (settings.openai_api_key, settings.anthropic_api_key, settings.google_api_key)
    return tuple(key for key in keys if key)
