"""Bodies, responses and stream frames of /agents (spec §13.4-13.6, D-37, D-38)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from forecastlab.agents import AgentTypeName, ApprovalStatus, SessionStatus
from forecastlab.agents.events import EventType
from forecastlab.wire import no_nul
from serving.schemas.base import ApiModel, StrictRequest

MAX_MESSAGE: Final = 10_000
MAX_CONTEXT_CHARS: Final = 10_000

_SESSION_ID: Final = "9d2c4e6f8a0b4c1d9e3f5a7b9c1d3e5f"
_RUN_ID: Final = "3f9c2a7be04d4f0c9a1d5e6b7c8d9e0f"
_ACTION_ID: Final = "a1b2c3d4e5f60718"
_CALL_ID: Final = "call_5Yk2mQ9x"
_SESSION_EXAMPLE: Final = {
    "session_id": _SESSION_ID,
    "agent_type": "experiment",
    "status": "active",
    "total_tokens_used": 1834,
    "tool_calls_count": 2,
    "last_activity": "2025-07-01T09:12:40.118204+00:00",
    "expires_at": "2025-07-01T11:12:40.118204+00:00",
    "created_at": "2025-07-01T09:10:02.551873+00:00",
}
_PENDING_EXAMPLE: Final = {
    "action_id": _ACTION_ID,
    "action_type": "create_alias",
    "description": f"create_alias(alias_name='staging', run_id='{_RUN_ID}', description=None)",
    "arguments": {"alias_name": "staging", "run_id": _RUN_ID, "description": None},
    "tool_call_id": _CALL_ID,
    "created_at": "2025-07-01T09:12:40.118204+00:00",
    "expires_at": "2025-07-01T10:12:40.118204+00:00",
}
_TOOL_CALL_EXAMPLE: Final = {
    "tool_name": "get_run",
    "tool_call_id": "call_Q1w2E3r4",
    "arguments": {"run_id": _RUN_ID},
    "result": {"run_id": _RUN_ID, "status": "success", "model_type": "seasonal_naive"},
    "duration_ms": 42.7,
}


def _small_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    # The context is stored as JSONB (which cannot hold NUL) and goes into every prompt.
    if value is not None:
        text = json.dumps(value)
        if "\\u0000" in text:
            raise ValueError("initial_context must not contain NUL (\\x00) characters")
        if len(text) > MAX_CONTEXT_CHARS:
            raise ValueError(f"initial_context must be at most {MAX_CONTEXT_CHARS} JSON characters")
    return value


class SessionCreateRequest(StrictRequest):
    """Body of `POST /agents/sessions`: only the agent type is checked; no key is needed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"agent_type": "experiment"},
                {"agent_type": "rag_assistant", "initial_context": {"team": "merchandising"}},
            ]
        }
    )

    agent_type: AgentTypeName
    initial_context: Annotated[dict[str, Any] | None, AfterValidator(_small_json)] = Field(
        default=None, description="Free-form context the agent reads with its instructions."
    )


class SessionResponse(ApiModel):
    """A session's state and counters."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SESSION_EXAMPLE]})

    session_id: str
    agent_type: AgentTypeName
    status: SessionStatus
    total_tokens_used: int
    tool_calls_count: int
    last_activity: datetime
    expires_at: datetime
    created_at: datetime


class PendingAction(ApiModel):
    """A gated tool call waiting for an operator's decision (spec §13.5)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PENDING_EXAMPLE]})

    action_id: str = Field(description="16 hex; the approve request must name it.")
    action_type: str = Field(description="The gated tool.")
    description: str
    arguments: dict[str, Any]
    tool_call_id: str
    created_at: datetime
    expires_at: datetime = Field(description="After this an approval runs nothing (D-35).")


class SessionDetailResponse(SessionResponse):
    """A session with its history (oldest first) and pending action (D-38)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SESSION_EXAMPLE,
                    "status": "awaiting_approval",
                    "initial_context": None,
                    "messages": [
                        {
                            "role": "user",
                            "content": "Point staging at the best run.",
                            "timestamp": "2025-07-01T09:12:31.004417+00:00",
                        },
                        {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [
                                {
                                    "id": _CALL_ID,
                                    "type": "function",
                                    "function": {
                                        "name": "create_alias",
                                        "arguments": json.dumps(_PENDING_EXAMPLE["arguments"]),
                                    },
                                }
                            ],
                            "model": "anthropic:claude-sonnet-4-5",
                            "timestamp": "2025-07-01T09:12:40.118204+00:00",
                        },
                    ],
                    "pending_action": _PENDING_EXAMPLE,
                }
            ]
        }
    )

    initial_context: dict[str, Any] | None
    messages: list[dict[str, Any]] = Field(
        description="user / assistant (with tool_calls) / tool messages, each with a timestamp."
    )
    pending_action: PendingAction | None


class ChatRequest(StrictRequest):
    """Body of `POST /agents/sessions/{id}/chat`; streaming is `WS /agents/stream`."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"message": "Which run has the lowest WAPE for store 1?"}]}
    )

    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE), AfterValidator(no_nul)]
    stream: Literal[False] = Field(
        default=False, description="Always false here: WS /agents/stream streams."
    )


class ToolCallResponse(ApiModel):
    """One tool call the agent made while answering."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TOOL_CALL_EXAMPLE]})

    tool_name: str
    tool_call_id: str
    arguments: dict[str, Any]
    result: Any = Field(description="The tool's result, or {error, error_type} when it failed.")
    duration_ms: float


class ChatResponse(ApiModel):
    """The agent's answer to one message."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": _SESSION_ID,
                    "message": f"Run {_RUN_ID} (seasonal_naive) is the best: WAPE 0.18.",
                    "tool_calls": [_TOOL_CALL_EXAMPLE],
                    "pending_approval": False,
                    "pending_action": None,
                    "tokens_used": 912,
                }
            ]
        }
    )

    session_id: str
    message: str
    tool_calls: list[ToolCallResponse]
    pending_approval: bool
    pending_action: PendingAction | None
    tokens_used: int


class ApprovalRequest(StrictRequest):
    """Body of `POST /agents/sessions/{id}/approve`: the decision on the pending action."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"action_id": _ACTION_ID, "approved": True},
                {"action_id": _ACTION_ID, "approved": False, "reason": "Not before the review."},
            ]
        }
    )

    action_id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_nul)]
    approved: bool
    reason: Annotated[str, Field(max_length=500), AfterValidator(no_nul)] | None = None


class ApprovalResponse(ApiModel):
    """What the decision did: executed (with the tool's result), rejected, or expired."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action_id": _ACTION_ID,
                    "approved": True,
                    "result": {"alias_name": "staging", "run_id": _RUN_ID, "version": 3},
                    "status": "executed",
                }
            ]
        }
    )

    action_id: str
    approved: bool
    result: Any
    status: ApprovalStatus


class StreamRequest(BaseModel):
    """A client frame of `WS /agents/stream`."""

    session_id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_nul)]
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE), AfterValidator(no_nul)]


class StreamEvent(ApiModel):
    """A server frame of `WS /agents/stream`."""

    event_type: EventType
    data: dict[str, Any]
    timestamp: datetime
