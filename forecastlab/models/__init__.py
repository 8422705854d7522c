"""The model zoo (spec §6): configurations, the Forecaster interface, the models, a factory.

    config = parse_model_config({"model_type": "seasonal_naive", "season_length": 7})
    forecast = make_forecaster(config).fit(y).predict(14)

Feature-aware models take the feature frame as well: `fit(y, X)`, `predict(h, X_future)`.
"""

from forecastlab.models.base import Forecaster
from forecastlab.models.baselines import (
    MovingAverageForecaster,
    NaiveForecaster,
    SeasonalAverageForecaster,
    SeasonalNaiveForecaster,
    WeightedMovingAverageForecaster,
)
from forecastlab.models.configs import (
    ADIDAConfig,
    CrostonConfig,
    IMAPAConfig,
    LightGBMConfig,
    ModelConfig,
    ModelConfigBase,
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
from forecastlab.models.errors import (
    InsufficientDataError,
    ModelError,
    ModelNotEnabledError,
    NotFittedError,
)
from forecastlab.models.factory import ENABLE_FLAGS, make_forecaster
from forecastlab.models.intermittent import (
    ADIDAForecaster,
    CrostonForecaster,
    IMAPAForecaster,
    IntermittentForecaster,
    TSBForecaster,
)
from forecastlab.models.prophet_like import ProphetLikeForecaster
from forecastlab.models.regressors import (
    LightGBMForecaster,
    RandomForestForecaster,
    RegressionForecaster,
    XGBoostForecaster,
)
from forecastlab.models.taxonomy import (
    FEATURE_AWARE_TYPES,
    KNOWN_MODEL_TYPES,
    TARGET_ONLY_TYPES,
    model_family,
)
from forecastlab.models.trend import TrendRegressionBaselineForecaster, trend_design

__all__ = [
    "ENABLE_FLAGS",
    "FEATURE_AWARE_TYPES",
    "KNOWN_MODEL_TYPES",
    "TARGET_ONLY_TYPES",
    "ADIDAConfig",
    "ADIDAForecaster",
    "CrostonConfig",
    "CrostonForecaster",
    "Forecaster",
    "IMAPAConfig",
    "IMAPAForecaster",
    "InsufficientDataError",
    "IntermittentForecaster",
    "LightGBMConfig",
    "LightGBMForecaster",
    "ModelConfig",
    "ModelConfigBase",
    "ModelError",
    "ModelNotEnabledError",
    "MovingAverageConfig",
    "MovingAverageForecaster",
    "NaiveConfig",
    "NaiveForecaster",
    "NotFittedError",
    "ProphetLikeConfig",
    "ProphetLikeForecaster",
    "RandomForestConfig",
    "RandomForestForecaster",
    "RegressionConfig",
    "RegressionForecaster",
    "SeasonalAverageConfig",
    "SeasonalAverageForecaster",
    "SeasonalNaiveConfig",
    "SeasonalNaiveForecaster",
    "TSBConfig",
    "TSBForecaster",
    "TrendRegressionBaselineConfig",
    "TrendRegressionBaselineForecaster",
    "WeightedMovingAverageConfig",
    "WeightedMovingAverageForecaster",
    "XGBoostConfig",
    "XGBoostForecaster",
    "config_hash",
    "make_forecaster",
    "model_family",
    "parse_model_config",
    "trend_design",
]
