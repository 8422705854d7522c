"""make_forecaster: the class per model type, the opt-in flags and the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecastlab.models import (
    FEATURE_AWARE_TYPES,
    KNOWN_MODEL_TYPES,
    LightGBMConfig,
    ModelNotEnabledError,
    RandomForestConfig,
    SeasonalAverageConfig,
    XGBoostConfig,
    make_forecaster,
    parse_model_config,
)
from forecastlab.models.base import init_param_names
from forecastlab.models.factory import FORECASTERS
from forecastlab.settings import Settings

# Fields that describe a configuration rather than parameterise the model.
_NOT_HYPER_PARAMETERS = {"model_type", "schema_version", "feature_config_hash"}


def test_every_known_type_has_a_forecaster() -> None:
    assert tuple(FORECASTERS) == KNOWN_MODEL_TYPES


@pytest.mark.parametrize("model_type", KNOWN_MODEL_TYPES)
def test_factory_builds_the_configured_model(model_type: str, all_enabled: Settings) -> None:
    config = parse_model_config({"model_type": model_type})
    model = make_forecaster(config, all_enabled)
    assert model.model_type == model_type
    assert model.feature_aware == (model_type in FEATURE_AWARE_TYPES)
    assert not model.is_fitted
    hyper_parameters = set(type(config).model_fields) - _NOT_HYPER_PARAMETERS
    # Every config parameter reaches the model, and the model takes nothing else but the seed.
    assert set(init_param_names(type(model))) - {"random_state"} == hyper_parameters
    params = model.get_params()
    assert {name: params[name] for name in hyper_parameters} == {
        name: getattr(config, name) for name in hyper_parameters
    }


def test_non_default_parameters_are_passed_through(settings: Settings) -> None:
    config = SeasonalAverageConfig(season_length=5, lookback_cycles=3, trim_outliers=True)
    assert make_forecaster(config, settings).get_params() == {
        "season_length": 5,
        "lookback_cycles": 3,
        "trim_outliers": True,
    }


@pytest.mark.parametrize(
    ("config", "flag"),
    [
        (XGBoostConfig(), "forecast_enable_xgboost"),
        (RandomForestConfig(), "forecast_enable_random_forest"),
    ],
)
def test_opt_in_models_are_disabled_by_default(
    config: XGBoostConfig | RandomForestConfig, flag: str, settings: Settings
) -> None:
    with pytest.raises(ModelNotEnabledError) as error:
        make_forecaster(config, settings)
    assert str(error.value) == f"{config.model_type} is not enabled — set {flag}=true"
    assert isinstance(error.value, ValueError)  # → 400 in the API


def test_opt_in_models_work_when_enabled(settings: Settings) -> None:
    enabled = Settings(
        _env_file=None, forecast_enable_xgboost=True, forecast_enable_random_forest=True
    )
    assert make_forecaster(XGBoostConfig(), enabled).model_type == "xgboost"
    assert make_forecaster(RandomForestConfig(), enabled).model_type == "random_forest"


def test_lightgbm_is_enabled_by_default_and_can_be_switched_off(settings: Settings) -> None:
    assert settings.forecast_enable_lightgbm is True
    assert make_forecaster(LightGBMConfig(), settings).model_type == "lightgbm"
    off = settings.model_copy(update={"forecast_enable_lightgbm": False})
    with pytest.raises(ModelNotEnabledError, match="set forecast_enable_lightgbm=true"):
        make_forecaster(LightGBMConfig(), off)


def test_without_settings_the_environment_decides(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file here
    with pytest.raises(ModelNotEnabledError):
        make_forecaster(XGBoostConfig())
    monkeypatch.setenv("FORECAST_ENABLE_XGBOOST", "true")
    monkeypatch.setenv("FORECAST_RANDOM_SEED", "11")
    assert make_forecaster(XGBoostConfig()).get_params()["random_state"] == 11


def test_forecast_settings_defaults(settings: Settings) -> None:
    assert settings.forecast_random_seed == 42
    assert settings.forecast_default_horizon == 14
    assert settings.forecast_max_horizon == 90
    assert settings.forecast_enable_xgboost is False
    assert settings.forecast_enable_random_forest is False
