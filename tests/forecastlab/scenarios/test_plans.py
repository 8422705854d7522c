"""Saved plans, their listing and ranking, and the agent tools, in the small warehouse.

Other tests write plans into the same table, so each test here finds its own through a tag of
its own or the ids it created.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from forecastlab.errors import BadRequestError
from forecastlab.forecasting.requests import TrainResponse
from forecastlab.scenarios import (
    PlanRequest,
    ScenarioAssumptions,
    ScenarioNotFoundError,
    ScenarioPlan,
    compare_plans,
    create_plan,
    delete_plan,
    get_plan,
    list_plans,
    propose_scenario,
    save_scenario,
)
from forecastlab.scenarios.compare import rank
from tests.dbt.conftest import TODAY, Warehouse

DAY = [TODAY + timedelta(days=step) for step in range(1, 15)]
BOGO = {"kind": "bogo", "start_date": DAY[0].isoformat(), "end_date": DAY[2].isoformat()}
HALF_PRICE = {"change_pct": -0.5, "start_date": DAY[0].isoformat(), "end_date": DAY[4].isoformat()}


def _tag() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def _plan(warehouse: Warehouse, run_id: str, **fields: object) -> ScenarioPlan:
    body = {"name": "plan", "run_id": run_id, "horizon": 5, **fields}
    return create_plan(warehouse.engine, PlanRequest.model_validate(body))


def test_a_plan_keeps_its_assumptions_and_snapshot(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    tag = _tag()
    plan = _plan(
        small_warehouse,
        seasonal.run_id,
        name="two bogo days",
        assumptions={"promotion": BOGO, "inventory": {"on_hand_units": 300}},
        tags=[tag, "bogo"],
        cloned_from="0123456789abcdef0123456789abcdef",
    )
    assert len(plan.scenario_id) == 32
    assert (plan.store_id, plan.product_id, plan.horizon) == (1, 2, 5)
    assert plan.run_id == seasonal.run_id
    assert plan.method == plan.comparison.method == "heuristic"
    assert plan.comparison.units_delta is not None and plan.comparison.units_delta > 0
    assert plan.tags == [tag, "bogo"]
    assert plan.cloned_from == "0123456789abcdef0123456789abcdef"
    assert (plan.source, plan.agent_session_id, plan.approval_decision) == ("user", None, None)

    assert get_plan(small_warehouse.engine, plan.scenario_id) == plan
    with small_warehouse.engine.connect() as conn:
        stored = conn.execute(
            text("select assumptions, comparison from app.scenario_plan where scenario_id = :id"),
            {"id": plan.scenario_id},
        ).one()
    # the raw assumptions as sent (absent parts stay absent), the snapshot in JSON form
    assert stored.assumptions == {"promotion": BOGO, "inventory": {"on_hand_units": 300}}
    assert stored.comparison == plan.comparison.snapshot()


def test_listing_filters_by_every_tag_and_pages_newest_first(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    tag, other = _tag(), _tag()
    plans = [
        _plan(small_warehouse, seasonal.run_id, name=f"p{i}", tags=[tag, *([other] * (i % 2))])
        for i in range(5)
    ]
    newest_first = [plan.scenario_id for plan in reversed(plans)]

    page = list_plans(small_warehouse.engine, tags=[tag], limit=2, offset=1)
    assert page.total == 5
    assert [item.scenario_id for item in page.scenarios] == newest_first[1:3]
    item = page.scenarios[0]
    assert item.units_delta == plans[3].comparison.units_delta
    assert item.revenue_delta == plans[3].comparison.revenue_delta

    both = list_plans(small_warehouse.engine, tags=[tag, other])
    assert both.total == 2
    assert [item.scenario_id for item in both.scenarios] == [
        plans[3].scenario_id,
        plans[1].scenario_id,
    ]
    past_the_end = list_plans(small_warehouse.engine, tags=[tag], offset=5)
    assert (past_the_end.scenarios, past_the_end.total) == ([], 5)
    assert list_plans(small_warehouse.engine, tags=[_tag()]).total == 0


def test_delete_then_read_is_not_found(small_warehouse: Warehouse, seasonal: TrainResponse) -> None:
    plan = _plan(small_warehouse, seasonal.run_id)
    delete_plan(small_warehouse.engine, plan.scenario_id)
    with pytest.raises(ScenarioNotFoundError):
        get_plan(small_warehouse.engine, plan.scenario_id)
    with pytest.raises(ScenarioNotFoundError):
        delete_plan(small_warehouse.engine, plan.scenario_id)


# --- compare ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_plans(small_warehouse: Warehouse, seasonal: TrainResponse) -> list[ScenarioPlan]:
    """Three days of bogo, five days at half price, and a declining product (seven days)."""
    return [
        _plan(small_warehouse, seasonal.run_id, horizon=3, assumptions={"promotion": BOGO}),
        _plan(small_warehouse, seasonal.run_id, assumptions={"price": HALF_PRICE}),
        _plan(
            small_warehouse,
            seasonal.run_id,
            horizon=7,
            assumptions={"lifecycle": {"stage": "decline"}},
        ),
    ]


@pytest.mark.parametrize("rank_by", ["revenue_delta", "units_delta"])
def test_compare_ranks_against_the_first_plan(
    small_warehouse: Warehouse, three_plans: list[ScenarioPlan], rank_by: str
) -> None:
    bogo, half_price, decline = three_plans
    ids = [bogo.scenario_id, half_price.scenario_id, decline.scenario_id]
    result = compare_plans(small_warehouse.engine, ids, rank_by)  # type: ignore[arg-type]

    assert result.rank_by == rank_by
    assert result.baseline_total_units == bogo.comparison.baseline_total_units
    assert result.baseline_revenue == bogo.comparison.baseline_revenue
    assert [(row.scenario_id, row.rank) for row in result.scenarios] == [
        (half_price.scenario_id, 1),
        (bogo.scenario_id, 2),
        (decline.scenario_id, 3),
    ]
    assert result.scenarios[2].units_delta == decline.comparison.units_delta
    assert result.scenarios[2].coverage_verdict == "unknown"


def test_compare_merges_the_days_for_one_chart(
    small_warehouse: Warehouse, three_plans: list[ScenarioPlan]
) -> None:
    bogo, half_price, decline = three_plans
    ids = [bogo.scenario_id, half_price.scenario_id, decline.scenario_id]
    series = compare_plans(small_warehouse.engine, ids).chart_series

    assert [row["date"] for row in series] == DAY[:7]
    assert series[0] == {
        "date": DAY[0],
        "baseline": bogo.comparison.points[0].baseline,
        bogo.scenario_id: bogo.comparison.points[0].scenario,
        half_price.scenario_id: half_price.comparison.points[0].scenario,
        decline.scenario_id: decline.comparison.points[0].scenario,
    }
    assert series[6]["baseline"] is None  # the first plan has three days only
    assert series[6][bogo.scenario_id] is None and series[6][half_price.scenario_id] is None
    assert series[6][decline.scenario_id] == decline.comparison.points[6].scenario


def test_compare_lists_every_unknown_id(
    small_warehouse: Warehouse, three_plans: list[ScenarioPlan]
) -> None:
    unknown = ["a" * 32, "b" * 32]
    with pytest.raises(ScenarioNotFoundError, match=f"{unknown[0]}, {unknown[1]}"):
        compare_plans(small_warehouse.engine, [unknown[0], three_plans[0].scenario_id, unknown[1]])


def test_a_null_delta_ranks_last_and_ties_keep_their_order(
    three_plans: list[ScenarioPlan],
) -> None:
    bogo, half_price, decline = three_plans
    unknown = replace(
        half_price, comparison=half_price.comparison.model_copy(update={"revenue_delta": None})
    )
    tie = replace(decline, comparison=bogo.comparison)
    ranked = rank([unknown, bogo, tie], "revenue_delta")
    assert [row.scenario_id for row in ranked] == [
        bogo.scenario_id,
        decline.scenario_id,
        half_price.scenario_id,
    ]


# --- agent tools -----------------------------------------------------------------------------


def test_propose_a_promotion_or_a_price_cut(small_warehouse: Warehouse) -> None:
    promo = propose_scenario(small_warehouse.engine, 1, 2, 14, "Plan a summer SALE", today=TODAY)
    assert promo["valid"] and promo["persistable"]
    assert promo["assumptions"] == {
        "promotion": {
            "kind": "pct_off",
            "start_date": DAY[0].isoformat(),
            "end_date": DAY[13].isoformat(),
        }
    }
    with small_warehouse.engine.connect() as conn:
        latest = conn.execute(
            text(
                "select unit_price from raw.sales_daily where store_id = 1 and product_id = 2 "
                "order by date desc limit 1"
            )
        ).scalar_one()
    assert f"latest unit price is {latest}" in promo["recommendation"]

    cut = propose_scenario(small_warehouse.engine, 1, 2, 7, "grow volume", today=TODAY)
    assert cut["assumptions"] == {
        "price": {
            "change_pct": -0.15,
            "start_date": DAY[0].isoformat(),
            "end_date": DAY[6].isoformat(),
        }
    }
    assert "15%" in cut["recommendation"]
    # the proposed assumptions go back into a request as they are
    assumptions = ScenarioAssumptions.model_validate(cut["assumptions"])
    assert assumptions.model_dump(mode="json", exclude_none=True) == cut["assumptions"]


def test_propose_refuses_a_series_that_does_not_exist(small_warehouse: Warehouse) -> None:
    refused = propose_scenario(small_warehouse.engine, 123, 2, 7, "promo", today=TODAY)
    assert (refused["valid"], refused["persistable"]) == (False, False)
    assert refused["missing"] == ["store_id=123"]
    assert "store_id=123" in refused["error"]
    both = propose_scenario(small_warehouse.engine, 123, 456, 7, "promo", today=TODAY)
    assert both["missing"] == ["store_id=123", "product_id=456"]
    with pytest.raises(BadRequestError):
        propose_scenario(small_warehouse.engine, 1, 2, 0, "promo", today=TODAY)


def test_an_agent_saved_plan_carries_its_approval(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    before = datetime.now(UTC)
    request = PlanRequest.model_validate(
        {
            "name": "agent proposal",
            "run_id": seasonal.run_id,
            "horizon": 7,
            "assumptions": {"price": HALF_PRICE},
            "tags": ["ignored"],
        }
    )
    plan = save_scenario(small_warehouse.engine, request, agent_session_id="f" * 32)
    assert plan.source == "agent"
    assert plan.agent_session_id == "f" * 32
    assert (plan.approved_by, plan.approval_decision) == ("operator", "approved")
    assert plan.approved_at is not None and plan.approved_at >= before
    assert plan.tags == []
    assert get_plan(small_warehouse.engine, plan.scenario_id) == plan
