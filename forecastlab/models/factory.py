"""`make_forecaster`: a validated configuration → an unfitted Forecaster, after the flag checks."""

from __future__ import annotations

from typing import Final

from forecastlab.models.base import Forecaster, init_param_names
from forecastlab.models.baselines import (
    MovingAverageForecaster,
    NaiveForecaster,
    SeasonalAverageForecaster,
    SeasonalNaiveForecaster,
    WeightedMovingAverageForecaster,
)
from forecastlab.models.configs import ModelConfigBase
from forecastlab.models.errors import ModelError, ModelNotEnabledError
from forecastlab.models.intermittent import (
    ADIDAForecaster,
    CrostonForecaster,
    IMAPAForecaster,
    TSBForecaster,
)
from forecastlab.models.prophet_like import ProphetLikeForecaster
from forecastlab.models.regressors import (
    LightGBMForecaster,
    RandomForestForecaster,
    RegressionForecaster,
    XGBoostForecaster,
)
from forecastlab.models.trend import TrendRegressionBaselineForecaster
from forecastlab.settings import Settings, get_settings

FORECASTERS: Final[dict[str, type[Forecaster]]] = {
    cls.model_type: cls
    for cls in (
        NaiveForecaster,
        SeasonalNaiveForecaster,
        MovingAverageForecaster,
        WeightedMovingAverageForecaster,
        SeasonalAverageForecaster,
        TrendRegressionBaselineForecaster,
        RegressionForecaster,
        ProphetLikeForecaster,
        LightGBMForecaster,
        XGBoostForecaster,
        RandomForestForecaster,
        CrostonForecaster,
        TSBForecaster,
        ADIDAForecaster,
        IMAPAForecaster,
    )
}

# Opt-in models (spec §6.1) and the settings flag each needs; lightgbm is on by default here.
ENABLE_FLAGS: Final[dict[str, str]] = {
    "lightgbm": "forecast_enable_lightgbm",
    "xgboost": "forecast_enable_xgboost",
    "random_forest": "forecast_enable_random_forest",
}


def make_forecaster(config: ModelConfigBase, settings: Settings | None = None) -> Forecaster:
    """The unfitted forecaster `config` describes, seeded with `forecast_random_seed`.

    Raises ModelNotEnabledError (naming the flag) for an opt-in model whose flag is off.
    """
    if settings is None:
        settings = get_settings()
    flag = ENABLE_FLAGS.get(config.model_type)
    if flag is not None and not getattr(settings, flag):
        raise ModelNotEnabledError(f"{config.model_type} is not enabled — set {flag}=true")
    cls = FORECASTERS.get(config.model_type)
    if cls is None:
        raise ModelError(f"unknown model_type {config.model_type!r}")
    # The forecaster's __init__ names its hyper-parameters after the config's fields.
    params = {
        name: settings.forecast_random_seed if name == "random_state" else getattr(config, name)
        for name in init_param_names(cls)
    }
    return cls(**params)
