"""The taxonomy of spec §6.1."""

from __future__ import annotations

import logging

import pytest

from forecastlab.models import (
    FEATURE_AWARE_TYPES,
    KNOWN_MODEL_TYPES,
    TARGET_ONLY_TYPES,
    model_family,
)


def test_the_spec_types_in_spec_order_then_the_intermittent_models() -> None:
    assert KNOWN_MODEL_TYPES == (
        "naive",
        "seasonal_naive",
        "moving_average",
        "weighted_moving_average",
        "seasonal_average",
        "trend_regression_baseline",
        "regression",
        "prophet_like",
        "lightgbm",
        "xgboost",
        "random_forest",
        "croston",
        "tsb",
        "adida",
        "imapa",
    )


def test_target_only_and_feature_aware_partition_the_types() -> None:
    assert {
        "naive",
        "seasonal_naive",
        "moving_average",
        "weighted_moving_average",
        "seasonal_average",
        "trend_regression_baseline",
        "croston",
        "tsb",
        "adida",
        "imapa",
    } == TARGET_ONLY_TYPES
    assert {
        "regression",
        "prophet_like",
        "lightgbm",
        "xgboost",
        "random_forest",
    } == FEATURE_AWARE_TYPES


@pytest.mark.parametrize(
    ("model_type", "family"),
    [
        ("naive", "baseline"),
        ("seasonal_average", "baseline"),
        ("croston", "baseline"),
        ("tsb", "baseline"),
        ("adida", "baseline"),
        ("imapa", "baseline"),
        ("trend_regression_baseline", "additive"),
        ("prophet_like", "additive"),
        ("regression", "tree"),
        ("lightgbm", "tree"),
        ("xgboost", "tree"),
        ("random_forest", "tree"),
    ],
)
def test_families(model_type: str, family: str) -> None:
    assert model_family(model_type) == family


def test_unknown_type_is_a_baseline_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="forecastlab.models.taxonomy"):
        assert model_family("arima") == "baseline"
    assert "arima" in caplog.text


def test_known_type_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        model_family("naive")
    assert caplog.records == []
