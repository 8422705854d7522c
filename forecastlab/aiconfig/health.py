"""Per-provider connectivity (spec §15.4): Ollama probed live, cloud providers by key presence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from forecastlab.aiconfig.ollama import OllamaUnreachableError, host_url, pulled_models
from forecastlab.aiconfig.view import KEY_PROVIDERS, api_key
from forecastlab.settings import Settings


@dataclass(frozen=True)
class ProviderHealth:
    """Whether a provider can be used, and why."""

    provider: Literal["ollama", "openai", "anthropic", "google"]
    reachable: bool
    detail: str
    models: list[str] = field(default_factory=list)


def providers_health(settings: Settings) -> list[ProviderHealth]:
    """Exactly four entries: ollama, openai, anthropic, google. Never raises for a provider
    that is down."""
    return [_ollama(settings.ollama_base_url)] + [
        ProviderHealth(provider, True, "API key configured")
        if api_key(settings, provider)
        else ProviderHealth(provider, False, "API key not set")
        for provider in KEY_PROVIDERS
    ]


def _ollama(base_url: str) -> ProviderHealth:
    try:
        models = [model.name for model in pulled_models(base_url)]
    except OllamaUnreachableError as exc:
        return ProviderHealth("ollama", False, f"Not reachable at {exc.url}: {exc.reason}")
    return ProviderHealth(
        "ollama",
        True,
        f"Reachable at {host_url(base_url)} ({len(models)} model(s) pulled)",
        models,
    )
