"""The experiment agent's scenario tools (spec §11.7): propose (read-only), save (gated)."""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field

from forecastlab import scenarios
from forecastlab.agents.toolkit import Tool, ToolArguments, ToolContext
from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.scenarios.requests import PlanRequest
from forecastlab.wire import DbId


class ProposeScenarioArguments(ToolArguments):
    store_id: DbId
    product_id: DbId
    horizon: int = Field(ge=1, le=MAX_HORIZON)
    objective: str = Field(min_length=1, max_length=500, description="What the plan should do.")


def propose_scenario(context: ToolContext, args: ProposeScenarioArguments) -> dict[str, Any]:
    """Draft what-if assumptions for a series; nothing is saved."""
    return scenarios.propose_scenario(
        context.engine, args.store_id, args.product_id, args.horizon, args.objective
    )


def save_scenario(context: ToolContext, args: PlanRequest) -> dict[str, Any]:
    """Simulate and keep a plan as the agent's (gated: needs an operator's approval)."""
    plan = scenarios.save_scenario(
        context.engine, args, agent_session_id=context.session_id, settings=context.settings
    )
    return {
        "scenario_id": plan.scenario_id,
        "name": plan.name,
        "store_id": plan.store_id,
        "product_id": plan.product_id,
        "run_id": plan.run_id,
        "horizon": plan.horizon,
        "method": plan.method,
        "units_delta": plan.comparison.units_delta,
        "revenue_delta": plan.comparison.revenue_delta,
        "coverage_verdict": plan.comparison.coverage_verdict,
    }


SCENARIO_TOOLS: Final = (
    Tool(
        "propose_scenario",
        "Draft scenario assumptions (price cut or promotion) for a store/product toward an "
        "objective. Read-only.",
        ProposeScenarioArguments,
        propose_scenario,
    ),
    Tool(
        "save_scenario",
        "Simulate a scenario against a baseline run and save it as a plan (use the assumptions "
        "propose_scenario drafted). Needs an operator's approval.",
        PlanRequest,
        save_scenario,
    ),
)
