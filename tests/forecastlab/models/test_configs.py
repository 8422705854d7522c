"""Model configurations (spec §6.2) and the config hash (§6.8)."""

from __future__ import annotations

import hashlib
import typing
from typing import Any

import pytest
from pydantic import ValidationError

from forecastlab.models import (
    KNOWN_MODEL_TYPES,
    ADIDAConfig,
    CrostonConfig,
    IMAPAConfig,
    LightGBMConfig,
    ModelConfig,
    MovingAverageConfig,
    NaiveConfig,
    ProphetLikeConfig,
    RandomForestConfig,
    RegressionConfig,
    SeasonalAverageConfig,
    SeasonalNaiveConfig,
    TrendRegressionBaselineConfig,
    TSBConfig,
    WeightedMovingAverageConfig,
    XGBoostConfig,
    config_hash,
    parse_model_config,
)


def _union_members() -> tuple[type, ...]:
    union = typing.get_args(ModelConfig)[0]
    return typing.get_args(union)


def test_union_covers_the_known_types_in_order() -> None:
    literals = [cls.model_fields["model_type"].default for cls in _union_members()]
    assert tuple(literals) == KNOWN_MODEL_TYPES


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (NaiveConfig(), {}),
        (SeasonalNaiveConfig(), {"season_length": 7}),
        (MovingAverageConfig(), {"window_size": 7}),
        (
            WeightedMovingAverageConfig(),
            {"window_size": 7, "weight_strategy": "linear", "decay": 0.7},
        ),
        (
            SeasonalAverageConfig(),
            {"season_length": 7, "lookback_cycles": 4, "trim_outliers": False},
        ),
        (
            TrendRegressionBaselineConfig(),
            {"alpha": 1.0, "include_dow": True, "include_month": True},
        ),
        (
            RegressionConfig(),
            {"max_iter": 200, "learning_rate": 0.05, "max_depth": 6, "feature_config_hash": None},
        ),
        (ProphetLikeConfig(), {"alpha": 1.0, "feature_config_hash": None}),
        (
            LightGBMConfig(),
            {
                "n_estimators": 100,
                "max_depth": 6,
                "learning_rate": 0.1,
                "feature_config_hash": None,
            },
        ),
        (
            XGBoostConfig(),
            {
                "n_estimators": 100,
                "max_depth": 6,
                "learning_rate": 0.1,
                "feature_config_hash": None,
            },
        ),
        (
            RandomForestConfig(),
            {
                "n_estimators": 100,
                "max_depth": 10,
                "min_samples_leaf": 2,
                "feature_config_hash": None,
            },
        ),
        (CrostonConfig(), {"variant": "classic", "alpha": 0.1}),
        (TSBConfig(), {"alpha_d": 0.1, "alpha_p": 0.1}),
        (ADIDAConfig(), {}),
        (IMAPAConfig(), {}),
    ],
)
def test_defaults(config: Any, expected: dict[str, Any]) -> None:
    dumped = config.model_dump()
    assert dumped.pop("schema_version") == "1.0"
    assert dumped.pop("model_type") == config.model_type
    assert dumped == expected


@pytest.mark.parametrize(
    "data",
    [
        {"model_type": "seasonal_naive", "season_length": 1},
        {"model_type": "seasonal_naive", "season_length": 365},
        {"model_type": "moving_average", "window_size": 1},
        {"model_type": "moving_average", "window_size": 90},
        {"model_type": "weighted_moving_average", "window_size": 2, "decay": 0.01},
        {"model_type": "weighted_moving_average", "weight_strategy": "exponential", "decay": 0.99},
        {"model_type": "seasonal_average", "season_length": 2, "lookback_cycles": 12},
        {"model_type": "seasonal_average", "season_length": 365, "lookback_cycles": 2},
        {"model_type": "trend_regression_baseline", "alpha": 0},
        {"model_type": "trend_regression_baseline", "alpha": 1000},
        {"model_type": "regression", "max_iter": 10, "learning_rate": 0.001, "max_depth": 1},
        {"model_type": "regression", "max_iter": 1000, "learning_rate": 1, "max_depth": 20},
        {"model_type": "prophet_like", "alpha": 10000, "feature_config_hash": "abc"},
        {"model_type": "lightgbm", "n_estimators": 10, "max_depth": 20, "learning_rate": 1},
        {"model_type": "xgboost", "n_estimators": 1000, "max_depth": 1, "learning_rate": 0.001},
        {"model_type": "random_forest", "n_estimators": 500, "max_depth": None},
        {"model_type": "random_forest", "max_depth": 2, "min_samples_leaf": 50},
        {"model_type": "random_forest", "max_depth": 64, "min_samples_leaf": 1},
        {"model_type": "croston", "variant": "sba", "alpha": 1.0},
        {"model_type": "croston", "alpha": 0.001},
        {"model_type": "tsb", "alpha_d": 1.0, "alpha_p": 0.001},
    ],
)
def test_bounds_are_inclusive_where_the_spec_says_so(data: dict[str, Any]) -> None:
    config = parse_model_config(data)
    assert config.model_dump(exclude={"schema_version"}, exclude_unset=True) == data


