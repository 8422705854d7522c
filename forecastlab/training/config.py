"""What the weekly training backtests, selects and registers (one frozen config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from forecastlab.backtest.splitter import SplitConfig
from forecastlab.models import FEATURE_AWARE_TYPES
from forecastlab.models.configs import ModelConfigBase
from forecastlab.models.global_model import Objective
from forecastlab.training.candidates import (
    BASELINE_CANDIDATES,
    SEASONAL_NAIVE,
    SIMPLE_CANDIDATES,
    candidate_config,
)

GlobalKind = Literal["lightgbm", "hgb"]
DEFAULT_BASELINES = tuple(BASELINE_CANDIDATES)


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
    # 56: the longest moving-average window must fit the first fold.
    min_train_size: int = Field(56, ge=7)
    gap: int = Field(0, ge=0, le=30)
    baseline_models: tuple[str, ...] = DEFAULT_BASELINES
    feature_models: tuple[str, ...] = ("regression", "prophet_like", "lightgbm")
    # Per-series feature models compete only for their own series (the per-series policy, which
    # needs two winning folds): a small sample keeps them on the leaderboard at a fraction of
    # the round's time.
    feature_sample: int = Field(10, ge=0, description="series that get per-series feature models")
    # HistGradientBoosting ("hgb") is opt-in: as accurate as LightGBM here, several times slower.
    global_models: tuple[GlobalKind, ...] = ("lightgbm",)
    global_n_estimators: int = Field(
        300, ge=10, le=2000, description="cap on trees; early stopping picks the number"
    )
    global_objective: Objective = "tweedie"
    ensemble_size: int = Field(3, ge=2, le=6, description="k of the top-k ensemble policy")
    max_abs_bias: float = Field(
        5.0, ge=0, le=100, description="promotion gate: |bias| bound, percent of actuals"
    )

    @field_validator("baseline_models")
    @classmethod
    def _baselines(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - set(BASELINE_CANDIDATES)
        if unknown:
            raise ValueError(
                f"unknown baseline candidates {sorted(unknown)}; "
                f"known: {', '.join(BASELINE_CANDIDATES)}"
            )
        # The promotion gate's yardsticks are always backtested.
        missing = [name for name in (SEASONAL_NAIVE, *SIMPLE_CANDIDATES) if name not in value]
        return (*value, *missing)

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
    def model_config_for(name: str) -> ModelConfigBase:
        """A candidate's configuration, by its name."""
        return candidate_config(name)

    def model_names(self) -> tuple[str, ...]:
        """Every candidate's name as it appears in ml.backtest_fold_metrics."""
        return (
            *self.baseline_models,
            *self.feature_models,
            *(global_model_name(k) for k in self.global_models),
        )
