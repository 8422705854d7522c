"""Croston, SBA, TSB, ADIDA and IMAPA against hand-computed values and a scalar reference.

The reference below is written from statsforecast's definitions, one series at a time with
plain Python loops and the textbook recursion (the level starts at the first value and takes
in the later ones), so it shares nothing with the vectorised time-major implementation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from forecastlab.models import (
    ADIDAConfig,
    CrostonConfig,
    IMAPAConfig,
    InsufficientDataError,
    TSBConfig,
    make_forecaster,
    parse_model_config,
)
from forecastlab.models.configs import ModelConfigBase
from forecastlab.models.intermittent import Sequences, aggregation_level
from forecastlab.settings import Settings

GOLDEN = (math.sqrt(5.0) + 1.0) / 2.0
TOL = {"rel": 1e-9, "abs": 1e-12}


def _forecast(config: ModelConfigBase, y: list[float] | np.ndarray, settings: Settings) -> float:
    return float(make_forecaster(config, settings).fit(np.asarray(y, float)).predict(1)[0])


# --- the scalar reference ----------------------------------------------------------------------


def ref_ses(x: list[float], alpha: float) -> float:
    level = x[0]
    for value in x[1:]:
        level = alpha * value + (1 - alpha) * level
    return level


def ref_sse(x: list[float], alpha: float) -> float:
    level, sse = x[0], 0.0
    for value in x[1:]:
        sse += (value - level) ** 2
        level = alpha * value + (1 - alpha) * level
    return sse


def ref_golden_alpha(x: list[float]) -> float:
    low, high = 0.1, 0.3
    c, d = high - (high - low) / GOLDEN, low + (high - low) / GOLDEN
    while high - low >= 1e-12:
        fc, fd = ref_sse(x, c), ref_sse(x, d)
        if fc < fd:
            high, d = d, c
            c = high - (high - low) / GOLDEN
        elif fd < fc:
            low, c = c, d
            d = low + (high - low) / GOLDEN
        else:
            break
    return (low + high) / 2


def ref_mean_interval_level(y: list[float]) -> int:
    positions = [i for i, value in enumerate(y) if value != 0]
    return round((positions[-1] + 1) / len(positions))  # Python's round: half to even


def ref_bucket_rate(y: list[float], size: int) -> float:
    kept = y[len(y) % size :]
    totals = [sum(kept[i : i + size]) for i in range(0, len(kept), size)]
    return ref_ses(totals, ref_golden_alpha(totals)) / size


def ref_croston(y: list[float], alpha: float = 0.1, factor: float = 1.0) -> float:
    sizes = [value for value in y if value > 0]
    if not sizes:
        return y[-1] * factor
    positions = [i + 1 for i, value in enumerate(y) if value != 0]
    intervals = [b - a for a, b in zip([0, *positions[:-1]], positions, strict=True)]
    return ref_ses(sizes, alpha) / ref_ses(intervals, alpha) * factor


def ref_tsb(y: list[float], alpha_d: float = 0.1, alpha_p: float = 0.1) -> float:
    sizes = [value for value in y if value > 0]
    if not sizes:
        return 0.0
    return ref_ses([float(value != 0) for value in y], alpha_p) * ref_ses(sizes, alpha_d)


def ref_adida(y: list[float]) -> float:
    if not any(y):
        return 0.0
    return ref_bucket_rate(y, ref_mean_interval_level(y))


def ref_imapa(y: list[float]) -> float:
    if not any(y):
        return 0.0
    largest = ref_mean_interval_level(y)
    return sum(ref_bucket_rate(y, size) for size in range(1, largest + 1)) / largest


REFERENCES: list[tuple[dict[str, Any], Any]] = [
    ({"model_type": "croston"}, ref_croston),
    ({"model_type": "croston", "alpha": 0.3}, lambda y: ref_croston(y, alpha=0.3)),
    ({"model_type": "croston", "variant": "sba"}, lambda y: ref_croston(y, factor=0.95)),
    ({"model_type": "tsb"}, ref_tsb),
    ({"model_type": "tsb", "alpha_d": 0.3, "alpha_p": 0.05}, lambda y: ref_tsb(y, 0.3, 0.05)),
    ({"model_type": "adida"}, ref_adida),
    ({"model_type": "imapa"}, ref_imapa),
]
REFERENCE_IDS = ["-".join(map(str, config.values())) for config, _ in REFERENCES]


def _intermittent(seed: int, n: int) -> list[float]:
    rng = np.random.default_rng(seed)
    demand = rng.negative_binomial(2, 0.4, n) * (rng.random(n) < rng.uniform(0.05, 0.8))
    return (demand * rng.choice([1.0, 0.5, 1.3])).tolist()


# --- hand-computed values ------------------------------------------------------------------------


def test_croston_by_hand(settings: Settings) -> None:
    y = [0, 0, 3, 0, 0, 0, 2, 0, 1, 0]
    # sizes 3, 2, 1 -> 3, 0.1*2 + 0.9*3 = 2.9, 0.1*1 + 0.9*2.9 = 2.71
    # intervals 3 (positions 2+1), 4, 2 -> 3, 3.1, 0.1*2 + 0.9*3.1 = 2.99
    classic = _forecast(CrostonConfig(), y, settings)
    assert classic == pytest.approx(2.71 / 2.99, **TOL)
    assert _forecast(CrostonConfig(variant="sba"), y, settings) == pytest.approx(
        0.95 * 2.71 / 2.99, **TOL
    )
    model = make_forecaster(CrostonConfig(), settings).fit(np.array(y, float))
    assert (model.demand_size_, model.demand_interval_, model.demands_) == pytest.approx(
        (2.71, 2.99, 3)
    )
    assert model.predict(4).tolist() == [classic] * 4


def test_tsb_by_hand(settings: Settings) -> None:
    y = [0, 2, 0, 0, 4]
    # occurrence 0,1,0,0,1 -> 0, 0.1, 0.09, 0.081, 0.1 + 0.9*0.081 = 0.1729
    # sizes 2, 4 with alpha_d 0.5 -> 3
    assert _forecast(TSBConfig(alpha_d=0.5), y, settings) == pytest.approx(0.1729 * 3, **TOL)
    model = make_forecaster(TSBConfig(alpha_d=0.5), settings).fit(np.array(y, float))
    assert (model.demand_probability_, model.demand_size_) == pytest.approx((0.1729, 3.0))


@pytest.mark.parametrize(
    ("y", "level", "expected"),
    [
        # intervals 2, 2, 2, 2 -> buckets of 2 -> totals 2, 2, 2, 2: any alpha gives 2
        ([0, 2, 0, 2, 0, 2, 0, 2], 2, 1.0),
        # intervals 2, 3: mean 2.5 rounds half to even -> 2; the oldest value is dropped
        ([0, 1, 0, 0, 1], 2, 0.5),
        # intervals 3, 4: mean 3.5 rounds to 4; 7 mod 4 = 3 values dropped, one bucket
        ([0, 0, 1, 0, 0, 0, 1], 4, 0.25),
        # every day sells: buckets of 1, a constant series
        ([3, 3, 3, 3], 1, 3.0),
    ],
)
def test_adida_by_hand(y: list[float], level: int, expected: float, settings: Settings) -> None:
    model = make_forecaster(ADIDAConfig(), settings).fit(np.array(y, float))
    assert model.aggregation_level_ == level
    assert model.predict(2).tolist() == pytest.approx([expected] * 2, **TOL)


def test_imapa_averages_adida_over_the_bucket_sizes(settings: Settings) -> None:
    y = [0, 0, 1, 0, 0, 0, 1]  # largest bucket size 4
    model = make_forecaster(IMAPAConfig(), settings).fit(np.array(y, float))
    rates = [ref_bucket_rate(y, size) for size in (1, 2, 3, 4)]
    assert model.aggregation_level_ == 4
    assert model.level_forecasts_.tolist() == pytest.approx(rates, **TOL)
    assert rates[3] == 0.25  # one bucket holding one sale, as ADIDA above
    assert model.level_ == pytest.approx(sum(rates) / 4, **TOL)


def test_the_aggregation_level_rounds_half_to_even() -> None:
    values = np.array(
        [[0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0]], float
    )
    # mean intervals 2.5 (-> 2), 3 and 1, and 0 for the all-zero row; the 3rd row's length is
    # 2, the padding after it is never read.
    assert aggregation_level(values, np.array([6, 6, 2, 6])).tolist() == [2, 3, 1, 0]


# --- edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("config", "reference"), REFERENCES, ids=REFERENCE_IDS)
@pytest.mark.parametrize(
    "y",
    [
        [0.0] * 9,
        [5.0],
        [0.0, 0.0, 0.0, 4.0],
        [4.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 7.0, 0.0],
        [2.0, 2.0],
        [0.0, 0.0, -3.0, 0.0],
        [1.0, -2.0, 0.0, 3.0, 0.0, 0.0],
    ],
    ids=[
        "all-zero",
        "one-value",
        "demand-last",
        "demand-first",
        "single-demand-inside",
        "two-values",
        "negative-only",
        "with-a-return",
    ],
)
def test_edge_cases_follow_the_definitions(
    config: dict[str, Any], reference: Any, y: list[float], settings: Settings
) -> None:
    assert _forecast(parse_model_config(config), y, settings) == pytest.approx(reference(y), **TOL)


@pytest.mark.parametrize(
    "config",
    # Croston: no demand -> the last value, 0 here.
    [CrostonConfig(), CrostonConfig(variant="sba"), TSBConfig(), ADIDAConfig(), IMAPAConfig()],
    ids=["croston", "sba", "tsb", "adida", "imapa"],
)
def test_an_all_zero_series_forecasts_zero(config: ModelConfigBase, settings: Settings) -> None:
    model = make_forecaster(config, settings).fit(np.zeros(30))
    assert model.predict(5).tolist() == [0.0] * 5


def test_without_positive_demand_croston_repeats_the_last_value(settings: Settings) -> None:
    y = [0.0, -2.0, 0.0, -1.0]
    assert _forecast(CrostonConfig(), y, settings) == -1.0
    assert _forecast(CrostonConfig(variant="sba"), y, settings) == pytest.approx(-0.95)
    model = make_forecaster(CrostonConfig(), settings).fit(np.array(y))
    assert model.demands_ == 0 and np.isnan(model.demand_size_)


@pytest.mark.parametrize(("config", "_"), REFERENCES, ids=REFERENCE_IDS)
def test_an_empty_series_is_refused(config: dict[str, Any], _: Any, settings: Settings) -> None:
    with pytest.raises(InsufficientDataError, match="at least 1 observations, got 0"):
        make_forecaster(parse_model_config(config), settings).fit(np.array([]))


# --- the reference on random series --------------------------------------------------------------


@pytest.mark.parametrize(("config", "reference"), REFERENCES, ids=REFERENCE_IDS)
def test_random_intermittent_series_match_the_reference(
    config: dict[str, Any], reference: Any, settings: Settings
) -> None:
    model = make_forecaster(parse_model_config(config), settings)
    for seed, n in enumerate([1, 2, 3, 7, 15, 40, 90, 180, 365] * 3):
        y = _intermittent(seed, n)
        assert model.fit(np.array(y)).predict(1)[0] == pytest.approx(reference(y), **TOL), (
            seed,
            n,
        )


# --- the shared smoothing ------------------------------------------------------------------------


def test_sequences_smooth_each_sequence_on_its_own() -> None:
    cells = [1.0, 5.0, 2.0, 7.0, 3.0, 4.0, 8.0]
    sequences = Sequences.of(np.array([2, 0, 1, 4]), np.array(cells))
    alpha = np.array([0.5, 0.1, 0.2, 0.3])
    level, sse = sequences.ses(alpha)
    assert level.tolist() == pytest.approx(
        [ref_ses([1.0, 5.0], 0.5), 0.0, 2.0, ref_ses([7.0, 3.0, 4.0, 8.0], 0.3)], **TOL
    )
    assert sse.tolist() == pytest.approx(
        [16.0, 0.0, 0.0, ref_sse([7.0, 3.0, 4.0, 8.0], 0.3)], **TOL
    )
    optimal = sequences.optimal_alpha()
    assert optimal[3] == pytest.approx(ref_golden_alpha([7.0, 3.0, 4.0, 8.0]), abs=1e-9)
    assert optimal[1] == optimal[2] == pytest.approx(0.2)  # too short to search: the midpoint
