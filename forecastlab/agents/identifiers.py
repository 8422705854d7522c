"""Agent model identifiers `provider:model` (spec §0.4): the providers the agents can reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from forecastlab.errors import BadRequestError

PROVIDERS: Final = ("anthropic", "openai", "google-gla", "google-vertex", "ollama")


class InvalidModelIdError(BadRequestError):
    """A configured model identifier the agents cannot use (400 at chat time, spec §13.2)."""


@dataclass(frozen=True)
class ModelId:
    """One model of one provider; prints as the identifier it was parsed from."""

    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model_id(identifier: str) -> ModelId:
    """`provider:model` with a known provider and a non-empty model name (which may hold `:`)."""
    provider, colon, model = identifier.partition(":")
    if not colon or not model.strip():
        raise InvalidModelIdError(
            f"agent model {identifier!r} is not of the form provider:model-name"
        )
    if provider not in PROVIDERS:
        raise InvalidModelIdError(
            f"agent model {identifier!r} names an unsupported provider {provider!r}; "
            f"supported: {', '.join(PROVIDERS)}"
        )
    return ModelId(provider, model)
