"""The fallback chain (spec §13.2): the default model, then the fallback model, each retried on
transient errors; when every leg fails, one error carries every classified failure."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from forecastlab.agents.failures import FallbackExhaustedError, LegFailure, classify, is_transient
from forecastlab.agents.identifiers import ModelId, parse_model_id
from forecastlab.agents.llm import Completion, DeltaSink, complete
from forecastlab.agents.providers import client_for, configured_keys
from forecastlab.settings import Settings

log = logging.getLogger(__name__)


def model_chain(settings: Settings) -> list[ModelId]:
    """[agent_default_model, agent_fallback_model] without repeats; InvalidModelIdError (400)
    when either is unusable, before any provider is called."""
    names = [settings.agent_default_model, settings.agent_fallback_model]
    chain: list[ModelId] = []
    for name in names:
        if name is not None and name.strip():
            model = parse_model_id(name.strip())
            if model not in chain:
                chain.append(model)
    return chain


@dataclass(frozen=True)
class ChainReply:
    """The completion and the model of the chain that produced it."""

    model: ModelId
    completion: Completion


def complete_with_fallback(
    chain: list[ModelId],
    settings: Settings,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    *,
    tools_enabled: bool = True,
    on_delta: DeltaSink | None = None,
) -> ChainReply:
    """The first model of `chain` that answers; FallbackExhaustedError when none does."""
    failures: list[LegFailure] = []
    for model in chain:
        try:
            completion = _call_with_retries(
                model, settings, messages, tools, tools_enabled, on_delta
            )
        except Exception as exc:  # every leg's error is classified, whatever it is (§13.2)
            failure = classify(str(model), exc, configured_keys(settings))
            log.warning("agent model %s failed: %s (%s)", model, failure.reason, failure.detail)
            failures.append(failure)
            continue
        return ChainReply(model, completion)
    raise FallbackExhaustedError(failures)


def _call_with_retries(
    model: ModelId,
    settings: Settings,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    tools_enabled: bool,
    on_delta: DeltaSink | None,
) -> Completion:
    with client_for(model, settings) as client:
        attempt = 0
        while True:
            try:
                return complete(
                    client,
                    model.model,
                    messages,
                    tools,
                    settings,
                    tools_enabled=tools_enabled,
                    on_delta=on_delta,
                    extra_body=_extra_body(model, settings),
                )
            except Exception as exc:
                if attempt >= settings.agent_retry_attempts or not is_transient(exc):
                    raise
                attempt += 1
                time.sleep(settings.agent_retry_delay_seconds)


def _extra_body(model: ModelId, settings: Settings) -> dict[str, Any] | None:
    # Only Anthropic's endpoint understands a thinking budget; other providers would refuse it.
    if settings.agent_thinking_budget is None or model.provider != "anthropic":
        return None
    return {"thinking": {"type": "enabled", "budget_tokens": settings.agent_thinking_budget}}
