"""Aggregates, revenue and the coverage verdict of spec §11.5; the snapshot's JSON round trip."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from forecastlab.intervals import Interval
from forecastlab.scenarios.comparison import (
    DISCLAIMERS,
    ScenarioComparison,
    build_comparison,
    coverage_verdict,
)

DAYS = [date(2025, 7, 1) + timedelta(days=step) for step in range(3)]


def _build(baseline: list[float], scenario: list[float], **overrides: object) -> ScenarioComparison:
    values = {
        "store_id": 1,
        "product_id": 2,
        "model_type": "naive",
        "days": DAYS,
        "baseline": np.asarray(baseline),
        "scenario": np.asarray(scenario),
        "factors": np.asarray([1.5, 1.0, 1.0]),
        "method": "heuristic",
        "unit_price": Decimal("2.50"),
        "on_hand_units": 20,
        "interval": Interval.unavailable(3, 0.8, "no calibration"),
        **overrides,
    }
    return build_comparison(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("total", "on_hand", "verdict"),
    [
        (5.0, None, "unknown"),
        (5.0, 0, "stockout"),
        (0.0, 0, "at_risk"),
        (110.5, 100, "stockout"),
        (110.0, 100, "at_risk"),
        (90.0, 100, "at_risk"),
        (89.9, 100, "covered"),
    ],
)
def test_coverage_verdict(total: float, on_hand: int | None, verdict: str) -> None:
    assert coverage_verdict(total, on_hand) == verdict


def test_totals_deltas_and_revenue() -> None:
    comparison = _build([6.0, 0.0, 4.0], [9.0, 0.0, 6.0])
    assert comparison.horizon == 3
    assert [point.date for point in comparison.points] == DAYS
    assert [point.delta for point in comparison.points] == [3.0, 0.0, 2.0]
    assert [point.applied_factor for point in comparison.points] == [1.5, 1.0, 1.0]
    assert (comparison.baseline_total_units, comparison.scenario_total_units) == (10.0, 15.0)
    assert comparison.units_delta == 5.0
    assert comparison.units_delta_pct == 50.0
    assert comparison.unit_price_used == Decimal("2.50")
    assert (comparison.baseline_revenue, comparison.scenario_revenue) == (25.0, 37.5)
    assert comparison.revenue_delta == 12.5
    assert comparison.coverage_verdict == "covered"  # 15 < 0.9 x 20
    assert comparison.disclaimer == DISCLAIMERS["heuristic"]


def test_a_zero_baseline_has_a_zero_percentage() -> None:
    comparison = _build([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], on_hand_units=None)
    assert comparison.units_delta_pct == 0.0
    assert comparison.coverage_verdict == "unknown"


def test_the_snapshot_is_json_and_reads_back_identically() -> None:
    comparison = _build([6.0, math.nan, 4.0], [9.0, math.nan, 6.0], method="model_exogenous")
    snapshot = comparison.snapshot()

    assert snapshot["points"][1]["baseline"] is None  # D-03
    assert snapshot["baseline_total_units"] is None
    assert snapshot["points"][0]["date"] == "2025-07-01"
    assert snapshot["unit_price_used"] == "2.50"  # D-23
    assert snapshot["generated_at"].endswith("+00:00")
    assert snapshot["disclaimer"] == DISCLAIMERS["model_exogenous"]
    assert ScenarioComparison.model_validate(snapshot).snapshot() == snapshot
