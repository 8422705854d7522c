"""Agent sessions in `app.agent_session` (spec §1.6, §13.3): create, read, expire, close, and
record what a chat turn added.

A message holds its session's row lock while it is processed, so two messages to one session
never interleave; the history is append-only (a turn's messages are concatenated to the
stored JSONB array with its counters in one UPDATE). Expiry slides: every successful chat
pushes `expires_at` by the session TTL.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import Connection, Engine, RowMapping, text

from forecastlab.errors import NotFoundError
from forecastlab.settings import Settings

SessionStatus = Literal["active", "awaiting_approval", "expired", "closed"]
LIVE_STATUSES: Final = ("active", "awaiting_approval")

_COLUMNS = (
    "session_id, agent_type, status, message_history, pending_action, initial_context, "
    "total_tokens_used, tool_calls_count, last_activity, expires_at, created_at"
)
_INSERT = text(
    "insert into app.agent_session (session_id, agent_type, initial_context, last_activity, "
    "expires_at) values (:session_id, :agent_type, cast(:initial_context as jsonb), :now, "
    f":expires_at) returning {_COLUMNS}"
)
_SELECT = text(f"select {_COLUMNS} from app.agent_session where session_id = :session_id")
_LOCK = text(f"select {_COLUMNS} from app.agent_session where session_id = :session_id for update")
_EXPIRE = text(
    "update app.agent_session set status = 'expired', updated_at = :now "
    f"where session_id = :session_id returning {_COLUMNS}"
)
_CLOSE = text(
    "update app.agent_session set status = 'closed', pending_action = null, "
    "last_activity = :now, updated_at = :now where session_id = :session_id returning id"
)
_SAVE_TURN = text(
    "update app.agent_session set "
    "message_history = message_history || cast(:messages as jsonb), "
    "total_tokens_used = total_tokens_used + :tokens, "
    "tool_calls_count = tool_calls_count + :tool_calls, "
    "status = :status, pending_action = cast(:pending_action as jsonb), "
    "last_activity = :now, expires_at = :expires_at, updated_at = :now "
    "where session_id = :session_id"
)


class SessionNotFoundError(NotFoundError):
    """No agent session has this id (404 / a `session_not_found` event)."""


class SessionGoneError(Exception):
    """The session expired or was closed: it takes no more messages (410 / a non-recoverable
    `session_expired` or `session_closed` event)."""

    def __init__(self, session_id: str, status: str) -> None:
        super().__init__(
            f"agent session {session_id} is {status}; create a new one with POST /agents/sessions"
        )
        self.status = status


@dataclass(frozen=True)
class SessionRecord:
    """One session as stored."""

    session_id: str
    agent_type: str
    status: SessionStatus
    messages: list[dict[str, Any]]
    pending_action: dict[str, Any] | None
    initial_context: dict[str, Any] | None
    total_tokens_used: int
    tool_calls_count: int
    last_activity: datetime
    expires_at: datetime
    created_at: datetime


def utc_now() -> datetime:
    """Now, timezone-aware: every session timestamp."""
    return datetime.now(UTC)


def create_session(
    engine: Engine,
    settings: Settings,
    agent_type: str,
    initial_context: dict[str, Any] | None = None,
) -> SessionRecord:
    """A new active session that expires after the session TTL unless a chat extends it."""
    now = utc_now()
    with engine.begin() as conn:
        row = (
            conn.execute(
                _INSERT,
                {
                    "session_id": uuid.uuid4().hex,
                    "agent_type": agent_type,
                    "initial_context": None
                    if initial_context is None
                    else json.dumps(initial_context),
                    "now": now,
                    "expires_at": now + timedelta(minutes=settings.agent_session_ttl_minutes),
                },
            )
            .mappings()
            .one()
        )
    return _record(row)


def get_session(engine: Engine, session_id: str) -> SessionRecord:
    """The session, marked expired first when its time is up; SessionNotFoundError if none."""
    with engine.begin() as conn:
        row = conn.execute(_SELECT, {"session_id": session_id}).mappings().one_or_none()
        if row is None:
            raise SessionNotFoundError(f"agent session {session_id} not found")
        record = _record(row)
        if record.status in LIVE_STATUSES and record.expires_at <= utc_now():
            expired = {"session_id": session_id, "now": utc_now()}
            record = _record(conn.execute(_EXPIRE, expired).mappings().one())
    return record


def live_session(engine: Engine, conn: Connection, session_id: str) -> SessionRecord:
    """The session, locked until `conn`'s transaction ends, if it still takes messages;
    SessionGoneError (with the expiry recorded) when it expired or was closed."""
    # Expire in a transaction of its own: the caller's rolls back when it sees the error.
    status = get_session(engine, session_id).status
    if status not in LIVE_STATUSES:
        raise SessionGoneError(session_id, status)
    record = _record(conn.execute(_LOCK, {"session_id": session_id}).mappings().one())
    if record.status not in LIVE_STATUSES:  # closed while this request waited for the lock
        raise SessionGoneError(session_id, record.status)
    return record


def close_session(engine: Engine, session_id: str) -> None:
    """Close the session (it keeps its history); SessionNotFoundError if none."""
    with engine.begin() as conn:
        closed = conn.execute(_CLOSE, {"session_id": session_id, "now": utc_now()}).first()
    if closed is None:
        raise SessionNotFoundError(f"agent session {session_id} not found")


def save_turn(
    conn: Connection,
    settings: Settings,
    session_id: str,
    messages: list[dict[str, Any]],
    *,
    tokens: int = 0,
    tool_calls: int = 0,
    pending_action: dict[str, Any] | None = None,
) -> None:
    """Append a turn's messages and counters, set the pending action (or clear it) and slide
    the expiry."""
    now = utc_now()
    conn.execute(
        _SAVE_TURN,
        {
            "session_id": session_id,
            "messages": json.dumps(messages),
            "tokens": tokens,
            "tool_calls": tool_calls,
            "status": "active" if pending_action is None else "awaiting_approval",
            "pending_action": None if pending_action is None else json.dumps(pending_action),
            "now": now,
            "expires_at": now + timedelta(minutes=settings.agent_session_ttl_minutes),
        },
    )


def _record(row: RowMapping) -> SessionRecord:
    return SessionRecord(
        session_id=row["session_id"],
        agent_type=row["agent_type"],
        status=row["status"],
        messages=list(row["message_history"]),
        pending_action=row["pending_action"],
        initial_context=row["initial_context"],
        total_tokens_used=row["total_tokens_used"],
        tool_calls_count=row["tool_calls_count"],
        last_activity=row["last_activity"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
    )
