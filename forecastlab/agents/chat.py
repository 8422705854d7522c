"""One user message through an agent (spec §13.2-13.5): the model loop with tool calls, the
approval gate and the session's history, reporting events as it goes.

The session row stays locked while the message is processed, so two messages to one session
never interleave their histories; a failed message (every model failing) stores nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from forecastlab.agents.agent_types import AGENT_TYPES, AgentType
from forecastlab.agents.approvals import (
    approval_payload,
    approval_request,
    decision_message,
    is_overdue,
    new_pending_action,
    resolve,
    tool_message,
)
from forecastlab.agents.events import AgentEvent, EventSink
from forecastlab.agents.fallback import complete_with_fallback, model_chain
from forecastlab.agents.llm import Completion, ToolCall
from forecastlab.agents.sessions import SessionRecord, live_session, save_turn, utc_now
from forecastlab.agents.toolkit import ToolContext, ToolOutcome, tool_error
from forecastlab.settings import Settings

# Keys of a stored message the chat API accepts; the rest (timestamp, model) is ours.
_API_KEYS = ("role", "content", "tool_calls", "tool_call_id")


@dataclass(frozen=True)
class ToolCallRecord:
    """One tool call of a message, as the response lists it."""

    tool_name: str
    tool_call_id: str
    arguments: dict[str, Any]
    result: Any
    duration_ms: float


@dataclass(frozen=True)
class ChatResult:
    """What a message produced (`ChatResponse`)."""

    session_id: str
    message: str
    tool_calls: list[ToolCallRecord]
    pending_approval: bool
    pending_action: dict[str, Any] | None
    tokens_used: int


def chat(
    engine: Engine,
    settings: Settings,
    session_id: str,
    message: str,
    *,
    sink: EventSink | None = None,
    stream: bool = False,
) -> ChatResult:
    """Answer `message` in the session; with `stream` the text reaches `sink` as it arrives.

    Raises SessionNotFoundError, SessionGoneError, InvalidModelIdError (a configured model the
    agents cannot use) and FallbackExhaustedError (every model failed).
    """
    emit = sink or _ignore
    with engine.begin() as conn:
        session = live_session(engine, conn, session_id)
        turn = _Turn(engine, settings, session, emit, stream)
        result = turn.run(message)
        if turn.messages:
            save_turn(
                conn,
                settings,
                session_id,
                turn.messages,
                tokens=result.tokens_used,
                tool_calls=len(turn.records),
                pending_action=result.pending_action,
            )
    _report(emit, result)
    return result


def _report(emit: EventSink, result: ChatResult) -> None:
    """The closing events, once the turn is stored: the pending action if any, then complete."""
    if result.pending_action is not None:
        request = approval_request(result.session_id, result.pending_action)
        emit(AgentEvent("approval_required", {"action": result.pending_action, "message": request}))
    summary = {
        "message": result.message,
        "tokens_used": result.tokens_used,
        "tool_calls_count": len(result.tool_calls),
        "pending_approval": result.pending_approval,
    }
    emit(AgentEvent("complete", summary))


def _ignore(_: AgentEvent) -> None:
    return None


@dataclass
class _Turn:
    """The state of one message while the model and the tools take turns."""

    engine: Engine
    settings: Settings
    session: SessionRecord
    emit: EventSink
    stream: bool
    messages: list[dict[str, Any]] = field(default_factory=list)  # what the history gains
    records: list[ToolCallRecord] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    tokens: int = 0

    @property
    def agent(self) -> AgentType:
        return AGENT_TYPES[self.session.agent_type]

    @property
    def context(self) -> ToolContext:
        return ToolContext(self.engine, self.settings, self.session.session_id)

    def run(self, message: str) -> ChatResult:
        waiting = self.session.pending_action
        if waiting is not None and not is_overdue(waiting):
            return self._result(approval_request(self.session.session_id, waiting), waiting)
        if waiting is not None:  # the deadline passed: the action lapses and the chat goes on
            lapsed = resolve(self.context, self.session.agent_type, waiting, approved=False)
            self.messages.append(decision_message(waiting, lapsed, None))
        chain = model_chain(self.settings)  # an unusable configured model is a 400 up front
        conversation = [
            self._system_message(),
            *(_api_message(stored) for stored in self.session.messages),
            *(_api_message(stored) for stored in self.messages),
        ]
        self._add(conversation, {"role": "user", "content": message})
        declarations = [tool.declaration() for tool in self.agent.tools]
        tools_enabled = True
        while True:
            reply = complete_with_fallback(
                chain,
                self.settings,
                conversation,
                declarations,
                tools_enabled=tools_enabled,
                on_delta=self._delta if self.stream else None,
            )
            self.tokens += reply.completion.tokens
            # With tools disabled the model must answer; calls it sends anyway are dropped.
            calls = reply.completion.tool_calls if tools_enabled else []
            self._add(conversation, _assistant_message(reply.completion, calls), str(reply.model))
            if not calls:
                return self._result(reply.completion.content, None)
            for call in calls:
                self._call(conversation, call)
            if self.pending is not None:
                text = reply.completion.content
                request = approval_request(self.session.session_id, self.pending)
                return self._result(f"{text}\n\n{request}" if text else request, self.pending)
            tools_enabled = len(self.records) < self.settings.agent_max_tool_calls

    def _call(self, conversation: list[dict[str, Any]], call: ToolCall) -> None:
        arguments = _arguments_object(call.arguments)
        named = {"tool_name": call.name, "tool_call_id": call.id}
        self.emit(AgentEvent("tool_call_start", {**named, "arguments": arguments}))
        started = time.perf_counter()
        outcome = self._outcome(call)
        duration_ms = (time.perf_counter() - started) * 1000.0
        self.records.append(
            ToolCallRecord(call.name, call.id, arguments, outcome.result, duration_ms)
        )
        end = {**named, "result": outcome.result, "duration_ms": duration_ms}
        self.emit(AgentEvent("tool_call_end", end))
        if not (self.pending is not None and self.pending["tool_call_id"] == call.id):
            self._add(conversation, tool_message(call.id, call.name, outcome.result))

    def _outcome(self, call: ToolCall) -> ToolOutcome:
        tool = self.agent.tool(call.name)
        if tool is None:
            return tool_error(f"there is no tool named {call.name!r}", "unknown_tool")
        if len(self.records) >= self.settings.agent_max_tool_calls:
            return tool_error(
                f"the limit of {self.settings.agent_max_tool_calls} tool calls per message is "
                "reached; answer with what you have",
                "tool_call_limit",
            )
        if call.name not in self.settings.agent_require_approval:
            return tool.execute(self.context, call.arguments)
        if self.pending is not None:
            return tool_error(
                f"action {self.pending['action_id']} already awaits approval; propose this one "
                "again after it is decided",
                "approval_pending",
            )
        try:
            parsed = tool.parse(call.arguments)
        except ValueError as exc:
            return tool_error(str(exc), "invalid_arguments")
        self.pending = new_pending_action(
            call.name, parsed.model_dump(mode="json"), call.id, self.settings
        )
        return ToolOutcome(approval_payload(self.pending))

    def _delta(self, text: str) -> None:
        self.emit(AgentEvent("text_delta", {"delta": text}))

    def _add(
        self, conversation: list[dict[str, Any]], message: dict[str, Any], model: str | None = None
    ) -> None:
        conversation.append(_api_message(message))
        stored = {**message, "timestamp": utc_now().isoformat()}
        if model is not None:
            stored["model"] = model
        self.messages.append(stored)

    def _system_message(self) -> dict[str, Any]:
        text = self.agent.instructions
        if self.session.initial_context:
            context = json.dumps(self.session.initial_context)
            text = f"{text}\n\nContext given when the session was opened: {context}"
        return {"role": "system", "content": text}

    def _result(self, message: str, pending: dict[str, Any] | None) -> ChatResult:
        return ChatResult(
            session_id=self.session.session_id,
            message=message,
            tool_calls=self.records,
            pending_approval=pending is not None,
            pending_action=pending,
            tokens_used=self.tokens,
        )


def _assistant_message(completion: Completion, calls: list[ToolCall]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": completion.content or None}
    if calls:
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in calls
        ]
    return message


def _api_message(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: stored[key] for key in _API_KEYS if key in stored}


def _arguments_object(arguments: str) -> dict[str, Any]:
    """The call's arguments as an object for events and responses (raw text if not one)."""
    try:
        parsed = json.loads(arguments)
    except json.JSONDecodeError:
        return {"raw": arguments}
    return parsed if isinstance(parsed, dict) else {"raw": arguments}
