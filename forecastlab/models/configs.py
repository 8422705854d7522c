"""Model configurations (spec §6.2): frozen, strict Pydantic models discriminated on `model_type`.

A configuration holds the hyper-parameters of one model; `make_forecaster` turns it into an
unfitted :class:`~forecastlab.models.base.Forecaster`. `feature_config_hash` on the feature-aware
configurations is provenance only (which feature configuration the model was trained on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

FeatureConfigHash = Annotated[
    str | None, Field(description="Hash of the feature configuration the model was trained on.")
]


class ModelConfigBase(BaseModel):
    """What every model configuration carries."""

    # Strict: a request's "7" or true is not silently taken for an integer hyper-parameter.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    model_type: str
    schema_version: Literal["1.0"] = "1.0"


class NaiveConfig(ModelConfigBase):
    """naive: repeat the last observation."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"model_type": "naive"}]})

    model_type: Literal["naive"] = "naive"


class SeasonalNaiveConfig(ModelConfigBase):
    """seasonal_naive: repeat the last season."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_type": "seasonal_naive", "season_length": 7}]}
    )

    model_type: Literal["seasonal_naive"] = "seasonal_naive"
    season_length: int = Field(7, ge=1, le=365)


class MovingAverageConfig(ModelConfigBase):
    """moving_average: mean of the last `window_size` observations."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_type": "moving_average", "window_size": 7}]}
    )

    model_type: Literal["moving_average"] = "moving_average"
    window_size: int = Field(7, ge=1, le=90)


class WeightedMovingAverageConfig(ModelConfigBase):
    """weighted_moving_average: weighted mean of the last `window_size` observations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "weighted_moving_average",
                    "window_size": 14,
                    "weight_strategy": "exponential",
                    "decay": 0.8,
                }
            ]
        }
    )

    model_type: Literal["weighted_moving_average"] = "weighted_moving_average"
    window_size: int = Field(7, ge=2, le=90)
    weight_strategy: Literal["linear", "exponential"] = "linear"
    decay: float = Field(0.7, gt=0, lt=1)


class SeasonalAverageConfig(ModelConfigBase):
    """seasonal_average: mean of the same season position over the last `lookback_cycles`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "seasonal_average",
                    "season_length": 7,
                    "lookback_cycles": 4,
                    "trim_outliers": True,
                }
            ]
        }
    )

    model_type: Literal["seasonal_average"] = "seasonal_average"
    season_length: int = Field(7, ge=2, le=365)
    lookback_cycles: int = Field(4, ge=2, le=12)
    trim_outliers: bool = False


class TrendRegressionBaselineConfig(ModelConfigBase):
    """trend_regression_baseline: Ridge on a synthetic index/day-of-week/month design."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "trend_regression_baseline",
                    "alpha": 1.0,
                    "include_dow": True,
                    "include_month": False,
                }
            ]
        }
    )

    model_type: Literal["trend_regression_baseline"] = "trend_regression_baseline"
    alpha: float = Field(1.0, ge=0, le=1000)
    include_dow: bool = True
    include_month: bool = True


class RegressionConfig(ModelConfigBase):
    """regression: scikit-learn HistGradientBoostingRegressor on the feature frame."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "regression",
                    "max_iter": 300,
                    "learning_rate": 0.05,
                    "max_depth": 6,
                }
            ]
        }
    )

    model_type: Literal["regression"] = "regression"
    max_iter: int = Field(200, ge=10, le=1000)
    learning_rate: float = Field(0.05, ge=0.001, le=1)
    max_depth: int = Field(6, ge=1, le=20)
    feature_config_hash: FeatureConfigHash = None


