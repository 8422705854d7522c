"""The agent loop over a real session store and the stand-in: events, the approval gate with
the scenario slice, lapsed actions, and the limits on gated calls."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from forecastlab.agents import AgentEvent, chat, create_session, decide, get_session
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import TrainRequest
from forecastlab.settings import Settings
from tests.dbt.conftest import TODAY
from tests.support.llm_standin import Chain, LLMStandIn, Reply


@pytest.fixture(scope="module")
def baseline_run(agents_engine: Engine) -> str:
    """A seasonal_naive model of store 1 / product 2: a scenario baseline."""
    request = TrainRequest.model_validate(
        {
            "store_id": 1,
            "product_id": 2,
            "train_start_date": (TODAY - timedelta(days=119)).isoformat(),
            "train_end_date": TODAY.isoformat(),
            "config": {"model_type": "seasonal_naive", "season_length": 7},
        }
    )
    return service.train(agents_engine, request).run_id


def test_events_follow_the_tool_calls_and_end_with_complete(
    agents_engine: Engine, settings: Settings, standin: LLMStandIn, chain: Chain
) -> None:
    session = create_session(agents_engine, settings, "experiment", {"region": "north"})
    standin.script(
        chain.default,
        Reply.calls(("list_runs", {"limit": 1}), ("forecast_the_future", {})),
        Reply.say("Done."),
    )
    events: list[AgentEvent] = []
    result = chat(agents_engine, settings, session.session_id, "go", sink=events.append)
    assert [event.event_type for event in events] == [
        "tool_call_start",
        "tool_call_end",
        "tool_call_start",
        "tool_call_end",
        "complete",
    ]
    assert events[3].data["result"]["error_type"] == "unknown_tool"
    assert events[-1].data == {
        "message": "Done.",
        "tokens_used": result.tokens_used,
        "tool_calls_count": 2,
        "pending_approval": False,
    }
    system = standin.requests_for(chain.default)[0].messages[0]["content"]
    assert '{"region": "north"}' in system


def test_an_approved_scenario_is_saved_as_the_agents_plan(
    agents_engine: Engine,
    settings: Settings,
    standin: LLMStandIn,
    chain: Chain,
    baseline_run: str,
) -> None:
    session = create_session(agents_engine, settings, "experiment")
    plan = {
        "name": "agent promo",
        "run_id": baseline_run,
        "horizon": 7,
        "assumptions": {
            "promotion": {"kind": "pct_off", "start_date": "2025-07-01", "end_date": "2025-07-07"}
        },
        "tags": ["ignored"],
    }
    standin.script(chain.default, Reply.call("save_scenario", **plan))
    asked = chat(agents_engine, settings, session.session_id, "save a promo plan")
    assert asked.pending_approval and asked.pending_action is not None
    assert _plans(agents_engine, session.session_id) == []

    outcome = decide(
        agents_engine, settings, session.session_id, asked.pending_action["action_id"], True
    )
    assert outcome.status == "executed"
    [saved] = _plans(agents_engine, session.session_id)
    assert saved["scenario_id"] == outcome.result["scenario_id"]
    assert (saved["source"], saved["approved_by"], saved["approval_decision"]) == (
        "agent",
        "operator",
        "approved",
    )
    assert saved["tags"] == [] and saved["run_id"] == baseline_run
    assert outcome.result["units_delta"] > 0  # a promotion lifts the forecast


def test_a_second_gated_call_waits_for_the_first(
    agents_engine: Engine, settings: Settings, standin: LLMStandIn, chain: Chain
) -> None:
    session = create_session(agents_engine, settings, "experiment")
    standin.script(
        chain.default,
        Reply.calls(("archive_run", {"run_id": "a" * 32}), ("archive_run", {"run_id": "b" * 32})),
    )
    result = chat(agents_engine, settings, session.session_id, "archive both")
    first, second = (call.result for call in result.tool_calls)
    assert first["status"] == "approval_required" and first["run_id"] == "a" * 32
    assert second["error_type"] == "approval_pending"
    assert result.pending_action is not None
    assert result.pending_action["arguments"] == {"run_id": "a" * 32}
    # The second call's refusal is in the history; the pending one is answered on decision.
    roles = [message["role"] for message in get_session(agents_engine, session.session_id).messages]
    assert roles == ["user", "assistant", "tool"]


def test_a_lapsed_action_is_recorded_and_the_chat_goes_on(
    agents_engine: Engine, settings: Settings, standin: LLMStandIn, chain: Chain
) -> None:
    session = create_session(agents_engine, settings, "experiment")
    standin.script(chain.default, Reply.call("archive_run", run_id="c" * 32))
    chat(agents_engine, settings, session.session_id, "archive it")
    with agents_engine.begin() as conn:
        conn.execute(
            text(
                "update app.agent_session set pending_action = jsonb_set(pending_action, "
                "'{expires_at}', to_jsonb((now() - interval '1 second')::text)) "
                "where session_id = :id"
            ),
            {"id": session.session_id},
        )
    standin.script(chain.default, Reply.say("The archive request lapsed."))
    result = chat(agents_engine, settings, session.session_id, "what happened?")
    assert result.message == "The archive request lapsed." and not result.pending_approval
    stored = get_session(agents_engine, session.session_id)
    assert stored.status == "active" and stored.pending_action is None
    lapsed = json.loads(stored.messages[2]["content"])
    assert lapsed["status"] == "expired"
    seen = standin.requests_for(chain.default)[-1].messages
    assert [m["role"] for m in seen[1:]] == ["user", "assistant", "tool", "user"]


def _plans(engine: Engine, session_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select scenario_id, run_id, source, approved_by, approval_decision, tags "
                "from app.scenario_plan where agent_session_id = :id"
            ),
            {"id": session_id},
        ).mappings()
        return [dict(row) for row in rows]
