"""Agents (spec §13): LLM sessions with tools over the platform's own functions.

Two agent types (`experiment`, `rag_assistant`) chat through any OpenAI-compatible endpoint
(`provider:model` ids, a fallback chain), call the same core functions the API calls, and
wait for an operator's approval before a mutating tool runs. Sessions live in
`app.agent_session`; the API's REST routes and WebSocket are thin shells over this package.
"""

from forecastlab.agents.agent_types import AGENT_TYPES, AgentTypeName
from forecastlab.agents.approvals import (
    ActionMismatchError,
    ApprovalOutcome,
    ApprovalStatus,
    NoPendingActionError,
    decide,
)
from forecastlab.agents.chat import ChatResult, ToolCallRecord, chat
from forecastlab.agents.events import AgentEvent, EventSink, error_event, event_for_failure
from forecastlab.agents.failures import FallbackExhaustedError, LegFailure
from forecastlab.agents.identifiers import InvalidModelIdError, ModelId, parse_model_id
from forecastlab.agents.sessions import (
    SessionGoneError,
    SessionNotFoundError,
    SessionRecord,
    SessionStatus,
    close_session,
    create_session,
    get_session,
)

__all__ = [
    "AGENT_TYPES",
    "ActionMismatchError",
    "AgentEvent",
    "AgentTypeName",
    "ApprovalOutcome",
    "ApprovalStatus",
    "ChatResult",
    "EventSink",
    "FallbackExhaustedError",
    "InvalidModelIdError",
    "LegFailure",
    "ModelId",
    "NoPendingActionError",
    "SessionGoneError",
    "SessionNotFoundError",
    "SessionRecord",
    "SessionStatus",
    "ToolCallRecord",
    "chat",
    "close_session",
    "create_session",
    "decide",
    "error_event",
    "event_for_failure",
    "get_session",
    "parse_model_id",
]
