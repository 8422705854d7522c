"""The heuristic factors of spec §11.3 against hand-computed products."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from forecastlab.scenarios.assumptions import ScenarioAssumptions
from forecastlab.scenarios.heuristic import apply_factors, daily_factors, price_factor

FIRST = date(2025, 7, 1)
DAYS = [FIRST + timedelta(days=step) for step in range(10)]  # 07-01 … 07-10


def _assumptions(**parts: object) -> ScenarioAssumptions:
    return ScenarioAssumptions.model_validate(parts)


def test_no_assumptions_change_nothing() -> None:
    np.testing.assert_array_equal(daily_factors(DAYS, ScenarioAssumptions()), np.ones(10))


def test_combined_assumptions_multiply_per_day() -> None:
    assumptions = _assumptions(
        price={"change_pct": -0.2, "start_date": "2025-07-01", "end_date": "2025-07-04"},
        # reversed: read as 07-03 … 07-06
        promotion={"kind": "pct_off", "start_date": "2025-07-06", "end_date": "2025-07-03"},
        # one holiday in the horizon, one after it, one before it
        holiday={"dates": ["2025-07-04", "2025-07-20", "2025-06-30"]},
        lifecycle={"stage": "growth"},
    )
    price, promo, holiday, growth = 0.8**-1.2, 1.25, 1.30, 1.1
    expected = [
        price * growth,  # 07-01
        price * growth,  # 07-02
        price * promo * growth,  # 07-03
        price * promo * holiday * growth,  # 07-04
        promo * growth,  # 07-05
        promo * growth,  # 07-06
        growth,
        growth,
        growth,
        growth,
    ]
    np.testing.assert_allclose(daily_factors(DAYS, assumptions), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("kind", "uplift"), [("pct_off", 1.25), ("bogo", 1.40), ("bundle", 1.15), ("markdown", 1.30)]
)
def test_promotion_kinds(kind: str, uplift: float) -> None:
    window = {"kind": kind, "start_date": "2025-07-10", "end_date": "2025-07-31"}
    factors = daily_factors(DAYS, _assumptions(promotion=window))
    np.testing.assert_allclose(factors, [1.0] * 9 + [uplift])


@pytest.mark.parametrize(
    ("stage", "factor"), [("launch", 1.2), ("growth", 1.1), ("maturity", 1.0), ("decline", 0.85)]
)
def test_lifecycle_applies_to_the_whole_horizon(stage: str, factor: float) -> None:
    factors = daily_factors(DAYS, _assumptions(lifecycle={"stage": stage}))
    np.testing.assert_allclose(factors, [factor] * 10)


def test_the_product_is_clamped_to_the_band() -> None:
    window = {"start_date": "2025-07-01", "end_date": "2025-07-01"}
    lifted = _assumptions(
        price={"change_pct": -0.5, **window},  # 0.5^-1.2 = 2.297
        promotion={"kind": "bogo", **window},
        holiday={"dates": ["2025-07-01"]},
        lifecycle={"stage": "launch"},
    )
    assert 0.5**-1.2 * 1.4 * 1.3 * 1.2 > 5.0
    assert daily_factors(DAYS, lifted)[0] == 5.0

    dearer = _assumptions(price={"change_pct": 5.0, **window}, lifecycle={"stage": "decline"})
    assert 6**-1.2 * 0.85 < 0.1
    assert daily_factors(DAYS, dearer)[0] == 0.1


def test_the_price_factor_is_clamped_before_the_product() -> None:
    # 0.1^-1.2 = 15.85 is clamped to 5.0 first, so decline still lowers the day: 5.0 x 0.85.
    window = {"start_date": "2025-07-01", "end_date": "2025-07-01"}
    assumptions = _assumptions(price={"change_pct": -0.9, **window}, lifecycle={"stage": "decline"})
    assert daily_factors(DAYS, assumptions)[0] == pytest.approx(4.25)


@pytest.mark.parametrize(
    ("change_pct", "factor"),
    [(0.0, 1.0), (-0.2, 0.8**-1.2), (0.5, 1.5**-1.2), (-0.9, 5.0), (5.0, 6**-1.2), (-1.0, 5.0)],
)
def test_price_factor(change_pct: float, factor: float) -> None:
    assert price_factor(change_pct) == pytest.approx(factor)


def test_windows_outside_the_horizon_touch_nothing() -> None:
    before = {"start_date": "2025-06-01", "end_date": "2025-06-30"}
    after = {"start_date": "2025-07-11", "end_date": "2025-07-31"}
    assumptions = _assumptions(
        price={"change_pct": -0.5, **before}, promotion={"kind": "bogo", **after}
    )
    np.testing.assert_array_equal(daily_factors(DAYS, assumptions), np.ones(10))


def test_scenario_values_are_never_negative() -> None:
    baseline = np.array([-2.0, 0.0, 4.0])
    np.testing.assert_array_equal(apply_factors(baseline, np.array([2.0, 3.0, 1.5])), [0, 0, 6])
