"""Saved scenario plans (`app.scenario_plan`, spec §1.7, §11.6): keep, list, read, delete.

A plan stores the raw assumptions and the full comparison snapshot, so reading it back never
recomputes and works after the baseline model is gone.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, RowMapping, bindparam, text

from forecastlab.scenarios.assumptions import ScenarioAssumptions
from forecastlab.scenarios.comparison import ScenarioComparison
from forecastlab.scenarios.errors import ScenarioNotFoundError
from forecastlab.scenarios.requests import PlanRequest
from forecastlab.scenarios.simulate import simulate
from forecastlab.settings import Settings

Source = Literal["user", "agent"]
ApprovalDecision = Literal["approved", "rejected"]

_PLAN_COLUMNS = (
    "scenario_id, name, store_id, product_id, run_id, horizon, method, created_at, assumptions, "
    "comparison, tags, cloned_from, source, agent_session_id, approved_by, approved_at, "
    "approval_decision"
)
_INSERT = text(
    "insert into app.scenario_plan (scenario_id, name, store_id, product_id, run_id, horizon, "
    "assumptions, comparison, method, tags, cloned_from, source, agent_session_id, approved_by, "
    "approved_at, approval_decision) values (:scenario_id, :name, :store_id, :product_id, "
    ":run_id, :horizon, cast(:assumptions as jsonb), cast(:comparison as jsonb), :method, "
    "cast(:tags as jsonb), :cloned_from, :source, :agent_session_id, :approved_by, :approved_at, "
    f":approval_decision) returning {_PLAN_COLUMNS}"
)
_SELECT = text(
    f"select {_PLAN_COLUMNS} from app.scenario_plan where scenario_id in :scenario_ids"
).bindparams(bindparam("scenario_ids", expanding=True))
# An empty tag list is contained in every plan's tags, so "no filter" needs no other query.
_COUNT = text("select count(*) from app.scenario_plan where tags @> cast(:tags as jsonb)")
_PAGE = text(
    "select scenario_id, name, store_id, product_id, horizon, comparison -> 'units_delta' as "
    "units_delta, comparison -> 'revenue_delta' as revenue_delta, created_at, tags "
    "from app.scenario_plan where tags @> cast(:tags as jsonb) "
    "order by created_at desc, id desc limit :limit offset :offset"
)
_DELETE = text("delete from app.scenario_plan where scenario_id = :scenario_id returning id")


@dataclass(frozen=True)
class Provenance:
    """Who saved a plan: a user through the API, or an agent after a human approved it."""

    source: Source = "user"
    agent_session_id: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    approval_decision: ApprovalDecision | None = None


USER = Provenance()


@dataclass(frozen=True)
class ScenarioPlan:
    """A saved plan: what was assumed, the comparison it produced, and where it came from."""

    scenario_id: str
    name: str
    store_id: int
    product_id: int
    run_id: str
    horizon: int
    method: str
    created_at: datetime
    assumptions: ScenarioAssumptions
    comparison: ScenarioComparison
    tags: list[str]
    cloned_from: str | None
    source: Source
    agent_session_id: str | None
    approved_by: str | None
    approved_at: datetime | None
    approval_decision: ApprovalDecision | None


@dataclass(frozen=True)
class ScenarioListItem:
    """One row of the plan listing; the deltas come from the stored snapshot."""

    scenario_id: str
    name: str
    store_id: int
    product_id: int
    horizon: int
    units_delta: float | None
    revenue_delta: float | None
    created_at: datetime
    tags: list[str]


@dataclass(frozen=True)
class ScenarioPage:
    """A page of plans, newest first, and how many match the filter in all."""

    scenarios: list[ScenarioListItem]
    total: int


def create_plan(
    engine: Engine,
    request: PlanRequest,
    settings: Settings | None = None,
    provenance: Provenance = USER,
) -> ScenarioPlan:
    """Simulate `request` and keep it: the raw assumptions and the comparison snapshot."""
    comparison = simulate(engine, request, settings)
    params = {
        "scenario_id": uuid.uuid4().hex,
        "name": request.name,
        "store_id": comparison.store_id,
        "product_id": comparison.product_id,
        "run_id": request.run_id,
        "horizon": request.horizon,
        "assumptions": request.assumptions.model_dump_json(exclude_none=True),
        "comparison": json.dumps(comparison.snapshot()),
        "method": comparison.method,
        "tags": json.dumps(request.tags),
        "cloned_from": request.cloned_from,
        "source": provenance.source,
        "agent_session_id": provenance.agent_session_id,
        "approved_by": provenance.approved_by,
        "approved_at": provenance.approved_at,
        "approval_decision": provenance.approval_decision,
    }
    with engine.begin() as conn:
        row = conn.execute(_INSERT, params).mappings().one()
    return _plan(row)


def get_plan(engine: Engine, scenario_id: str) -> ScenarioPlan:
    """The saved plan with this id (404 when there is none)."""
    return get_plans(engine, [scenario_id])[0]


def get_plans(engine: Engine, scenario_ids: Sequence[str]) -> list[ScenarioPlan]:
    """The saved plans with these ids, in the order asked (404 naming every unknown id)."""
    with engine.connect() as conn:
        rows = conn.execute(_SELECT, {"scenario_ids": list(scenario_ids)}).mappings().all()
    found = {row["scenario_id"]: row for row in rows}
    missing = [scenario_id for scenario_id in scenario_ids if scenario_id not in found]
    if missing:
        raise ScenarioNotFoundError(f"scenario plan(s) not found: {', '.join(missing)}")
    return [_plan(found[scenario_id]) for scenario_id in scenario_ids]


def list_plans(
    engine: Engine, *, tags: Sequence[str] = (), limit: int = 20, offset: int = 0
) -> ScenarioPage:
    """Plans carrying every one of `tags`, newest first (ties: the later insert first)."""
    contained = json.dumps(list(tags))
    with engine.connect() as conn:
        total = conn.execute(_COUNT, {"tags": contained}).scalar_one()
        rows = conn.execute(_PAGE, {"tags": contained, "limit": limit, "offset": offset}).mappings()
        return ScenarioPage(scenarios=[ScenarioListItem(**row) for row in rows], total=total)


def delete_plan(engine: Engine, scenario_id: str) -> None:
    """Delete a saved plan (404 when there is none)."""
    with engine.begin() as conn:
        deleted = conn.execute(_DELETE, {"scenario_id": scenario_id}).first()
    if deleted is None:
        raise ScenarioNotFoundError(f"scenario plan {scenario_id} not found")


def _plan(row: RowMapping) -> ScenarioPlan:
    values: dict[str, Any] = dict(row)
    values["assumptions"] = ScenarioAssumptions.model_validate(row["assumptions"])
    values["comparison"] = ScenarioComparison.model_validate(row["comparison"])
    return ScenarioPlan(**values)
