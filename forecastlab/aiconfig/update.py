"""What `PATCH /config/ai` may change (spec §15.3): 13 allow-listed keys with strict types."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from forecastlab.wire import no_nul

MODEL_PROVIDERS: Final = ("anthropic", "openai", "google-gla", "google-vertex", "ollama")
SECRET_KEYS: Final = ("openai_api_key", "anthropic_api_key", "google_api_key")


def model_identifier(value: str) -> str:
    """Accept `provider:model` with a known provider and a non-empty model name."""
    provider, separator, name = value.partition(":")
    if not separator or provider not in MODEL_PROVIDERS or not name.strip():
        raise ValueError(
            "must be 'provider:model' with provider one of "
            f"{', '.join(MODEL_PROVIDERS)} and a non-empty model name"
        )
    return value


ModelIdentifier = Annotated[str, Field(max_length=200), AfterValidator(model_identifier)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_nul)]
HttpUrl = Annotated[
    str, Field(max_length=500, pattern=r"^https?://[^\s/]+(/\S*)?$"), AfterValidator(no_nul)
]
Secret = Annotated[str, Field(max_length=1000), AfterValidator(no_nul)]


class AIConfigUpdate(BaseModel):
    """A partial change of the AI configuration; null or absent fields are not changed.

    Strict JSON types; unknown keys are ignored (spec §15.3). `force` lets a new embedding
    dimension through while chunks are indexed; it is never persisted.
    """

    model_config = ConfigDict(strict=True, extra="ignore")

    agent_default_model: ModelIdentifier | None = None
    agent_fallback_model: ModelIdentifier | None = None
    agent_temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    agent_max_tokens: int | None = Field(default=None, ge=1)
    agent_thinking_budget: int | None = Field(default=None, ge=1)
    rag_embedding_provider: Literal["offline", "openai", "ollama"] | None = None
    rag_embedding_model: Name | None = None
    rag_embedding_dimension: int | None = Field(default=None, ge=1, le=16_000)
    ollama_base_url: HttpUrl | None = None
    ollama_embedding_model: Name | None = None
    openai_api_key: Secret | None = Field(default=None, description='"" clears the key.')
    anthropic_api_key: Secret | None = Field(default=None, description='"" clears the key.')
    google_api_key: Secret | None = Field(default=None, description='"" clears the key.')
    force: bool = Field(
        default=False, description="Change rag_embedding_dimension although chunks are indexed."
    )

    def changes(self) -> dict[str, Any]:
        """The provided, non-null values of the allow-listed keys."""
        return {
            key: value
            for key, value in self.model_dump(exclude={"force"}).items()
            if value is not None
        }


ALLOWED_KEYS: Final = tuple(key for key in AIConfigUpdate.model_fields if key != "force")
