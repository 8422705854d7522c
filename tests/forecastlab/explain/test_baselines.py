"""Rule-based explanations redo each baseline's arithmetic exactly (spec §10.2, D-17)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from forecastlab.explain.baselines import EXPLAINABLE_TYPES, baseline_config, explain_baseline
from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.history import History
from forecastlab.models import InsufficientDataError, ModelError, make_forecaster
from forecastlab.settings import Settings

SETTINGS = Settings()
INTERMITTENT_TYPES = {"croston", "tsb", "adida", "imapa"}
CONFIGS: list[dict[str, Any]] = [
    {"model_type": "naive"},
    {"model_type": "seasonal_naive"},
    {"model_type": "seasonal_naive", "season_length": 30},
    {"model_type": "moving_average", "window_size": 5},
    {"model_type": "weighted_moving_average"},
    {"model_type": "weighted_moving_average", "weight_strategy": "exponential", "decay": 0.55},
    {"model_type": "seasonal_average"},
    {"model_type": "seasonal_average", "season_length": 5, "lookback_cycles": 6},
    {"model_type": "seasonal_average", "trim_outliers": True, "lookback_cycles": 5},
    {"model_type": "trend_regression_baseline"},
    {"model_type": "trend_regression_baseline", "include_dow": False, "alpha": 0.1},
    {"model_type": "trend_regression_baseline", "include_month": False},
    {"model_type": "croston"},
    {"model_type": "croston", "variant": "sba", "alpha": 0.2},
    {"model_type": "tsb", "alpha_d": 0.2, "alpha_p": 0.05},
    {"model_type": "adida"},
    {"model_type": "imapa"},
]
INTERMITTENT_CONFIGS = [config for config in CONFIGS if config["model_type"] in INTERMITTENT_TYPES]


def _history(y: np.ndarray) -> History:
    start = date(2025, 1, 1)
    return History([start + timedelta(days=i) for i in range(y.size)], np.asarray(y, float))


def _series(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(9, n).astype(float)


def _explain(config: dict[str, Any], y: np.ndarray) -> tuple[Any, float]:
    """The breakdown, and what the model itself forecasts for day 1."""
    model_config = baseline_config(config["model_type"], config)
    breakdown = explain_baseline(model_config, _history(y), SETTINGS)
    return breakdown, float(make_forecaster(model_config, SETTINGS).fit(y).predict(1)[0])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c.values())))
@pytest.mark.parametrize("n", [60, 150])
def test_the_explained_value_is_the_models_forecast(config: dict[str, Any], n: int) -> None:
    for seed in range(3):
        breakdown, forecast = _explain(config, _series(n, seed))
        assert breakdown.forecast == forecast
        total = sum(driver.contribution for driver in breakdown.drivers)
        assert total == pytest.approx(forecast, abs=1e-9)


def _sparse(n: int, seed: int) -> np.ndarray:
    """Zero-heavy counts: most days sell nothing."""
    rng = np.random.default_rng(seed)
    return (rng.negative_binomial(1, 0.4, n) * (rng.random(n) < 0.2)).astype(float)


@pytest.mark.parametrize(
    "config", INTERMITTENT_CONFIGS, ids=lambda c: "-".join(map(str, c.values()))
)
@pytest.mark.parametrize(
    "y",
    [_sparse(90, 0), _sparse(200, 1), _sparse(30, 2), np.zeros(40), np.array([0.0, 0, 6, 0])],
    ids=["sparse-90", "sparse-200", "sparse-30", "all-zero", "one-sale"],
)
def test_intermittent_explanations_are_the_models_forecast(
    config: dict[str, Any], y: np.ndarray
) -> None:
    breakdown, forecast = _explain(config, y)
    assert breakdown.forecast == forecast
    total = sum(driver.contribution for driver in breakdown.drivers)
    assert total == pytest.approx(forecast, abs=1e-9)
    assert breakdown.drivers[-1].name == "demand_days"
    assert breakdown.drivers[-1].feature_value == np.count_nonzero(y)
    assert breakdown.confidence in ("low", "medium")


def test_croston_drivers_are_the_smoothed_size_and_interval() -> None:
    y = np.array([0, 0, 3, 0, 0, 0, 2, 0, 1, 0], float)
    breakdown, forecast = _explain({"model_type": "croston", "variant": "sba"}, y)
    names = [driver.name for driver in breakdown.drivers]
    assert names == ["demand_rate", "demand_size", "demand_interval", "sba_factor", "demand_days"]
    by_name = {driver.name: driver for driver in breakdown.drivers}
    assert by_name["demand_size"].feature_value == pytest.approx(2.71)
    assert by_name["demand_interval"].feature_value == pytest.approx(2.99)
    assert by_name["sba_factor"].feature_value == 0.95
    assert forecast == pytest.approx(0.95 * 2.71 / 2.99)
    assert breakdown.confidence == "low"  # 10 observations, 3 with demand

    no_demand, _ = _explain({"model_type": "croston"}, np.zeros(60))
    assert [driver.name for driver in no_demand.drivers] == ["last_observation", "demand_days"]


def test_aggregation_drivers() -> None:
    y = np.tile([0.0, 0.0, 4.0], 30)  # a sale every third day
    adida, forecast = _explain({"model_type": "adida"}, y)
    assert [driver.name for driver in adida.drivers] == [
        "aggregated_rate",
        "aggregation_level",
        "bucket_forecast",
        "demand_days",
    ]
    assert adida.drivers[1].feature_value == 3.0
    assert adida.drivers[2].feature_value == pytest.approx(4.0)  # every bucket totals 4
    assert forecast == pytest.approx(4.0 / 3)
    assert adida.confidence == "medium"  # 90 observations, 30 with demand

    imapa, _ = _explain({"model_type": "imapa"}, y)
    by_name = {driver.name: driver.feature_value for driver in imapa.drivers}
    assert by_name["aggregation_level"] == 3.0
    assert by_name["rate_largest_bucket"] == pytest.approx(4.0 / 3)

    empty, _ = _explain({"model_type": "imapa"}, np.zeros(10))
    assert [driver.name for driver in empty.drivers] == ["no_demand", "demand_days"]


def test_every_explainable_type_is_covered() -> None:
    assert {config["model_type"] for config in CONFIGS} == set(EXPLAINABLE_TYPES)


def test_naive_drivers_and_confidence() -> None:
    y = np.array([4.0] * 7 + [10.0] * 6 + [12.0])
    breakdown, _ = _explain({"model_type": "naive"}, y)
    last, trend = breakdown.drivers
    assert (last.name, last.feature_value, last.contribution, last.direction) == (
        "last_observation",
        12.0,
        12.0,
        "positive",
    )
    assert trend.name == "recent_trend" and trend.contribution == 0.0
    assert trend.feature_value == pytest.approx(np.mean(y[-7:]) - 4.0)
    assert trend.direction == "positive"
    assert breakdown.confidence == "medium"

    short, _ = _explain({"model_type": "naive"}, y[-13:])
    assert [driver.name for driver in short.drivers] == ["last_observation"]
    assert short.confidence == "low"


def test_seasonal_naive_matches_one_season_back() -> None:
    y = np.arange(1.0, 21.0)
    breakdown, _ = _explain({"model_type": "seasonal_naive", "season_length": 7}, y)
    assert [d.name for d in breakdown.drivers] == ["season_match"]
    assert breakdown.forecast == 14.0  # y[-7]
    assert breakdown.confidence == "medium"
    low, _ = _explain({"model_type": "seasonal_naive", "season_length": 12}, y)
    assert low.confidence == "low"  # 20 < 2 x 12


@pytest.mark.parametrize(
    ("window", "confidence"),
    [([10.0, 11.0, 9.0, 10.0], "high"), ([1.0, 20.0, 2.0, 30.0], "medium"), ([0.0] * 4, "high")],
)
def test_moving_average_confidence_follows_the_windows_dispersion(
    window: list[float], confidence: str
) -> None:
    y = np.array([50.0] * 10 + window)
    breakdown, _ = _explain({"model_type": "moving_average", "window_size": 4}, y)
    mean, dispersion = breakdown.drivers
    assert mean.name == "window_mean" and mean.feature_value == pytest.approx(np.mean(window))
    assert dispersion.name == "window_dispersion"
    assert (dispersion.contribution, dispersion.direction) == (0.0, "neutral")
    assert dispersion.feature_value == pytest.approx(np.std(window))
    assert breakdown.confidence == confidence


def test_trend_drivers_add_up_to_the_ridge_prediction() -> None:
    y = np.linspace(40, 10, 45)
    breakdown, forecast = _explain({"model_type": "trend_regression_baseline"}, y)
    names = [driver.name for driver in breakdown.drivers]
    assert names == ["trend", "day_of_week_effect", "month_effect", "bias"]
    assert breakdown.drivers[0].feature_value == 45.0  # the position forecast
    assert breakdown.drivers[1].feature_value == 45 % 7
    assert breakdown.drivers[2].feature_value == (45 // 30) % 12
    assert breakdown.drivers[3].feature_value is None
    assert sum(d.contribution for d in breakdown.drivers) == pytest.approx(forecast, abs=1e-9)
    assert breakdown.extra_caveats == ()


def test_a_floored_trend_says_so() -> None:
    y = np.linspace(60, 1, 40)  # falling steeply: the next position extrapolates below zero
    breakdown, forecast = _explain(
        {"model_type": "trend_regression_baseline", "include_dow": False, "alpha": 0.0}, y
    )
    raw = sum(driver.contribution for driver in breakdown.drivers)
    assert raw < 0 and forecast == breakdown.forecast == 0.0
    assert "below zero" in breakdown.extra_caveats[0]


@pytest.mark.parametrize(
    ("config", "n"),
    [
        ({"model_type": "seasonal_naive", "season_length": 10}, 9),
        ({"model_type": "moving_average", "window_size": 30}, 29),
        ({"model_type": "seasonal_average"}, 13),
    ],
)
def test_too_few_observations_are_refused(config: dict[str, Any], n: int) -> None:
    with pytest.raises(InsufficientDataError, match=f"got {n}"):
        _explain(config, _series(n, 0))


@pytest.mark.parametrize("model_type", ["lightgbm", "regression", "portfolio", "Naive", ""])
def test_other_model_types_are_not_explainable(model_type: str) -> None:
    with pytest.raises(NotExplainableError, match="no rule-based explanation"):
        baseline_config(model_type, {})


def test_only_the_models_own_parameters_are_read() -> None:
    params = {"season_length": 14, "window_size": 3, "other": "x", "model_type": "ignored"}
    assert baseline_config("moving_average", params).window_size == 3  # type: ignore[attr-defined]
    assert baseline_config("seasonal_naive", params).season_length == 14  # type: ignore[attr-defined]
    assert baseline_config("naive", params).model_type == "naive"
    defaults = baseline_config("seasonal_naive", {"season_length": None})
    assert defaults.season_length == 7  # type: ignore[attr-defined]


def test_parameters_out_of_the_models_bounds_are_refused() -> None:
    with pytest.raises(ModelError, match="window_size"):
        baseline_config("weighted_moving_average", {"window_size": 1})  # WMA needs >= 2
