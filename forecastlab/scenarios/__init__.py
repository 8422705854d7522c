"""What-if planning (spec §11): simulate assumptions on a baseline forecast, keep and compare
plans, and the two scenario tools agents use.

A baseline is an MLflow run, forecast through the same code path as `/forecasting/predict`.
A `regression` baseline is re-forecast with the assumptions as model inputs
(`model_exogenous`); every other baseline gets fixed heuristic factors (`heuristic`).
"""

from forecastlab.scenarios.agent import propose_scenario, save_scenario
from forecastlab.scenarios.assumptions import ScenarioAssumptions
from forecastlab.scenarios.compare import MultiScenarioComparison, RankedScenario, compare_plans
from forecastlab.scenarios.comparison import ScenarioComparison, ScenarioPoint
from forecastlab.scenarios.errors import ScenarioNotFoundError
from forecastlab.scenarios.plans import (
    Provenance,
    ScenarioListItem,
    ScenarioPage,
    ScenarioPlan,
    create_plan,
    delete_plan,
    get_plan,
    list_plans,
)
from forecastlab.scenarios.requests import CompareRequest, PlanRequest, SimulationRequest
from forecastlab.scenarios.simulate import simulate

__all__ = [
    "CompareRequest",
    "MultiScenarioComparison",
    "PlanRequest",
    "Provenance",
    "RankedScenario",
    "ScenarioAssumptions",
    "ScenarioComparison",
    "ScenarioListItem",
    "ScenarioNotFoundError",
    "ScenarioPage",
    "ScenarioPlan",
    "ScenarioPoint",
    "SimulationRequest",
    "compare_plans",
    "create_plan",
    "delete_plan",
    "get_plan",
    "list_plans",
    "propose_scenario",
    "save_scenario",
    "simulate",
]
