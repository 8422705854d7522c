"""The human-in-the-loop gate (spec §13.5, D-35): pending actions and their approval.

A gated tool call is not run: it becomes the session's pending action and the session waits.
An operator approves (the stored call runs with its stored arguments) or rejects it (nothing
runs); an approval after the action's deadline runs nothing either. Each decision is appended
to the history as the tool call's result, so the next message continues from it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine

from forecastlab.agents.agent_types import AGENT_TYPES
from forecastlab.agents.sessions import live_session, save_turn, utc_now
from forecastlab.agents.toolkit import ToolContext
from forecastlab.errors import BadRequestError
from forecastlab.settings import Settings

ApprovalStatus = Literal["executed", "rejected", "expired"]


class NoPendingActionError(BadRequestError):
    """The session has no action waiting for a decision (400)."""


class ActionMismatchError(BadRequestError):
    """The decision names another action than the pending one (400)."""


@dataclass(frozen=True)
class ApprovalOutcome:
    """What a decision did (`ApprovalResponse`)."""

    action_id: str
    approved: bool
    status: ApprovalStatus
    result: Any


def new_pending_action(
    tool_name: str, arguments: dict[str, Any], tool_call_id: str, settings: Settings
) -> dict[str, Any]:
    """The pending action of a gated call; it must be decided within the approval timeout."""
    now = utc_now()
    expires = now + timedelta(minutes=settings.agent_approval_timeout_minutes)
    described = ", ".join(f"{name}={value!r}" for name, value in arguments.items())
    return {
        "action_id": secrets.token_hex(8),
        "action_type": tool_name,
        "description": f"{tool_name}({described})",
        "arguments": arguments,
        "tool_call_id": tool_call_id,
        "created_at": now.isoformat(),
        "expires_at": expires.isoformat(),
    }


def approval_payload(action: dict[str, Any]) -> dict[str, Any]:
    """What the gated tool answers instead of running (spec §13.1)."""
    return {
        "status": "approval_required",
        "action": action["action_type"],
        "action_id": action["action_id"],
        **action["arguments"],
    }


def approval_request(session_id: str, action: dict[str, Any]) -> str:
    """The sentence that tells the user what waits and how to release it."""
    return (
        f"Action {action['description']} needs an operator's approval: approve or reject "
        f"action {action['action_id']} with POST /agents/sessions/{session_id}/approve."
    )


def is_overdue(action: dict[str, Any]) -> bool:
    """Whether the action's approval deadline has passed (D-35)."""
    return utc_now() > datetime.fromisoformat(action["expires_at"])


def decide(
    engine: Engine,
    settings: Settings,
    session_id: str,
    action_id: str,
    approved: bool,
    reason: str | None = None,
) -> ApprovalOutcome:
    """Approve or reject the pending action, run it if approved in time, and record the
    outcome in the history; the session is active again either way."""
    with engine.begin() as conn:
        record = live_session(engine, conn, session_id)
        action = record.pending_action
        if action is None:
            raise NoPendingActionError(f"agent session {session_id} has no pending action")
        if action["action_id"] != action_id:
            raise ActionMismatchError(
                f"action {action_id} is not the pending action of session {session_id} "
                f"(that is {action['action_id']})"
            )
        context = ToolContext(engine, settings, session_id)
        outcome = resolve(context, record.agent_type, action, approved=approved, reason=reason)
        save_turn(conn, settings, session_id, [decision_message(action, outcome, reason)])
    return outcome


def resolve(
    context: ToolContext,
    agent_type: str,
    action: dict[str, Any],
    *,
    approved: bool,
    reason: str | None = None,
) -> ApprovalOutcome:
    """Run the action if it is approved and not overdue; say what happened."""
    action_id = action["action_id"]
    if is_overdue(action):
        return ApprovalOutcome(action_id, approved, "expired", None)
    if not approved:
        return ApprovalOutcome(action_id, approved, "rejected", None)
    tool = AGENT_TYPES[agent_type].tool(action["action_type"])
    if tool is None:  # an agent type lost the tool since the action was stored
        error = {"error": f"unknown tool {action['action_type']}", "error_type": "unknown_tool"}
        return ApprovalOutcome(action_id, approved, "rejected", error)
    outcome = tool.execute(context, action["arguments"])
    return ApprovalOutcome(
        action_id, approved, "rejected" if outcome.failed else "executed", outcome.result
    )


def decision_message(
    action: dict[str, Any], outcome: ApprovalOutcome, reason: str | None
) -> dict[str, Any]:
    """The history entry that answers the gated tool call with the decision."""
    content: dict[str, Any] = {"status": outcome.status, "action_id": outcome.action_id}
    if outcome.status == "expired":
        content["detail"] = "the approval deadline passed; the action did not run"
    elif outcome.status == "rejected" and outcome.result is None:
        content["detail"] = "the operator rejected the action; it did not run"
        content["reason"] = reason
    else:
        content["result"] = outcome.result
    return tool_message(action["tool_call_id"], action["action_type"], content)


def tool_message(tool_call_id: str, tool_name: str, result: Any) -> dict[str, Any]:
    """A stored `tool` message: the result of one call, as JSON text."""
    return {
        "role": "tool",
        "tool_call_id": tool_call_id,
        "name": tool_name,
        "content": json.dumps(result),
        "timestamp": utc_now().isoformat(),
    }
