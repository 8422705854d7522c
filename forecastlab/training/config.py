"""What the weekly training backtests, selects and registers (one frozen config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from forecastlab.backtest.splitter import SplitConfig
from forecastlab.models import (
    FEATURE_AWARE_TYPES,
    KNOWN_MODEL_TYPES,
    TARGET_ONLY_TYPES,
    parse_model_config,
)
from forecastlab.models.configs import ModelConfigBase
from forecastlab.training.selection import SEASONAL_NAIVE

GlobalKind = Literal["lightgbm", "hgb"]
# Every target-only model, in the taxonomy's order.
DEFAULT_BASELINES = tuple(t for t in KNOWN_MODEL_TYPES if t in TARGET_ONLY_TYPES)


def global_model_name(kind: str) -> str:
    """`lightgbm` -> `global_lightgbm` (the model's name on leaderboards and in MLflow)."""
    return f"global_{kind}"


class TrainingConfig(BaseModel):
    """Split, candidate models and sampling of one training round.

    The last fold of every series is held out from champion selection: it is the evidence the
    promotion check reads, so `n_splits` must leave at least one fold to select on.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    horizon: int = Field(14, ge=1, le=90)
    n_splits: int = Field(4, ge=2, le=20)
    min_train_size: int = Field(30, ge=7)
    gap: int = Field(0, ge=0, le=30)
    baseline_models: tuple[str, ...] = DEFAULT_BASELINES
    feature_models: tuple[str, ...] = ("regression", "prophet_like", "lightgbm")
    feature_sample: int = Field(50, ge=0, description="series that get per-series feature models")
    global_models: tuple[GlobalKind, ...] = ("lightgbm", "hgb")
    global_n_estimators: int = Field(100, ge=10, le=1000)

    @field_validator("baseline_models")
    @classmethod
    def _baselines(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - TARGET_ONLY_TYPES
        if unknown:
            raise ValueError(f"not target-only models: {sorted(unknown)}")
        # Seasonal naive is the yardstick of the promotion check: always backtest it.
        return value if SEASONAL_NAIVE in value else (*value, SEASONAL_NAIVE)

    @field_validator("feature_models")
    @classmethod
    def _features(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - FEATURE_AWARE_TYPES
        if unknown:
            raise ValueError(f"not feature-aware models: {sorted(unknown)}")
        return value

    def split(self) -> SplitConfig:
        """The backtest split every candidate shares."""
        return SplitConfig(
            n_splits=self.n_splits,
            min_train_size=self.min_train_size,
            gap=self.gap,
            horizon=self.horizon,
        )

    @staticmethod
    def model_config_for(model_type: str) -> ModelConfigBase:
        """A candidate's configuration (the spec's defaults)."""
        return parse_model_config({"model_type": model_type})

    def model_names(self) -> tuple[str, ...]:
        """Every candidate's name as it appears in ml.backtest_fold_metrics."""
        return (
            *self.baseline_models,
            *self.feature_models,
            *(global_model_name(k) for k in self.global_models),
        )
