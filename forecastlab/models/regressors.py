"""The feature-aware tree models of spec §6.3, each backed by one regressor in `estimator_`.

The optional packages (lightgbm, xgboost) are imported only when such a model is fitted, so a
missing package fails that model alone, with a ModelError naming the package.
"""

from __future__ import annotations

import importlib
from abc import abstractmethod
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from threadpoolctl import threadpool_limits

from forecastlab.models.base import Forecaster
from forecastlab.models.errors import ModelError


class EstimatorForecaster(Forecaster):
    """A feature-aware model: one regressor fitted on (X, y), forecasts floored at 0 (D-11)."""

    feature_aware = True
    floor_at_zero = True

    @property
    def min_observations(self) -> int:
        # LightGBM refuses a single sample; one floor for every feature-aware model keeps the
        # "too few rows" answer independent of which estimator is configured.
        return 2

    @abstractmethod
    def _build_estimator(self) -> Any:
        """A fresh, unfitted regressor with this model's hyper-parameters."""

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        self.estimator_ = self._build_estimator().fit(X, y)

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        return self.estimator_.predict(X)

    def feature_importance(self) -> dict[str, float] | None:
        """The estimator's `feature_importances_` per column, or None when it has none."""
        self._check_fitted()
        importances = getattr(self.estimator_, "feature_importances_", None)
        if importances is None:
            return None
        return dict(zip(self.feature_columns_, map(float, importances), strict=True))

    def _optional_class(self, module: str, name: str) -> Any:
        try:
            return getattr(importlib.import_module(module), name)
        except ImportError as exc:
            raise ModelError(
                f"{self.model_type} needs the {module} package, which is not installed"
            ) from exc


def _one_openmp_thread() -> threadpool_limits:
    """A context capping OpenMP at one thread, for the estimator that has no `n_jobs`."""
    # Like LightGBM's (STACK.md), HistGradientBoosting's default threading is several times
    # slower than one thread on these small per-series fits on 2 shared cores.
    return threadpool_limits(limits=1, user_api="openmp")


class _BoostingForecaster(EstimatorForecaster):
    """The hyper-parameters LightGBM and XGBoost share."""

    def __init__(
        self,
        n_estimators: int = 100,
        max_depth: int = 6,
        learning_rate: float = 0.1,
        random_state: int = 42,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _shared_params(self) -> dict[str, Any]:
        """Keyword arguments both estimators take, single-threaded (STACK.md)."""
        return {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "max_depth": self.max_depth,
            "random_state": self.random_state,
            "n_jobs": 1,
        }


class RegressionForecaster(EstimatorForecaster):
    """regression: HistGradientBoostingRegressor (NaN-tolerant); exposes no importances."""

    model_type = "regression"

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        max_depth: int = 6,
        random_state: int = 42,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        # scikit-learn's binner fails on a column without any value (e.g. days_since_launch
        # with no launch date). Such a column carries no information: it is fitted as a
        # constant, which is never split on, so any value it takes at predict time is ignored.
        with _one_openmp_thread():
            super()._fit(y, np.where(np.isnan(X).all(axis=0), 0.0, X))

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        with _one_openmp_thread():
            return super()._predict(h, X)

    def _build_estimator(self) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            random_state=self.random_state,
        )


class LightGBMForecaster(_BoostingForecaster):
    """lightgbm: LGBMRegressor, single-threaded and deterministic."""

    model_type = "lightgbm"

    def _build_estimator(self) -> Any:
        regressor = self._optional_class("lightgbm", "LGBMRegressor")
        # n_jobs=1: on small data LightGBM's default threading is orders of magnitude slower
        # (STACK.md); deterministic + force_col_wise make results reproducible across runs.
        return regressor(
            **self._shared_params(), deterministic=True, force_col_wise=True, verbosity=-1
        )


class XGBoostForecaster(_BoostingForecaster):
    """xgboost: XGBRegressor with the histogram method and no subsampling."""

    model_type = "xgboost"

    def _build_estimator(self) -> Any:
        regressor = self._optional_class("xgboost", "XGBRegressor")
        return regressor(**self._shared_params(), tree_method="hist", verbosity=0)


class RandomForestForecaster(EstimatorForecaster):
    """random_forest: RandomForestRegressor, single-threaded."""

    model_type = "random_forest"

    def __init__(
        self,
        n_estimators: int = 100,
        max_depth: int | None = 10,
        min_samples_leaf: int = 2,
        random_state: int = 42,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _build_estimator(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.random_state,
            n_jobs=1,
        )
