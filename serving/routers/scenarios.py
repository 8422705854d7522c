"""The /scenarios slice (spec §11): what-if simulations on a baseline run, saved plans, ranking."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Response

from forecastlab import scenarios
from forecastlab.scenarios.requests import (
    MAX_TAGS,
    CompareRequest,
    PlanRequest,
    ScenarioId,
    SimulationRequest,
    Tag,
)
from serving.deps import EngineDep, SettingsDep
from serving.schemas.scenarios import (
    MultiScenarioComparison,
    ScenarioListResponse,
    ScenarioPlanResponse,
)

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

# The offset must stay a PostgreSQL integer.
MAX_OFFSET: Final = 2**31 - 1

_BASELINE_ERRORS: Final = {
    400: {
        "description": "A portfolio or global run without store_id and product_id, ids other "
        "than a single-series run's own, or a horizon over forecast_max_horizon."
    },
    404: {
        "description": "Unknown or malformed run id, a run without a model, or a series the "
        "portfolio does not hold."
    },
    422: {"description": "Schema violation, e.g. an unknown assumption key or change_pct < -0.9."},
}
_PLAN_NOT_FOUND: Final = {404: {"description": "No saved plan with this id."}}


@router.post("/simulate", response_model=scenarios.ScenarioComparison, responses=_BASELINE_ERRORS)
def simulate_scenario(
    body: SimulationRequest, engine: EngineDep, settings: SettingsDep
) -> scenarios.ScenarioComparison:
    """Compare a run's baseline forecast with the forecast under the assumptions (not saved)."""
    return scenarios.simulate(engine, body, settings)


@router.post("", response_model=ScenarioPlanResponse, status_code=201, responses=_BASELINE_ERRORS)
def create_scenario(
    body: PlanRequest, engine: EngineDep, settings: SettingsDep
) -> ScenarioPlanResponse:
    """Simulate and save a named plan: its raw assumptions and the comparison snapshot."""
    return ScenarioPlanResponse.model_validate(scenarios.create_plan(engine, body, settings))


@router.get("", response_model=ScenarioListResponse, responses={422: {"description": "Bounds."}})
def list_scenarios(
    engine: EngineDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Plans per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Plans to skip.")] = 0,
    tags: Annotated[
        list[Tag] | None,
        Query(max_length=MAX_TAGS, description="Repeat to filter: plans carrying every tag."),
    ] = None,
) -> ScenarioListResponse:
    """List saved plans, newest first, optionally only those carrying all the given tags."""
    page = scenarios.list_plans(engine, tags=tags or (), limit=limit, offset=offset)
    return ScenarioListResponse.model_validate(page)


@router.post(
    "/compare",
    response_model=MultiScenarioComparison,
    responses={
        404: {"description": "Some scenario_ids are unknown (the detail lists them)."},
        422: {"description": "Fewer than 2 or more than 5 scenario_ids, or one given twice."},
    },
)
def compare_scenarios(body: CompareRequest, engine: EngineDep) -> MultiScenarioComparison:
    """Rank 2-5 saved plans by revenue or units delta against the first plan's baseline."""
    comparison = scenarios.compare_plans(engine, body.scenario_ids, body.rank_by)
    return MultiScenarioComparison.model_validate(comparison)


@router.get("/{scenario_id}", response_model=ScenarioPlanResponse, responses=_PLAN_NOT_FOUND)
def read_scenario(scenario_id: ScenarioId, engine: EngineDep) -> ScenarioPlanResponse:
    """One saved plan with its comparison snapshot, as it was saved."""
    return ScenarioPlanResponse.model_validate(scenarios.get_plan(engine, scenario_id))


@router.delete("/{scenario_id}", status_code=204, responses=_PLAN_NOT_FOUND)
def delete_scenario(scenario_id: ScenarioId, engine: EngineDep) -> Response:
    """Delete a saved plan."""
    scenarios.delete_plan(engine, scenario_id)
    return Response(status_code=204)
