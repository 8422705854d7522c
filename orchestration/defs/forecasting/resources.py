"""The training round's knobs as a resource, so every asset of one run reads the same values."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from forecastlab.training.config import DEFAULT_BASELINES, TrainingConfig

_DEFAULTS = TrainingConfig()


class TrainingResource(dg.ConfigurableResource):
    """Split, candidates and sampling (forecastlab.training.config.TrainingConfig)."""

    horizon: int = _DEFAULTS.horizon
    n_splits: int = _DEFAULTS.n_splits
    min_train_size: int = _DEFAULTS.min_train_size
    feature_sample: int = _DEFAULTS.feature_sample
    global_n_estimators: int = _DEFAULTS.global_n_estimators
    global_objective: str = _DEFAULTS.global_objective
    ensemble_size: int = _DEFAULTS.ensemble_size
    max_abs_bias: float = _DEFAULTS.max_abs_bias
    baseline_models: list[str] = Field(default_factory=lambda: list(DEFAULT_BASELINES))
    feature_models: list[str] = Field(default_factory=lambda: list(_DEFAULTS.feature_models))
    global_models: list[str] = Field(default_factory=lambda: list(_DEFAULTS.global_models))

    def config(self) -> TrainingConfig:
        """Validated (raises with the offending field named)."""
        return TrainingConfig(
            horizon=self.horizon,
            n_splits=self.n_splits,
            min_train_size=self.min_train_size,
            feature_sample=self.feature_sample,
            global_n_estimators=self.global_n_estimators,
            global_objective=self.global_objective,  # type: ignore[arg-type]
            ensemble_size=self.ensemble_size,
            max_abs_bias=self.max_abs_bias,
            baseline_models=tuple(self.baseline_models),
            feature_models=tuple(self.feature_models),
            global_models=tuple(self.global_models),  # type: ignore[arg-type]
        )
