"""Rank 2-5 saved plans against one baseline (spec §11.6 `POST /scenarios/compare`).

Everything comes from the stored snapshots; no model is loaded. The first plan asked for is
the reference: its baseline totals head the comparison and its baseline is the chart's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from forecastlab.scenarios.comparison import CoverageVerdict
from forecastlab.scenarios.plans import ScenarioPlan, get_plans
from forecastlab.scenarios.requests import RankBy


@dataclass(frozen=True)
class RankedScenario:
    """One plan's headline numbers and its rank (1 = best)."""

    scenario_id: str
    name: str
    units_delta: float | None
    revenue_delta: float | None
    coverage_verdict: CoverageVerdict
    rank: int


@dataclass(frozen=True)
class MultiScenarioComparison:
    """The plans ranked best first, and their days merged for one chart."""

    baseline_total_units: float | None
    baseline_revenue: float | None
    rank_by: RankBy
    scenarios: list[RankedScenario]
    chart_series: list[dict[str, Any]]


def compare_plans(
    engine: Engine, scenario_ids: Sequence[str], rank_by: RankBy = "revenue_delta"
) -> MultiScenarioComparison:
    """Rank the plans by `rank_by`, descending (404 naming every unknown id)."""
    plans = get_plans(engine, scenario_ids)
    reference = plans[0].comparison
    return MultiScenarioComparison(
        baseline_total_units=reference.baseline_total_units,
        baseline_revenue=reference.baseline_revenue,
        rank_by=rank_by,
        scenarios=rank(plans, rank_by),
        chart_series=chart_series(plans),
    )


def rank(plans: Sequence[ScenarioPlan], rank_by: RankBy) -> list[RankedScenario]:
    """Best first; a null delta ranks last and ties keep the order asked for."""

    def key(plan: ScenarioPlan) -> tuple[bool, float]:
        value = getattr(plan.comparison, rank_by)
        return value is None, -(value or 0.0)

    return [
        RankedScenario(
            scenario_id=plan.scenario_id,
            name=plan.name,
            units_delta=plan.comparison.units_delta,
            revenue_delta=plan.comparison.revenue_delta,
            coverage_verdict=plan.comparison.coverage_verdict,
            rank=position,
        )
        for position, plan in enumerate(sorted(plans, key=key), start=1)
    ]


def chart_series(plans: Sequence[ScenarioPlan]) -> list[dict[str, Any]]:
    """One row per date of any plan, by date: the first plan's baseline and each plan's
    scenario under its scenario_id (null where a plan has no such day)."""
    scenarios = {
        plan.scenario_id: {point.date: point.scenario for point in plan.comparison.points}
        for plan in plans
    }
    baseline = {point.date: point.baseline for point in plans[0].comparison.points}
    days: set[date] = set().union(*scenarios.values())
    return [
        {
            "date": day,
            "baseline": baseline.get(day),
            **{scenario_id: values.get(day) for scenario_id, values in scenarios.items()},
        }
        for day in sorted(days)
    ]
