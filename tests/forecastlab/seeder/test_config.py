"""Presets, knob bounds and the precedence of spec §2.7 (pure, no database)."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from forecastlab.seeder import (
    PRESETS,
    SeederConfigError,
    SeederOverrides,
    build_config,
    validate_preset_name,
)

TODAY = date(2025, 6, 30)


def test_all_nine_presets_with_their_documented_parameters() -> None:
    assert list(PRESETS) == [
        "retail_standard",
        "holiday_rush",
        "high_variance",
        "stockout_heavy",
        "new_launches",
        "sparse",
        "demo_minimal",
        "showcase_rich",
        "grocery_intermittent",
    ]
    configs = {name: build_config(name, today=TODAY) for name in PRESETS}
    sizes = {n: (c.dimensions.stores, c.dimensions.products) for n, c in configs.items()}
    assert sizes["new_launches"] == (10, 100)
    assert sizes["demo_minimal"] == (3, 10)
    assert sizes["showcase_rich"] == (5, 15)
    assert configs["retail_standard"].days == 366
    assert configs["demo_minimal"].days == 92
    assert configs["showcase_rich"].days == 181
    rush = configs["holiday_rush"]
    assert (rush.start_date, rush.end_date) == (date(2024, 10, 1), date(2024, 12, 31))
    assert rush.time_series.trend == "exponential"
    assert rush.time_series.monthly_seasonality == {10: 1.0, 11: 1.3, 12: 1.8}
    assert {h.name: h.multiplier for h in rush.holidays}["Black Friday"] == 3.0
    assert configs["stockout_heavy"].retail.stockout_probability == 0.25
    assert configs["high_variance"].time_series.anomaly_magnitude == 3.0
    assert configs["sparse"].sparsity.missing_combinations_pct == 0.5
    assert configs["new_launches"].dimensions.launch_share == 0.3
    assert configs["new_launches"].retail.new_product_ramp_days == 45
    grocery = configs["grocery_intermittent"]
    assert sizes["grocery_intermittent"] == (10, 100) and grocery.days == 731
    assert grocery.time_series.noise_model == "negative_binomial"
    assert grocery.dimensions.discontinue_share == 0.1
    assert PRESETS["holiday_rush"].window(TODAY) == (rush.start_date, rush.end_date)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stores": 500}, "stores must be between 1 and 100, got 500"),
        ({"products": 0}, "products must be between 1 and 500, got 0"),
        ({"overrides": {"stores": 101}}, "stores must be between 1 and 100, got 101"),
        ({"overrides": {"window_days": 30}}, "window_days must be between 75 and 365, got 30"),
        ({"overrides": {"noise_sigma": 0.9}}, "noise_sigma must be between 0 and 0.5, got 0.9"),
        ({"overrides": {"colour": 1}}, "unknown knob 'colour'"),
        ({"overrides": {"stores": "5"}}, "stores"),  # strict: no string coercion
        ({"yearly_seasonality_amplitude": 2.0}, r"between 0 and 1, got 2\.0"),
        ({"mean_lead_time_days": 400.0}, "mean_lead_time_days must be between 0 and 365"),
        ({"no_such_knob": True}, "unknown knob 'no_such_knob'"),
        ({"start_date": date(2025, 7, 1), "end_date": date(2025, 6, 1)}, "start_date must be"),
    ],
)
def test_bad_knobs_are_rejected_naming_the_knob_and_bounds(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SeederConfigError, match=message):
        build_config(today=TODAY, **kwargs)  # type: ignore[arg-type]


def test_window_days_is_rejected_on_the_pinned_holiday_rush() -> None:
    with pytest.raises(SeederConfigError, match=r"window_days.*holiday_rush"):
        build_config("holiday_rush", overrides={"window_days": 90})


def test_precedence_preset_then_scalars_then_overrides() -> None:
    keep = build_config("new_launches", today=TODAY)  # D-09: None keeps the preset's values
    assert keep.dimensions.products == 100
    scalar = build_config("new_launches", products=20, sparsity=0.2, today=TODAY)
    assert scalar.dimensions.products == 20
    assert scalar.sparsity.missing_combinations_pct == 0.2
    assert scalar.dimensions.launch_share == 0.3  # preset sibling survives
    both = build_config(
        "sparse",
        products=20,
        today=TODAY,
        overrides=SeederOverrides(products=7, window_days=100, sparsity=0.1),
    )
    assert both.dimensions.products == 7
    assert both.end_date == TODAY and both.days == 101
    assert both.sparsity.missing_combinations_pct == 0.1
    assert both.sparsity.random_gaps_per_series == 3  # other gap settings preserved
    assert both.overrides_applied == {"products": 7, "window_days": 100, "sparsity": 0.1}
    assert build_config(today=TODAY, overrides={}) == build_config(today=TODAY)
    assert build_config(today=TODAY, sparsity=0.0).sparsity.missing_combinations_pct == 0.0


def test_phase_knobs_reach_the_config() -> None:
    config = build_config(
        today=TODAY, enable_returns=True, enable_multichannel=True, yearly_seasonality_amplitude=0.3
    )
    assert config.phase1.enable_returns
    assert config.phase1.yearly_seasonality_amplitude == 0.3
    assert config.phase2.channel_mix == pytest.approx(
        {"click_collect": 0.1, "in_store": 0.7, "online": 0.2}
    )
    with pytest.raises(SeederConfigError, match="channel_mix"):
        build_config(today=TODAY, enable_multichannel=True, channel_mix={"mars": 1.0})


def test_unknown_preset_falls_back_to_defaults_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        config = build_config("no_such_preset", today=TODAY)
    assert config.preset == "default"
    assert config.time_series.trend == "none" and config.retail.promotion_probability == 0.05
    assert "no_such_preset" in caplog.text
    with pytest.raises(SeederConfigError, match="preset must be one of retail_standard"):
        validate_preset_name("no_such_preset")
