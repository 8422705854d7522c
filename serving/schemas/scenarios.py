"""Responses of `/scenarios` (spec §11.5-§11.6) that the domain returns as records.

Request bodies, the assumptions and `ScenarioComparison` are the domain's own models
(`forecastlab.scenarios`), which agents use too; they carry their OpenAPI examples.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final, Literal

from pydantic import ConfigDict, Field

from forecastlab.scenarios import ScenarioAssumptions, ScenarioComparison
from forecastlab.scenarios.comparison import COMPARISON_EXAMPLE, CoverageVerdict, Method
from forecastlab.scenarios.requests import RankBy
from serving.schemas.base import ApiModel

_FIRST: Final = "5c0f3a9e8d2b4c1fa6e7d8c9b0a1f2e3"
_SECOND: Final = "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b"
_CREATED_AT: Final = "2025-07-01T08:00:05+00:00"
_ASSUMPTIONS: Final = {
    "promotion": {"kind": "pct_off", "start_date": "2025-07-01", "end_date": "2025-07-14"},
    "inventory": {"on_hand_units": 150},
}
_LIST_ITEM: Final = {
    "scenario_id": _FIRST,
    "name": "20% off, two weeks",
    "store_id": 1,
    "product_id": 2,
    "horizon": 14,
    "units_delta": 13.2,
    "revenue_delta": 65.87,
    "created_at": _CREATED_AT,
    "tags": ["summer-promo"],
}


class ScenarioPlanResponse(ApiModel):
    """A saved plan with its comparison snapshot as it was computed (never recomputed)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenario_id": _FIRST,
                    "name": "20% off, two weeks",
                    "store_id": 1,
                    "product_id": 2,
                    "run_id": "0b7e4c1f2d3a4e5f8a9b0c1d2e3f4a5b",
                    "horizon": 14,
                    "method": "heuristic",
                    "created_at": _CREATED_AT,
                    "assumptions": _ASSUMPTIONS,
                    "comparison": COMPARISON_EXAMPLE,
                    "tags": ["summer-promo"],
                    "cloned_from": None,
                    "source": "user",
                    "agent_session_id": None,
                    "approved_by": None,
                    "approved_at": None,
                    "approval_decision": None,
                }
            ]
        }
    )

    scenario_id: str
    name: str
    store_id: int
    product_id: int
    run_id: str = Field(description="MLflow run id of the baseline model.")
    horizon: int
    method: Method
    created_at: datetime
    assumptions: ScenarioAssumptions
    comparison: ScenarioComparison
    tags: list[str]
    cloned_from: str | None
    source: Literal["user", "agent"]
    agent_session_id: str | None
    approved_by: str | None
    approved_at: datetime | None
    approval_decision: Literal["approved", "rejected"] | None


class ScenarioListItem(ApiModel):
    """One saved plan in the listing; the deltas come from its snapshot."""

    model_config = ConfigDict(json_schema_extra={"examples": [_LIST_ITEM]})

    scenario_id: str
    name: str
    store_id: int
    product_id: int
    horizon: int
    units_delta: float | None
    revenue_delta: float | None
    created_at: datetime
    tags: list[str]


class ScenarioListResponse(ApiModel):
    """A page of saved plans, newest first, and how many match the filter in all."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"scenarios": [_LIST_ITEM], "total": 1}]}
    )

    scenarios: list[ScenarioListItem]
    total: int


class RankedScenario(ApiModel):
    """One compared plan: its deltas, its coverage verdict and its rank (1 = best)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenario_id": _FIRST,
                    "name": "20% off, two weeks",
                    "units_delta": 13.2,
                    "revenue_delta": 65.87,
                    "coverage_verdict": "at_risk",
                    "rank": 1,
                }
            ]
        }
    )

    scenario_id: str
    name: str
    units_delta: float | None
    revenue_delta: float | None
    coverage_verdict: CoverageVerdict
    rank: int


class MultiScenarioComparison(ApiModel):
    """2-5 saved plans ranked against the first one's baseline, with merged chart data."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "baseline_total_units": 22.0,
                    "baseline_revenue": 109.78,
                    "rank_by": "revenue_delta",
                    "scenarios": [
                        {
                            "scenario_id": _SECOND,
                            "name": "15% price cut",
                            "units_delta": 5.4,
                            "revenue_delta": 26.95,
                            "coverage_verdict": "covered",
                            "rank": 1,
                        },
                        {
                            "scenario_id": _FIRST,
                            "name": "Bundle",
                            "units_delta": 3.3,
                            "revenue_delta": 16.47,
                            "coverage_verdict": "unknown",
                            "rank": 2,
                        },
                    ],
                    "chart_series": [
                        {"date": "2025-07-01", "baseline": 10.0, _SECOND: 12.5, _FIRST: 11.5},
                        {"date": "2025-07-02", "baseline": 12.0, _SECOND: 14.9, _FIRST: 13.8},
                    ],
                }
            ]
        }
    )

    baseline_total_units: float | None = Field(description="The first plan's baseline total.")
    baseline_revenue: float | None = Field(description="The first plan's baseline revenue.")
    rank_by: RankBy
    scenarios: list[RankedScenario] = Field(description="Best first by rank_by.")
    chart_series: list[dict[str, date | float | None]] = Field(
        description="One row per date of any plan, by date: `date`, `baseline` (the first "
        "plan's) and each plan's scenario value under its scenario_id (null where it has no "
        "such day)."
    )
