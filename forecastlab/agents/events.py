"""What an agent run reports while it works (spec §13.6): the stream's events, and the error
event each failure becomes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from forecastlab.agents.failures import FallbackExhaustedError
from forecastlab.agents.identifiers import InvalidModelIdError
from forecastlab.agents.sessions import SessionGoneError, SessionNotFoundError
from forecastlab.errors import DOMAIN_ERRORS

log = logging.getLogger(__name__)

EventType = Literal[
    "text_delta", "tool_call_start", "tool_call_end", "approval_required", "complete", "error"
]
INTERNAL_ERROR = "The agent failed unexpectedly; the server log has the details."


@dataclass(frozen=True)
class AgentEvent:
    """One event of a run: its type and its data (the transport adds the timestamp)."""

    event_type: EventType
    data: dict[str, Any]


EventSink = Callable[[AgentEvent], None]


def error_event(message: str, error_type: str, *, recoverable: bool, **extra: Any) -> AgentEvent:
    """An `error` event; after a non-recoverable one the client should close."""
    data = {"error": message, "error_type": error_type, "recoverable": recoverable, **extra}
    return AgentEvent("error", data)


def event_for_failure(error: Exception) -> AgentEvent:
    """The `error` event a failed message becomes (spec §13.6)."""
    if isinstance(error, SessionNotFoundError):
        return error_event(str(error), "session_not_found", recoverable=False)
    if isinstance(error, SessionGoneError):
        return error_event(str(error), f"session_{error.status}", recoverable=False)
    if isinstance(error, FallbackExhaustedError):
        failures = [failure.to_dict() for failure in error.failures]
        return error_event(str(error), "fallback_exhausted", recoverable=True, failures=failures)
    if isinstance(error, InvalidModelIdError):
        return error_event(str(error), "agent_unavailable", recoverable=True)
    if isinstance(error, DOMAIN_ERRORS):
        return error_event(str(error), "bad_request", recoverable=True)
    log.error("agent stream failed", exc_info=error)
    return error_event(INTERNAL_ERROR, "internal_error", recoverable=True)