@pytest.mark.parametrize(
    "data",
    [
        {"model_type": "seasonal_naive", "season_length": 0},
        {"model_type": "seasonal_naive", "season_length": 366},
        {"model_type": "moving_average", "window_size": 0},
        {"model_type": "moving_average", "window_size": 91},
        {"model_type": "weighted_moving_average", "window_size": 1},
        {"model_type": "weighted_moving_average", "window_size": 91},
        {"model_type": "weighted_moving_average", "decay": 0},
        {"model_type": "weighted_moving_average", "decay": 1},
        {"model_type": "weighted_moving_average", "weight_strategy": "quadratic"},
        {"model_type": "seasonal_average", "season_length": 1},
        {"model_type": "seasonal_average", "season_length": 366},
        {"model_type": "seasonal_average", "lookback_cycles": 1},
        {"model_type": "seasonal_average", "lookback_cycles": 13},
        {"model_type": "trend_regression_baseline", "alpha": -0.1},
        {"model_type": "trend_regression_baseline", "alpha": 1000.5},
        {"model_type": "regression", "max_iter": 9},
        {"model_type": "regression", "max_iter": 1001},
        {"model_type": "regression", "learning_rate": 0.0009},
        {"model_type": "regression", "learning_rate": 1.01},
        {"model_type": "regression", "max_depth": 0},
        {"model_type": "regression", "max_depth": 21},
        {"model_type": "prophet_like", "alpha": -1},
        {"model_type": "prophet_like", "alpha": 10001},
        {"model_type": "lightgbm", "n_estimators": 9},
        {"model_type": "lightgbm", "n_estimators": 1001},
        {"model_type": "lightgbm", "max_depth": 21},
        {"model_type": "lightgbm", "learning_rate": 0},
        {"model_type": "xgboost", "n_estimators": 1001},
        {"model_type": "xgboost", "max_depth": 0},
        {"model_type": "xgboost", "learning_rate": 1.5},
        {"model_type": "random_forest", "n_estimators": 9},
        {"model_type": "random_forest", "n_estimators": 501},
        {"model_type": "random_forest", "max_depth": 1},
        {"model_type": "random_forest", "max_depth": 65},
        {"model_type": "random_forest", "min_samples_leaf": 0},
        {"model_type": "random_forest", "min_samples_leaf": 51},
        {"model_type": "croston", "alpha": 0},
        {"model_type": "croston", "alpha": 1.01},
        {"model_type": "croston", "variant": "optimized"},
        {"model_type": "tsb", "alpha_d": 0},
        {"model_type": "tsb", "alpha_p": 1.5},
        {"model_type": "adida", "alpha": 0.1},
    ],
)
def test_out_of_bounds_values_are_rejected(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_model_config(data)


@pytest.mark.parametrize(
    "data",
    [
        {"model_type": "naive", "season_length": 7},  # extra key
        {"model_type": "seasonal_naive", "window_size": 7},  # another model's parameter
        {"model_type": "arima"},
        {"season_length": 7},  # no discriminator
        {"model_type": "naive", "schema_version": "2.0"},
        {"model_type": "seasonal_naive", "season_length": "7"},  # strict: no string coercion
        {"model_type": "seasonal_naive", "season_length": True},
        {"model_type": "seasonal_naive", "season_length": 7.5},
        {"model_type": "prophet_like", "alpha": float("nan")},
        {"model_type": "trend_regression_baseline", "alpha": float("inf")},
    ],
)
def test_invalid_documents_are_rejected(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_model_config(data)


@pytest.mark.parametrize("model_type", KNOWN_MODEL_TYPES)
def test_parsing_picks_the_class_of_the_model_type(model_type: str) -> None:
    config = parse_model_config({"model_type": model_type})
    assert config.model_type == model_type
    assert type(config).model_fields["model_type"].default == model_type


def test_configs_are_frozen() -> None:
    config = SeasonalNaiveConfig()
    with pytest.raises(ValidationError):
        config.season_length = 14  # type: ignore[misc]


def test_config_hash_is_sha256_of_the_json_dump_in_declared_order() -> None:
    expected_json = b'{"model_type":"seasonal_naive","schema_version":"1.0","season_length":7}'
    assert SeasonalNaiveConfig().model_dump_json().encode() == expected_json
    assert config_hash(SeasonalNaiveConfig()) == hashlib.sha256(expected_json).hexdigest()[:16]


def test_config_hash_is_stable_and_parameter_sensitive() -> None:
    parsed = parse_model_config({"model_type": "weighted_moving_average", "decay": 0.5})
    built = WeightedMovingAverageConfig(decay=0.5)
    assert config_hash(parsed) == config_hash(built)
    assert len(config_hash(built)) == 16
    assert int(config_hash(built), 16) >= 0
    assert config_hash(built) != config_hash(WeightedMovingAverageConfig(decay=0.6))
    assert config_hash(built) != config_hash(WeightedMovingAverageConfig())
    # Provenance counts: the same model trained on another feature configuration differs.
    assert config_hash(LightGBMConfig()) != config_hash(LightGBMConfig(feature_config_hash="f1"))
