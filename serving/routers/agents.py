"""The /agents slice (spec §13): sessions, chat, the approval gate, and `WS /agents/stream`.

Every message runs with the effective AI settings (`PATCH /config/ai` applies to the next one).
Chat and approvals are sync (the agent loop is sync SQLAlchemy and HTTP); the WebSocket runs
each message in a worker thread and forwards its events to the socket as they happen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Response, WebSocket
from pydantic import AfterValidator, ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from forecastlab.agents import (
    AgentEvent,
    FallbackExhaustedError,
    SessionGoneError,
    chat,
    close_session,
    create_session,
    decide,
    error_event,
    event_for_failure,
    get_session,
)
from forecastlab.aiconfig import effective_settings
from forecastlab.settings import Settings
from forecastlab.wire import no_nul
from serving.deps import AiSettingsDep, EngineDep, SettingsDep, get_engine
from serving.errors import ApiError
from serving.schemas.agents import (
    ApprovalRequest,
    ApprovalResponse,
    ChatRequest,
    ChatResponse,
    SessionCreateRequest,
    SessionDetailResponse,
    SessionResponse,
    StreamEvent,
    StreamRequest,
)

router = APIRouter(prefix="/agents", tags=["agents"])

SessionId = Annotated[str, Path(max_length=64), AfterValidator(no_nul)]
FALLBACK_EXHAUSTED = "AGENT_FALLBACK_EXHAUSTED"
_NOT_FOUND = {404: {"description": "No session with this id."}}
_GONE = {410: {"description": "The session expired (TTL) or was closed."}}


@contextmanager
def _agent_problems() -> Iterator[None]:
    """The agent errors that are no domain kind: 410 and the 502 with its failures."""
    try:
        yield
    except SessionGoneError as exc:
        raise ApiError(410, str(exc)) from exc
    except FallbackExhaustedError as exc:
        failures = [failure.to_dict() for failure in exc.failures]
        raise ApiError(
            502, str(exc), code=FALLBACK_EXHAUSTED, extensions={"failures": failures}
        ) from exc


@router.post(
    "/sessions",
    response_model=SessionResponse,
    status_code=201,
    responses={422: {"description": "Unknown agent_type or an unknown key."}},
)
def create_agent_session(
    body: SessionCreateRequest, engine: EngineDep, settings: SettingsDep
) -> SessionResponse:
    """Open a session of an agent type; needs no provider key (the model is reached on chat)."""
    record = create_session(engine, settings, body.agent_type, body.initial_context)
    return SessionResponse.model_validate(record)


@router.get("/sessions/{session_id}", response_model=SessionDetailResponse, responses=_NOT_FOUND)
def get_agent_session(session_id: SessionId, engine: EngineDep) -> SessionDetailResponse:
    """A session's status, counters, message history (oldest first) and pending action."""
    return SessionDetailResponse.model_validate(get_session(engine, session_id))


@router.post(
    "/sessions/{session_id}/chat",
    response_model=ChatResponse,
    responses={
        400: {"description": "A configured agent model is not a usable provider:model id."},
        **_NOT_FOUND,
        **_GONE,
        502: {
            "description": "Every model of the fallback chain failed (code "
            "AGENT_FALLBACK_EXHAUSTED); `failures` lists each model with its HTTP status, a "
            "reason (model_not_found, quota_exhausted, auth_error, provider_unavailable, "
            "provider_error, response_rejected, unknown) and a secret-scrubbed detail."
        },
    },
)
def chat_with_agent(
    session_id: SessionId, body: ChatRequest, engine: EngineDep, settings: AiSettingsDep
) -> ChatResponse:
    """Send a message; the answer comes back whole, with the tool calls made for it.

    While an action awaits approval the model is not run: the answer asks for the decision.
    """
    with _agent_problems():
        result = chat(engine, settings, session_id, body.message)
    return ChatResponse.model_validate(result)


@router.post(
    "/sessions/{session_id}/approve",
    response_model=ApprovalResponse,
    responses={
        400: {"description": "Nothing is pending, or action_id is not the pending action."},
        **_NOT_FOUND,
        **_GONE,
    },
)
def approve_agent_action(
    session_id: SessionId, body: ApprovalRequest, engine: EngineDep, settings: AiSettingsDep
) -> ApprovalResponse:
    """Approve (run) or reject the pending action; past its deadline it runs nothing (expired)."""
    with _agent_problems():
        outcome = decide(engine, settings, session_id, body.action_id, body.approved, body.reason)
    return ApprovalResponse.model_validate(outcome)


@router.delete("/sessions/{session_id}", status_code=204, responses=_NOT_FOUND)
def close_agent_session(session_id: SessionId, engine: EngineDep) -> Response:
    """Close a session; its history stays readable."""
    close_session(engine, session_id)
    return Response(status_code=204)


@router.websocket("/stream")
async def agent_stream(websocket: WebSocket) -> None:
    """Token-by-token answers and tool-call events for `{session_id, message}` frames."""
    await websocket.accept()
    engine: Engine = get_engine(websocket)
    settings: Settings = websocket.app.state.settings
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        try:
            request = StreamRequest.model_validate_json(frame.get("text") or frame.get("bytes"))
        except ValidationError as exc:
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            await _send(websocket, error_event(detail, "invalid_message", recoverable=True))
            continue
        try:
            await run_in_threadpool(_answer, websocket, engine, settings, request)
        except WebSocketDisconnect:
            return


def _answer(
    websocket: WebSocket, engine: Engine, settings: Settings, request: StreamRequest
) -> None:
    """Run one message in this worker thread, sending its events from the event loop."""

    def send(event: AgentEvent) -> None:
        anyio.from_thread.run(_send, websocket, event)

    try:
        effective = effective_settings(engine, settings)
        chat(
            engine,
            effective,
            request.session_id,
            request.message,
            sink=send,
            stream=effective.agent_enable_streaming,
        )
    except WebSocketDisconnect:
        raise
    except Exception as exc:  # every failure of a message becomes its one error event
        send(event_for_failure(exc))


async def _send(websocket: WebSocket, event: AgentEvent) -> None:
    frame = StreamEvent(event_type=event.event_type, data=event.data, timestamp=datetime.now(UTC))
    await websocket.send_json(frame.model_dump(mode="json"))
