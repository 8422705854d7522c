"""Baseline vs scenario for one series (spec §11.5): the days, the totals, revenue, coverage.

A comparison is also the snapshot a saved plan keeps, so it round-trips through JSON: dates
as ISO strings, the unit price as a decimal string (D-23), non-finite numbers as null (D-03),
`generated_at` with its `+00:00` offset.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from forecastlab.intervals import Interval

Method = Literal["heuristic", "model_exogenous"]
CoverageVerdict = Literal["covered", "at_risk", "stockout", "unknown"]

# Demand within this fraction of the stock on hand is "at_risk".
COVERAGE_BAND: Final = 0.10
DISCLAIMERS: Final[dict[Method, str]] = {
    "heuristic": (
        "Fixed, deterministic factors (price elasticity -1.2, promotion and holiday uplifts, "
        "lifecycle stage) were applied to the baseline forecast. Treat the result as a "
        "directional planning signal, not a causal model of demand."
    ),
    "model_exogenous": (
        "A feature-driven model re-forecast demand with the assumptions as its future price, "
        "promotion and holiday inputs. The response follows patterns it learned from history; "
        "it is still an estimate, not a measured effect."
    ),
}

COMPARISON_EXAMPLE: Final = {
    "store_id": 1,
    "product_id": 2,
    "model_type": "seasonal_naive",
    "horizon": 2,
    "points": [
        {
            "date": "2025-07-01",
            "baseline": 10.0,
            "scenario": 16.0,
            "delta": 6.0,
            "applied_factor": 1.6,
            "lower_bound": 9.6,
            "upper_bound": 22.4,
        },
        {
            "date": "2025-07-02",
            "baseline": 12.0,
            "scenario": 19.2,
            "delta": 7.2,
            "applied_factor": 1.6,
            "lower_bound": 11.2,
            "upper_bound": 27.2,
        },
    ],
    "baseline_total_units": 22.0,
    "scenario_total_units": 35.2,
    "units_delta": 13.2,
    "units_delta_pct": 60.0,
    "unit_price_used": "4.99",
    "baseline_revenue": 109.78,
    "scenario_revenue": 175.65,
    "revenue_delta": 65.87,
    "coverage_verdict": "at_risk",
    "method": "heuristic",
    "disclaimer": DISCLAIMERS["heuristic"],
    "interval_level": 0.8,
    "interval_note": None,
    "generated_at": "2025-07-01T08:00:00+00:00",
}

# D-03: a number that is not finite leaves as null, so a snapshot read back may hold null.
Number = float | None


class ScenarioPoint(BaseModel):
    """One forecast day: baseline and scenario demand, their difference and the factor."""

    model_config = ConfigDict(
        ser_json_inf_nan="null", json_schema_extra={"examples": [COMPARISON_EXAMPLE["points"][0]]}
    )

    date: date
    baseline: Number
    scenario: Number
    delta: Number = Field(description="scenario - baseline")
    applied_factor: Number = Field(description="scenario / baseline (1.0 = no change)")
    lower_bound: Number = Field(
        default=None, description="Lower bound of the scenario's prediction interval."
    )
    upper_bound: Number = Field(
        default=None, description="Upper bound of the scenario's prediction interval."
    )


class ScenarioComparison(BaseModel):
    """The baseline forecast of one series next to the scenario, with totals and a verdict."""

    model_config = ConfigDict(
        ser_json_inf_nan="null", json_schema_extra={"examples": [COMPARISON_EXAMPLE]}
    )

    store_id: int
    product_id: int
    model_type: str = Field(description="The baseline run's model type.")
    horizon: int
    points: list[ScenarioPoint]
    baseline_total_units: Number
    scenario_total_units: Number
    units_delta: Number
    units_delta_pct: Number = Field(description="units_delta / baseline total x 100; 0 if 0.")
    unit_price_used: Decimal = Field(
        description="unit_price of the series' latest sale on or before the forecast origin "
        "(1.00 when it has none)."
    )
    baseline_revenue: Number
    scenario_revenue: Number
    revenue_delta: Number
    coverage_verdict: CoverageVerdict = Field(
        description="Scenario demand against the inventory assumption; unknown without one."
    )
    method: Method
    disclaimer: str
    interval_level: Number = Field(
        default=None, description="Level of the points' bounds (null when none has bounds)."
    )
    interval_note: str | None = Field(
        default=None, description="Why some or all bounds are missing or borrowed."
    )
    generated_at: datetime

    @field_serializer("generated_at", when_used="json")
    def _with_offset(self, value: datetime) -> str:
        # Pydantic would write `Z`; the API writes `+00:00` everywhere (spec §0.1).
        return value.isoformat()

    def snapshot(self) -> dict[str, Any]:
        """The comparison as the JSON a saved plan stores (non-finite numbers as null)."""
        # model_dump(mode="json") would keep NaN; only the JSON dump applies ser_json_inf_nan.
        return json.loads(self.model_dump_json())


def coverage_verdict(scenario_total: float, on_hand_units: int | None) -> CoverageVerdict:
    """Whether the stock on hand covers the scenario's demand (spec §11.5, band 10%)."""
    if on_hand_units is None:
        return "unknown"
    if on_hand_units <= 0:
        return "stockout" if scenario_total > 0 else "at_risk"
    if scenario_total > (1 + COVERAGE_BAND) * on_hand_units:
        return "stockout"
    if scenario_total >= (1 - COVERAGE_BAND) * on_hand_units:
        return "at_risk"
    return "covered"


def build_comparison(
    *,
    store_id: int,
    product_id: int,
    model_type: str,
    days: list[date],
    baseline: np.ndarray,
    scenario: np.ndarray,
    factors: np.ndarray,
    method: Method,
    unit_price: Decimal,
    on_hand_units: int | None,
    interval: Interval,
) -> ScenarioComparison:
    """Per-day points with the scenario's bounds, totals, revenue at `unit_price` and the
    coverage verdict."""
    baseline_total, scenario_total = float(baseline.sum()), float(scenario.sum())
    units_delta = scenario_total - baseline_total
    price = float(unit_price)
    baseline_revenue, scenario_revenue = baseline_total * price, scenario_total * price
    return ScenarioComparison(
        store_id=store_id,
        product_id=product_id,
        model_type=model_type,
        horizon=len(days),
        points=[
            ScenarioPoint(
                date=day,
                baseline=float(base),
                scenario=float(value),
                delta=float(value - base),
                applied_factor=float(factor),
                lower_bound=lower,
                upper_bound=upper,
            )
            for day, base, value, factor, (lower, upper) in zip(
                days, baseline, scenario, factors, interval.pairs(), strict=True
            )
        ],
        baseline_total_units=baseline_total,
        scenario_total_units=scenario_total,
        units_delta=units_delta,
        units_delta_pct=units_delta / baseline_total * 100.0 if baseline_total else 0.0,
        unit_price_used=unit_price,
        baseline_revenue=baseline_revenue,
        scenario_revenue=scenario_revenue,
        revenue_delta=scenario_revenue - baseline_revenue,
        coverage_verdict=coverage_verdict(scenario_total, on_hand_units),
        method=method,
        disclaimer=DISCLAIMERS[method],
        interval_level=interval.level if interval.available else None,
        interval_note=interval.note,
        generated_at=datetime.now(UTC),
    )
