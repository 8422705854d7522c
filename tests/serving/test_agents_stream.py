"""`WS /agents/stream` (spec §13.6, contract "WebSocket Events"): text deltas, tool-call and
approval events, and the error events, over one connection carrying several messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.testclient import WebSocketTestSession

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from tests.support.llm_standin import (
    FAKE_ANTHROPIC_KEY,
    FAKE_OPENAI_KEY,
    Chain,
    LLMStandIn,
    Reply,
    provider_settings,
    running_standin,
)

STREAM = "/agents/stream"


@pytest.fixture(scope="module")
def standin() -> Iterator[LLMStandIn]:
    with running_standin() as server:
        yield server


@pytest.fixture(scope="module")
def agents_db(fresh_database: Callable[[str], Endpoints]) -> Endpoints:
    return fresh_database("agents_ws")


@pytest.fixture
def chain() -> Chain:
    return Chain.fresh()


@pytest.fixture
def api(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> TestClient:
    return client_for(agents_db, **provider_settings(standin, chain))


def open_session(client: TestClient) -> str:
    return client.post("/agents/sessions", json={"agent_type": "experiment"}).json()["session_id"]


def exchange(socket: WebSocketTestSession, frame: Any) -> list[dict[str, Any]]:
    """Send one client frame; every server frame up to `complete` or `error`."""
    if isinstance(frame, str):
        socket.send_text(frame)
    else:
        socket.send_json(frame)
    events = []
    while True:
        event = socket.receive_json()
        assert set(event) == {"event_type", "data", "timestamp"}
        assert datetime.fromisoformat(event["timestamp"]).utcoffset() is not None
        events.append(event)
        if event["event_type"] in ("complete", "error"):
            return events


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["event_type"] for event in events]


def test_text_streams_as_deltas_then_complete_for_each_message(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.say("Demand is up this week."), Reply.say("Yes, 12%."))
    with api.websocket_connect(STREAM) as socket:
        first = exchange(socket, {"session_id": session_id, "message": "How is demand?"})
        second = exchange(socket, {"session_id": session_id, "message": "By how much?"})
    deltas = [event["data"]["delta"] for event in first if event["event_type"] == "text_delta"]
    assert len(deltas) > 1 and "".join(deltas) == "Demand is up this week."
    assert types(first)[-1] == "complete"
    assert first[-1]["data"] == {
        "message": "Demand is up this week.",
        "tokens_used": 18,
        "tool_calls_count": 0,
        "pending_approval": False,
    }
    assert second[-1]["data"]["message"] == "Yes, 12%."
    assert all(request.body["stream"] for request in standin.requests_for(chain.default))
    history = api.get(f"/agents/sessions/{session_id}").json()["messages"]
    assert [m["content"] for m in history] == [
        "How is demand?",
        "Demand is up this week.",
        "By how much?",
        "Yes, 12%.",
    ]


def test_tool_calls_stream_start_and_end_events(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(
        chain.default,
        Reply.call("list_runs", limit=2),
        Reply.say("Here are the newest runs."),
    )
    with api.websocket_connect(STREAM) as socket:
        events = exchange(socket, {"session_id": session_id, "message": "newest runs?"})
    kinds = types(events)
    start, end = events[kinds.index("tool_call_start")], events[kinds.index("tool_call_end")]
    assert kinds.index("tool_call_start") < kinds.index("tool_call_end") < kinds.index("complete")
    assert start["data"] == {
        "tool_name": "list_runs",
        "tool_call_id": start["data"]["tool_call_id"],
        "arguments": {"limit": 2},
    }
    assert end["data"]["tool_call_id"] == start["data"]["tool_call_id"]
    assert end["data"]["tool_name"] == "list_runs" and "total" in end["data"]["result"]
    assert end["data"]["duration_ms"] >= 0
    assert events[-1]["data"]["tool_calls_count"] == 1
    assert events[-1]["data"]["message"] == "Here are the newest runs."


def test_a_gated_tool_emits_approval_required_before_complete(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.call("archive_run", run_id="a" * 32))
    with api.websocket_connect(STREAM) as socket:
        events = exchange(socket, {"session_id": session_id, "message": "archive it"})
    assert types(events)[-3:] == ["tool_call_end", "approval_required", "complete"]
    action = events[-2]["data"]["action"]
    assert action["action_type"] == "archive_run" and action["arguments"] == {"run_id": "a" * 32}
    assert action["action_id"] in events[-2]["data"]["message"]
    assert events[-1]["data"]["pending_approval"] is True
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["status"] == "awaiting_approval"


def test_bad_frames_are_recoverable_errors(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.say("Still here."))
    with api.websocket_connect(STREAM) as socket:
        missing = exchange(socket, {"session_id": session_id})
        not_json = exchange(socket, "{not json")
        empty = exchange(socket, {"session_id": session_id, "message": ""})
        answered = exchange(socket, {"session_id": session_id, "message": "hello?"})
    for events in (missing, not_json, empty):
        [error] = events
        assert error["event_type"] == "error"
        assert error["data"]["error_type"] == "invalid_message"
        assert error["data"]["recoverable"] is True
    assert "message" in missing[0]["data"]["error"]
    assert answered[-1]["data"]["message"] == "Still here."


def test_unknown_and_expired_sessions_are_not_recoverable(
    api: TestClient, agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> None:
    expired = open_session(api)
    with engine_for(agents_db.app_sqlalchemy).begin() as conn:
        conn.execute(
            text(
                "update app.agent_session set expires_at = now() - interval '1 second' "
                "where session_id = :id"
            ),
            {"id": expired},
        )
    with api.websocket_connect(STREAM) as socket:
        [unknown] = exchange(socket, {"session_id": uuid.uuid4().hex, "message": "hi"})
        [gone] = exchange(socket, {"session_id": expired, "message": "hi"})
    assert unknown["data"]["error_type"] == "session_not_found"
    assert gone["data"]["error_type"] == "session_expired"
    assert unknown["data"]["recoverable"] is False and gone["data"]["recoverable"] is False
    assert standin.requests_for(chain.default) == []


def test_fallback_exhaustion_is_a_recoverable_error_with_failures(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.fail(403))
    standin.script(chain.fallback, Reply.fail(500), Reply.fail(502))
    with api.websocket_connect(STREAM) as socket:
        [error] = exchange(socket, {"session_id": session_id, "message": "hi"})
        standin.script(chain.default, Reply.say("Back again."))
        recovered = exchange(socket, {"session_id": session_id, "message": "retry"})
    data = error["data"]
    assert data["error_type"] == "fallback_exhausted" and data["recoverable"] is True
    assert data["error"].startswith("All configured agent models failed — ")
    assert [(f["status_code"], f["reason"]) for f in data["failures"]] == [
        (403, "auth_error"),
        (502, "provider_unavailable"),
    ]
    assert FAKE_ANTHROPIC_KEY not in str(error) and FAKE_OPENAI_KEY not in str(error)
    assert recovered[-1]["data"]["message"] == "Back again."
