"""ScenarioAssumptions is strict: unknown keys, coercions and out-of-range values are refused."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from forecastlab.scenarios.assumptions import ScenarioAssumptions

WINDOW = {"start_date": "2025-07-01", "end_date": "2025-07-14"}


def test_parts_parse_iso_dates() -> None:
    assumptions = ScenarioAssumptions.model_validate(
        {
            "price": {"change_pct": -0.15, **WINDOW},
            "promotion": {"kind": "markdown", **WINDOW},
            "holiday": {"dates": ["2025-07-04"]},
            "inventory": {"on_hand_units": 0},
            "lifecycle": {"stage": "decline"},
        }
    )
    assert assumptions.price is not None
    assert assumptions.price.start_date == date(2025, 7, 1)
    assert assumptions.holiday is not None
    assert assumptions.holiday.dates == [date(2025, 7, 4)]


@pytest.mark.parametrize(
    ("parts", "error_type"),
    [
        ({"weather": {}}, "extra_forbidden"),
        ({"price": {"change_pct": -0.2, "elasticity": -2, **WINDOW}}, "extra_forbidden"),
        ({"price": {"change_pct": -0.95, **WINDOW}}, "greater_than_equal"),
        ({"price": {"change_pct": 5.5, **WINDOW}}, "less_than_equal"),
        ({"price": {"change_pct": "-0.2", **WINDOW}}, "float_type"),
        ({"price": {"change_pct": -0.2, "start_date": "2025-07-01"}}, "missing"),
        ({"promotion": {"kind": "clearance", **WINDOW}}, "literal_error"),
        ({"promotion": {"kind": "pct_off", "start_date": "2025-13-01", "end_date": "x"}}, ""),
        ({"holiday": {"dates": []}}, "too_short"),
        ({"inventory": {"on_hand_units": -1}}, "greater_than_equal"),
        ({"inventory": {"on_hand_units": 1.5}}, "int_type"),
        ({"lifecycle": {"stage": "retired"}}, "literal_error"),
    ],
)
def test_bad_assumptions_are_refused(parts: dict, error_type: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ScenarioAssumptions.model_validate(parts)
    if error_type:
        assert error_type in {error["type"] for error in raised.value.errors()}


def test_a_reversed_window_covers_the_same_days() -> None:
    days = [date(2025, 7, day) for day in range(1, 8)]
    forward = ScenarioAssumptions.model_validate(
        {"promotion": {"kind": "bogo", "start_date": "2025-07-02", "end_date": "2025-07-04"}}
    )
    backward = ScenarioAssumptions.model_validate(
        {"promotion": {"kind": "bogo", "start_date": "2025-07-04", "end_date": "2025-07-02"}}
    )
    assert forward.promotion is not None and backward.promotion is not None
    covered = forward.promotion.covers(days)
    assert covered.tolist() == [False, True, True, True, False, False, False]
    assert backward.promotion.covers(days).tolist() == covered.tolist()
