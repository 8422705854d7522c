"""Reason codes fire on spec §10.3's conditions; caveats keep §10.4's order; the summary names
what an agent needs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from forecastlab.explain.explanation import Driver, ReasonCode
from forecastlab.explain.history import SeriesFacts
from forecastlab.explain.narrative import (
    DISCLAIMER,
    STOCKOUT_CAVEAT,
    agent_summary,
    caveats,
    floor_caveat,
    reason_codes,
)

AS_OF = date(2025, 6, 30)
TOMORROW = AS_OF + timedelta(days=1)
QUIET = SeriesFacts(
    as_of=AS_OF,
    observations=100,
    stockout_days=0,
    promotions=0,
    active_promotions=0,
    launch_date=None,
    holidays={},
)


def _codes(facts: SeriesFacts, comfortable: int = 14) -> list[str]:
    return [code.code for code in reason_codes(facts, TOMORROW, comfortable, "naive")]


def test_a_quiet_series_fires_nothing() -> None:
    assert _codes(QUIET) == []


def test_every_code_fires_in_spec_order() -> None:
    busy = replace(
        QUIET,
        observations=5,
        stockout_days=3,
        promotions=2,
        active_promotions=1,
        launch_date=AS_OF - timedelta(days=10),
        holidays={TOMORROW: "Independence Eve"},
    )
    codes = reason_codes(busy, TOMORROW, 14, "naive")
    assert [(c.code, c.severity) for c in codes] == [
        ("stockout_constrained", "warn"),
        ("promotion_overlap", "info"),
        ("lifecycle_decay", "info"),
        ("holiday_effect", "info"),
        ("insufficient_history", "warn"),
    ]
    details = {code.code: code.detail for code in codes}
    assert "3 stockout day(s)" in details["stockout_constrained"]
    assert "2025-05-31..2025-06-30" in details["stockout_constrained"]
    assert "2 promotion(s)" in details["promotion_overlap"]
    assert "1 still active" in details["promotion_overlap"]
    assert "Independence Eve" in details["holiday_effect"]
    assert "5 observation(s)" in details["insufficient_history"]


@pytest.mark.parametrize(("age", "fires"), [(-1, False), (0, True), (29, True), (30, False)])
def test_lifecycle_decay_covers_the_first_30_days(age: int, fires: bool) -> None:
    facts = replace(QUIET, launch_date=AS_OF - timedelta(days=age))
    assert ("lifecycle_decay" in _codes(facts)) is fires


def test_a_holiday_counts_only_on_the_forecast_day() -> None:
    facts = replace(QUIET, holidays={TOMORROW + timedelta(days=1): "Later"})
    assert "holiday_effect" not in _codes(facts)
    unnamed = replace(QUIET, holidays={TOMORROW: None})
    assert "unnamed" in reason_codes(unnamed, TOMORROW, 14, "naive")[0].detail


def test_insufficient_history_follows_the_models_comfort() -> None:
    facts = replace(QUIET, observations=20)
    assert "insufficient_history" not in _codes(facts, comfortable=20)
    assert "insufficient_history" in _codes(facts, comfortable=21)


def test_caveats_are_ordered_and_conditional() -> None:
    facts = replace(QUIET, observations=3, stockout_days=1)
    codes = reason_codes(facts, TOMORROW, 14, "naive")
    notes = caveats("model caveat", codes, facts, 14, ("method note",))
    assert notes[:3] == (DISCLAIMER, "model caveat", STOCKOUT_CAVEAT)
    assert "Only 3 observation(s)" in notes[3]
    assert notes[4] == "method note"
    assert caveats("model caveat", (), QUIET, 14) == (DISCLAIMER, "model caveat")


def test_the_summary_names_forecast_leading_driver_and_codes() -> None:
    drivers = (
        Driver.term("bias", None, 20.0, "constant"),
        Driver.term("lag_7", 15.0, -2.5, "x"),
        Driver.term("promo_active", 1.0, 1.0, "y"),
    )
    text = agent_summary(
        store_id=3,
        product_id=4,
        model_type="lightgbm",
        forecast_value=18.46,
        forecast_date=TOMORROW,
        drivers=drivers,
        confidence="medium",
        codes=(ReasonCode("holiday_effect", "info", "d"),),
    )
    assert "Store 3, product 4" in text and "lightgbm" in text
    assert "18.5 units for 2025-07-01" in text
    assert "lag_7 (value 15.0, contribution -2.5)" in text  # the bias is never the lead
    assert "Confidence is medium" in text and "Reason codes: holiday_effect." in text
    quiet = agent_summary(
        store_id=1,
        product_id=1,
        model_type="naive",
        forecast_value=0.0,
        forecast_date=TOMORROW,
        drivers=(Driver.term("last_observation", 0.0, 0.0, "z"),),
        confidence="low",
        codes=(),
    )
    assert "No reason codes fired." in quiet


def test_floor_caveat_only_below_zero() -> None:
    assert floor_caveat(0.0) == ()
    assert "-1.250" in floor_caveat(-1.25)[0]