class ProphetLikeConfig(ModelConfigBase):
    """prophet_like: median imputation + Ridge with an additive decomposition."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_type": "prophet_like", "alpha": 10.0}]}
    )

    model_type: Literal["prophet_like"] = "prophet_like"
    alpha: float = Field(1.0, ge=0, le=10000)
    feature_config_hash: FeatureConfigHash = None


class _BoostingConfig(ModelConfigBase):
    """The hyper-parameters LightGBM and XGBoost share."""

    n_estimators: int = Field(100, ge=10, le=1000)
    max_depth: int = Field(6, ge=1, le=20)
    learning_rate: float = Field(0.1, ge=0.001, le=1)
    feature_config_hash: FeatureConfigHash = None


class LightGBMConfig(_BoostingConfig):
    """lightgbm: LGBMRegressor on the feature frame."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "lightgbm",
                    "n_estimators": 200,
                    "max_depth": 6,
                    "learning_rate": 0.05,
                }
            ]
        }
    )

    model_type: Literal["lightgbm"] = "lightgbm"


class XGBoostConfig(_BoostingConfig):
    """xgboost: XGBRegressor on the feature frame (opt-in)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "xgboost",
                    "n_estimators": 300,
                    "max_depth": 4,
                    "learning_rate": 0.05,
                }
            ]
        }
    )

    model_type: Literal["xgboost"] = "xgboost"


class RandomForestConfig(ModelConfigBase):
    """random_forest: scikit-learn RandomForestRegressor on the feature frame (opt-in)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model_type": "random_forest",
                    "n_estimators": 200,
                    "max_depth": 12,
                    "min_samples_leaf": 2,
                }
            ]
        }
    )

    model_type: Literal["random_forest"] = "random_forest"
    n_estimators: int = Field(100, ge=10, le=500)
    # None = grow each tree until its leaves are pure or at min_samples_leaf.
    max_depth: Annotated[int, Field(ge=2, le=64)] | None = 10
    min_samples_leaf: int = Field(2, ge=1, le=50)
    feature_config_hash: FeatureConfigHash = None


# statsforecast's exponential-smoothing constants live in (0, 1]; 1 is a naive level.
SmoothingConstant = Annotated[float, Field(gt=0, le=1)]


class CrostonConfig(ModelConfigBase):
    """croston: smoothed demand size / smoothed interval; `sba` scales it by 0.95."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_type": "croston", "variant": "sba", "alpha": 0.1}]}
    )

    model_type: Literal["croston"] = "croston"
    variant: Literal["classic", "sba"] = "classic"
    alpha: SmoothingConstant = 0.1


class TSBConfig(ModelConfigBase):
    """tsb: smoothed probability of demand x smoothed demand size (Teunter-Syntetos-Babai)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_type": "tsb", "alpha_d": 0.1, "alpha_p": 0.05}]}
    )

    model_type: Literal["tsb"] = "tsb"
    alpha_d: SmoothingConstant = 0.1
    alpha_p: SmoothingConstant = 0.1


class ADIDAConfig(ModelConfigBase):
    """adida: optimised SES of totals over buckets of the mean demand interval, per day."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"model_type": "adida"}]})

    model_type: Literal["adida"] = "adida"


class IMAPAConfig(ModelConfigBase):
    """imapa: the mean of ADIDA over every bucket size up to the mean demand interval."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"model_type": "imapa"}]})

    model_type: Literal["imapa"] = "imapa"


ModelConfig = Annotated[
    NaiveConfig
    | SeasonalNaiveConfig
    | MovingAverageConfig
    | WeightedMovingAverageConfig
    | SeasonalAverageConfig
    | TrendRegressionBaselineConfig
    | RegressionConfig
    | ProphetLikeConfig
    | LightGBMConfig
    | XGBoostConfig
    | RandomForestConfig
    | CrostonConfig
    | TSBConfig
    | ADIDAConfig
    | IMAPAConfig,
    Field(discriminator="model_type"),
]

_MODEL_CONFIG_ADAPTER: TypeAdapter[ModelConfig] = TypeAdapter(ModelConfig)


def parse_model_config(data: Mapping[str, Any]) -> ModelConfigBase:
    """The configuration `data` describes, chosen by its `model_type`; raises ValidationError."""
    return _MODEL_CONFIG_ADAPTER.validate_python(dict(data))


def config_hash(config: BaseModel) -> str:
    """Spec §6.8: SHA-256 of the model's JSON dump (declared field order), first 16 hex chars."""
    return hashlib.sha256(config.model_dump_json().encode("utf-8")).hexdigest()[:16]
