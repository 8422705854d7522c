"""The /config slice: the effective AI configuration, its live changes, the providers' health
(spec §15.2-15.5).

The effective settings are the app's settings with the overrides persisted in
`app.app_config` applied, read on every request (`AiSettingsDep`), so a PATCH applies at once
to every worker and survives a restart.
"""

from __future__ import annotations

from fastapi import APIRouter

from forecastlab.aiconfig.health import providers_health
from forecastlab.aiconfig.ollama import OllamaUnreachableError, pulled_models
from forecastlab.aiconfig.service import current_config, update_config
from serving.deps import AiSettingsDep, EngineDep, SettingsDep
from serving.errors import ApiError
from serving.schemas.config import AIModelConfig, AIModelConfigUpdate, OllamaModel, ProviderHealth

router = APIRouter(prefix="/config", tags=["config"])


@router.get("/ai", response_model=AIModelConfig)
def get_ai_config(engine: EngineDep, settings: SettingsDep) -> AIModelConfig:
    """The effective AI configuration (agent LLM + RAG embeddings); API keys masked, never raw."""
    return AIModelConfig.model_validate(current_config(engine, settings))


@router.patch(
    "/ai",
    response_model=AIModelConfig,
    responses={
        400: {"description": "No configuration field to change"},
        409: {
            "description": "A new rag_embedding_dimension would orphan indexed RAG chunks "
            "(resend with force=true)"
        },
        422: {"description": "An invalid provider:model identifier, type or bound"},
    },
)
def patch_ai_config(
    body: AIModelConfigUpdate, engine: EngineDep, settings: SettingsDep
) -> AIModelConfig:
    """Persist AI configuration changes and apply them from the next request on (no restart)."""
    return AIModelConfig.model_validate(update_config(engine, settings, body))


@router.get("/providers/health", response_model=list[ProviderHealth])
def get_providers_health(settings: AiSettingsDep) -> list[ProviderHealth]:
    """Per-provider connectivity: Ollama probed live, cloud providers by API-key presence."""
    return [ProviderHealth.model_validate(entry) for entry in providers_health(settings)]


@router.get(
    "/ollama/models",
    response_model=list[OllamaModel],
    responses={502: {"description": "The Ollama host is unreachable or answered an error"}},
)
def get_ollama_models(settings: AiSettingsDep) -> list[OllamaModel]:
    """The models pulled on the configured Ollama host."""
    try:
        models = pulled_models(settings.ollama_base_url)
    except OllamaUnreachableError as exc:
        raise ApiError(
            502,
            f"Ollama is not reachable at {exc.url} ({exc.reason}). Start the Ollama server "
            "(`ollama serve`) or set ollama_base_url through PATCH /config/ai.",
            code=exc.code,
        ) from None
    return [OllamaModel.model_validate(model) for model in models]
