"""/agents over HTTP (spec §13.3-13.5, D-35, D-37, D-38): sessions, chat with tools, the
approval gate and the fallback chain, against a scripted OpenAI-compatible stand-in.

Sessions live in a database of this module; registry tools act on the session's MLflow store
(each test makes runs and aliases of its own).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.registry import AliasNotFoundError, create_run, get_alias, get_run, transition
from tests.serving.conftest import assert_problem
from tests.support.llm_standin import (
    COMPLETION_TOKENS,
    FAKE_ANTHROPIC_KEY,
    FAKE_OPENAI_KEY,
    PROMPT_TOKENS,
    Chain,
    LLMStandIn,
    Reply,
    provider_settings,
    running_standin,
)

TOKENS_PER_CALL = PROMPT_TOKENS + COMPLETION_TOKENS


@pytest.fixture(scope="module")
def standin() -> Iterator[LLMStandIn]:
    with running_standin() as server:
        yield server


@pytest.fixture(scope="module")
def agents_db(fresh_database: Callable[[str], Endpoints]) -> Endpoints:
    return fresh_database("agents")


@pytest.fixture(scope="module")
def db(agents_db: Endpoints) -> Engine:
    return engine_for(agents_db.app_sqlalchemy)


@pytest.fixture
def chain() -> Chain:
    return Chain.fresh()


@pytest.fixture
def api(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> TestClient:
    """The API with both models of the chain on the stand-in."""
    return client_for(agents_db, **provider_settings(standin, chain))


def open_session(client: TestClient, agent_type: str = "experiment") -> str:
    response = client.post("/agents/sessions", json={"agent_type": agent_type})
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def successful_run() -> str:
    """A registry run of its own, moved to success (aliasable, archivable)."""
    run = create_run(
        "seasonal_naive",
        {"season_length": 7, "tag": uuid.uuid4().hex},
        date(2025, 1, 1),
        date(2025, 3, 31),
        store_id=1,
        product_id=2,
    )
    transition(run.run_id, "running")
    return transition(run.run_id, "success").run_id


def tool_results(request_messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(m["content"]) for m in request_messages if m["role"] == "tool"]


# --- sessions -------------------------------------------------------------------------------


def test_a_session_opens_without_any_provider_key(
    client_for: Callable[..., TestClient], agents_db: Endpoints
) -> None:
    keyless = client_for(agents_db, anthropic_api_key="", openai_api_key="", google_api_key="")
    response = keyless.post(
        "/agents/sessions", json={"agent_type": "rag_assistant", "initial_context": {"team": "x"}}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["agent_type"] == "rag_assistant" and body["status"] == "active"
    assert len(body["session_id"]) == 32
    assert (body["total_tokens_used"], body["tool_calls_count"]) == (0, 0)
    assert body["expires_at"] > body["created_at"] and body["created_at"].endswith("+00:00")
    detail = keyless.get(f"/agents/sessions/{body['session_id']}").json()
    assert detail["messages"] == [] and detail["pending_action"] is None
    assert detail["initial_context"] == {"team": "x"}


@pytest.mark.parametrize(
    "body",
    [{"agent_type": "planner"}, {"agent_type": "experiment", "model": "openai:gpt-4o"}, {}],
)
def test_session_creation_checks_the_agent_type_and_keys(api: TestClient, body: dict) -> None:
    assert_problem(api.post("/agents/sessions", json=body), 422, "VALIDATION_ERROR")


def test_unknown_sessions_are_404_everywhere(api: TestClient) -> None:
    missing = uuid.uuid4().hex
    assert_problem(api.get(f"/agents/sessions/{missing}"), 404, "NOT_FOUND")
    assert_problem(api.delete(f"/agents/sessions/{missing}"), 404, "NOT_FOUND")
    chat = api.post(f"/agents/sessions/{missing}/chat", json={"message": "hi"})
    assert_problem(chat, 404, "NOT_FOUND")
    decision = {"action_id": "0" * 16, "approved": True}
    assert_problem(api.post(f"/agents/sessions/{missing}/approve", json=decision), 404, "NOT_FOUND")


def test_a_closed_session_keeps_its_history_and_takes_no_message(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.say("Hello."))
    assert (
        api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"}).status_code == 200
    )
    assert api.delete(f"/agents/sessions/{session_id}").status_code == 204
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["status"] == "closed" and len(detail["messages"]) == 2
    gone = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "again"})
    assert_problem(gone, 410, "GONE")
    decision = {"action_id": "0" * 16, "approved": True}
    late = api.post(f"/agents/sessions/{session_id}/approve", json=decision)
    assert_problem(late, 410, "GONE")


def test_an_expired_session_is_gone(
    api: TestClient, db: Engine, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    with db.begin() as conn:
        conn.execute(
            text(
                "update app.agent_session set expires_at = now() - interval '1 minute' "
                "where session_id = :id"
            ),
            {"id": session_id},
        )
    body = assert_problem(
        api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"}), 410, "GONE"
    )
    assert "expired" in body["detail"]
    assert api.get(f"/agents/sessions/{session_id}").json()["status"] == "expired"
    assert standin.requests_for(chain.default) == []


@pytest.mark.parametrize(
    "body", [{"message": ""}, {"message": "x" * 10_001}, {"message": "hi", "stream": True}, {}]
)
def test_chat_bodies_are_validated(api: TestClient, body: dict) -> None:
    session_id = open_session(api)
    response = api.post(f"/agents/sessions/{session_id}/chat", json=body)
    assert_problem(response, 422, "VALIDATION_ERROR")


# --- chat -----------------------------------------------------------------------------------


def test_chat_answers_and_keeps_the_history(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.say("Three runs are registered."))
    response = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "How many runs?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "Three runs are registered."
    assert body["tool_calls"] == [] and body["pending_approval"] is False
    assert body["tokens_used"] == TOKENS_PER_CALL
    [request] = standin.requests_for(chain.default)
    assert request.provider == "anthropic"
    assert request.authorization == f"Bearer {FAKE_ANTHROPIC_KEY}"
    assert request.messages[0]["role"] == "system"
    assert request.messages[-1] == {"role": "user", "content": "How many runs?"}
    assert {tool["function"]["name"] for tool in request.body["tools"]} >= {
        "list_runs",
        "create_alias",
    }
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert [(m["role"], m["content"]) for m in detail["messages"]] == [
        ("user", "How many runs?"),
        ("assistant", "Three runs are registered."),
    ]
    assert detail["messages"][1]["model"] == f"anthropic:{chain.default}"
    assert detail["total_tokens_used"] == TOKENS_PER_CALL


def test_the_next_message_carries_the_history(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.say("First answer."), Reply.say("Second answer."))
    api.post(f"/agents/sessions/{session_id}/chat", json={"message": "one"})
    api.post(f"/agents/sessions/{session_id}/chat", json={"message": "two"})
    second = standin.requests_for(chain.default)[1]
    assert [(m["role"], m.get("content")) for m in second.messages[1:]] == [
        ("user", "one"),
        ("assistant", "First answer."),
        ("user", "two"),
    ]


def test_a_tool_call_runs_the_registry_function(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    run_id = successful_run()
    session_id = open_session(api)
    standin.script(
        chain.default,
        Reply.call("get_run", run_id=run_id),
        Reply.say(f"Run {run_id} succeeded."),
    )
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "status?"}).json()
    [call] = body["tool_calls"]
    assert call["tool_name"] == "get_run" and call["arguments"] == {"run_id": run_id}
    assert call["result"]["status"] == "success" and call["result"]["run_id"] == run_id
    assert call["duration_ms"] >= 0
    assert body["message"] == f"Run {run_id} succeeded."
    assert body["tokens_used"] == 2 * TOKENS_PER_CALL
    # The model saw the tool's result before answering.
    answer_request = standin.requests_for(chain.default)[1]
    assert tool_results(answer_request.messages)[0]["model_type"] == "seasonal_naive"
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "tool", "assistant"]
    assert detail["tool_calls_count"] == 1


def test_a_failing_tool_is_reported_to_the_model(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(
        chain.default,
        Reply.calls(("get_run", {"run_id": "f" * 32}), ("get_run", {"runid": "x"})),
        Reply.say("That run does not exist."),
    )
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "status?"}).json()
    missing, malformed = (call["result"] for call in body["tool_calls"])
    assert missing["error_type"] == "RunNotFoundError" and "not found" in missing["error"]
    assert malformed["error_type"] == "invalid_arguments"
    assert body["message"] == "That run does not exist."


def test_tool_calls_stop_at_the_limit(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> None:
    api = client_for(agents_db, **provider_settings(standin, chain, agent_max_tool_calls=2))
    session_id = open_session(api)
    listing = ("list_runs", {"limit": 1})
    standin.script(chain.default, Reply.calls(listing, listing, listing), Reply.say("Enough data."))
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "list"}).json()
    results = [call["result"] for call in body["tool_calls"]]
    assert "total" in results[0] and "total" in results[1]
    assert results[2]["error_type"] == "tool_call_limit"
    # With the budget spent the model is told to answer without tools.
    assert standin.requests_for(chain.default)[1].body["tool_choice"] == "none"
    assert body["message"] == "Enough data."


# --- the approval gate ----------------------------------------------------------------------


def ask_for_alias(
    api: TestClient, standin: LLMStandIn, chain: Chain, run_id: str, alias: str
) -> tuple[str, dict[str, Any]]:
    """A session whose agent asked to create `alias`; its id and the chat response body."""
    session_id = open_session(api)
    standin.script(
        chain.default,
        Reply.call("create_alias", text="I will point the alias.", alias_name=alias, run_id=run_id),
    )
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "alias it"}).json()
    return session_id, body


def test_a_gated_tool_waits_for_approval_and_runs_when_approved(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    run_id, alias = successful_run(), f"agent-{uuid.uuid4().hex[:8]}"
    session_id, body = ask_for_alias(api, standin, chain, run_id, alias)
    assert body["pending_approval"] is True
    action = body["pending_action"]
    assert action["action_type"] == "create_alias" and len(action["action_id"]) == 16
    assert action["arguments"] == {"alias_name": alias, "run_id": run_id, "description": None}
    assert action["expires_at"] > action["created_at"]
    assert body["tool_calls"][0]["result"]["status"] == "approval_required"
    assert action["action_id"] in body["message"]
    with pytest.raises(AliasNotFoundError):
        get_alias(alias)
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["status"] == "awaiting_approval"
    assert detail["pending_action"]["action_id"] == action["action_id"]

    # While it waits, a message does not reach the model.
    calls_before = len(standin.requests_for(chain.default))
    waiting = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "done?"}).json()
    assert waiting["pending_approval"] is True and action["action_id"] in waiting["message"]
    assert len(standin.requests_for(chain.default)) == calls_before

    decision = {"action_id": action["action_id"], "approved": True}
    approved = api.post(f"/agents/sessions/{session_id}/approve", json=decision)
    assert approved.status_code == 200, approved.text
    outcome = approved.json()
    assert outcome["status"] == "executed" and outcome["approved"] is True
    assert outcome["result"]["alias_name"] == alias and outcome["result"]["run_id"] == run_id
    assert get_alias(alias).run_id == run_id
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["status"] == "active" and detail["pending_action"] is None
    assert json.loads(detail["messages"][-1]["content"])["status"] == "executed"

    # The conversation continues from the decision.
    standin.script(chain.default, Reply.say("The alias is live."))
    follow_up = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "and now?"})
    assert follow_up.json()["message"] == "The alias is live."
    seen = standin.requests_for(chain.default)[-1].messages
    assert tool_results(seen)[-1]["result"]["alias_name"] == alias


def test_a_rejected_action_does_not_run(api: TestClient, standin: LLMStandIn, chain: Chain) -> None:
    run_id = successful_run()
    session_id = open_session(api)
    standin.script(chain.default, Reply.call("archive_run", run_id=run_id))
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "archive"}).json()
    decision = {
        "action_id": body["pending_action"]["action_id"],
        "approved": False,
        "reason": "still in use",
    }
    outcome = api.post(f"/agents/sessions/{session_id}/approve", json=decision).json()
    assert outcome == {
        "action_id": decision["action_id"],
        "approved": False,
        "result": None,
        "status": "rejected",
    }
    assert get_run(run_id).status == "success"
    last = json.loads(api.get(f"/agents/sessions/{session_id}").json()["messages"][-1]["content"])
    assert last["status"] == "rejected" and last["reason"] == "still in use"


def test_an_expired_approval_does_not_run(
    api: TestClient, db: Engine, standin: LLMStandIn, chain: Chain
) -> None:
    run_id = successful_run()
    session_id = open_session(api)
    standin.script(chain.default, Reply.call("archive_run", run_id=run_id))
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "archive"}).json()
    with db.begin() as conn:
        conn.execute(
            text(
                "update app.agent_session set pending_action = jsonb_set(pending_action, "
                "'{expires_at}', to_jsonb((now() - interval '1 minute')::text)) "
                "where session_id = :id"
            ),
            {"id": session_id},
        )
    decision = {"action_id": body["pending_action"]["action_id"], "approved": True}
    outcome = api.post(f"/agents/sessions/{session_id}/approve", json=decision).json()
    assert outcome["status"] == "expired" and outcome["result"] is None
    assert get_run(run_id).status == "success"
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["status"] == "active" and detail["pending_action"] is None


def test_approving_needs_the_pending_action(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    nothing = {"action_id": "0123456789abcdef", "approved": True}
    body = assert_problem(
        api.post(f"/agents/sessions/{session_id}/approve", json=nothing), 400, "BAD_REQUEST"
    )
    assert "no pending action" in body["detail"]
    run_id, alias = successful_run(), f"agent-{uuid.uuid4().hex[:8]}"
    session_id, _ = ask_for_alias(api, standin, chain, run_id, alias)
    wrong = api.post(f"/agents/sessions/{session_id}/approve", json=nothing)
    assert "not the pending action" in assert_problem(wrong, 400, "BAD_REQUEST")["detail"]
    assert api.get(f"/agents/sessions/{session_id}").json()["status"] == "awaiting_approval"
    with pytest.raises(AliasNotFoundError):
        get_alias(alias)


def test_approval_bodies_are_validated(api: TestClient) -> None:
    session_id = open_session(api)
    for body in (
        {"approved": True},
        {"action_id": "a", "approved": "yes"},
        {"action_id": "a", "approved": False, "reason": "r" * 501},
    ):
        response = api.post(f"/agents/sessions/{session_id}/approve", json=body)
        assert_problem(response, 422, "VALIDATION_ERROR")


# --- the fallback chain ---------------------------------------------------------------------


def test_the_fallback_model_answers_when_the_default_fails(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.fail(500), Reply.fail(503))
    standin.script(chain.fallback, Reply.say("Answered by the fallback."))
    body = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"}).json()
    assert body["message"] == "Answered by the fallback."
    # A transient error is retried once (agent_retry_attempts=1) before the chain moves on.
    assert len(standin.requests_for(chain.default)) == 2
    [request] = standin.requests_for(chain.fallback)
    assert request.provider == "openai" and request.authorization == f"Bearer {FAKE_OPENAI_KEY}"
    detail = api.get(f"/agents/sessions/{session_id}").json()
    assert detail["messages"][-1]["model"] == f"openai:{chain.fallback}"


def test_every_model_failing_is_a_502_with_classified_scrubbed_failures(
    api: TestClient, standin: LLMStandIn, chain: Chain
) -> None:
    session_id = open_session(api)
    standin.script(chain.default, Reply.fail(401))  # echoes the key, as providers do
    standin.script(
        chain.fallback,
        Reply.fail(
            404,
            f"The model {chain.fallback} does not exist. Authorization: Bearer "
            f"{FAKE_OPENAI_KEY} api_key={FAKE_OPENAI_KEY}" + " padding" * 60,
        ),
    )
    response = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"})
    body = assert_problem(response, 502, "AGENT_FALLBACK_EXHAUSTED")
    assert body["type"] == "/errors/agent-fallback-exhausted"
    assert body["title"] == "Agent Fallback Exhausted"
    assert body["detail"].startswith("All configured agent models failed — ")
    assert [(f["model_name"], f["status_code"], f["reason"]) for f in body["failures"]] == [
        (f"anthropic:{chain.default}", 401, "auth_error"),
        (f"openai:{chain.fallback}", 404, "model_not_found"),
    ]
    assert all(len(f["detail"]) <= 300 for f in body["failures"])
    assert "[redacted]" in body["failures"][0]["detail"]
    assert FAKE_ANTHROPIC_KEY not in response.text and FAKE_OPENAI_KEY not in response.text
    assert "SECRET" not in response.text
    # A non-transient error is not retried, and a failed message leaves no history.
    assert len(standin.requests_for(chain.default)) == 1
    assert api.get(f"/agents/sessions/{session_id}").json()["messages"] == []


def test_missing_keys_are_auth_error_legs(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> None:
    keyless = provider_settings(standin, chain, anthropic_api_key="", openai_api_key="")
    api = client_for(agents_db, **keyless)
    session_id = open_session(api)
    response = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"})
    body = assert_problem(response, 502, "AGENT_FALLBACK_EXHAUSTED")
    assert [(f["status_code"], f["reason"]) for f in body["failures"]] == [
        (None, "auth_error"),
        (None, "auth_error"),
    ]
    assert "ANTHROPIC_API_KEY" in body["failures"][0]["detail"]
    assert standin.requests_for(chain.default) == []


def test_a_hanging_model_times_out_into_the_fallback(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> None:
    settings = provider_settings(standin, chain, agent_timeout_seconds=0.5, agent_retry_attempts=0)
    api = client_for(agents_db, **settings)
    session_id = open_session(api)
    standin.script(chain.default, Reply.hang())
    standin.script(chain.fallback, Reply.fail(429))
    response = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"})
    body = assert_problem(response, 502, "AGENT_FALLBACK_EXHAUSTED")
    assert [(f["status_code"], f["reason"]) for f in body["failures"]] == [
        (None, "provider_error"),
        (429, "quota_exhausted"),
    ]


def test_an_unusable_configured_model_is_a_400(
    client_for: Callable[..., TestClient], agents_db: Endpoints, standin: LLMStandIn, chain: Chain
) -> None:
    settings = provider_settings(standin, chain, agent_default_model="mistral:large")
    api = client_for(agents_db, **settings)
    session_id = open_session(api)
    response = api.post(f"/agents/sessions/{session_id}/chat", json={"message": "hi"})
    assert "unsupported provider" in assert_problem(response, 400, "BAD_REQUEST")["detail"]
