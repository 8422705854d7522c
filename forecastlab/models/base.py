"""The Forecaster interface every model of the zoo implements (statsforecast/sktime style).

Hyper-parameters live only in `__init__` (as attributes of the same names); `fit` validates its
inputs, stores fitted state in attributes ending with `_` and returns the model; `predict` never
changes the model or its inputs. This class does the validation once for all models, so a
subclass only implements `_fit` and `_predict` on clean numpy arrays.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from forecastlab.models.errors import InsufficientDataError, ModelError, NotFittedError


def init_param_names(cls: type) -> tuple[str, ...]:
    """Names of the keyword hyper-parameters of a forecaster class's `__init__`."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return tuple(
        p.name for p in parameters if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
    )


class Forecaster(ABC):
    """One model for one series: `fit(y[, X])`, then `predict(h[, X])` for h steps ahead.

    Target-only models ignore X. Feature-aware models need X in `fit` (one row per
    observation) and in `predict` (one row per horizon step, the same columns in the same
    order as in `fit`).
    """

    model_type: ClassVar[str]
    feature_aware: ClassVar[bool] = False
    # Spec §16 D-11: models that can extrapolate below zero have their forecasts floored at 0.
    floor_at_zero: ClassVar[bool] = False

    @property
    def min_observations(self) -> int:
        """The shortest series `fit` accepts."""
        return 1

    @property
    def is_fitted(self) -> bool:
        """Whether `fit` has run."""
        return hasattr(self, "n_observations_")

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters, as passed to `__init__`."""
        return {name: getattr(self, name) for name in init_param_names(type(self))}

    def fit(self, y: np.ndarray, X: pd.DataFrame | None = None) -> Self:
        """Fit on the series `y` (oldest → newest) and, for feature-aware models, its frame X."""
        target = np.array(y, dtype=np.float64)  # a copy: later changes to y never reach the model
        if target.ndim != 1:
            raise ModelError(f"{self.model_type}: y must be one-dimensional, got {target.ndim}-D")
        if not np.isfinite(target).all():
            raise ModelError(f"{self.model_type}: y contains NaN or infinite values")
        n = target.shape[0]
        if n < self.min_observations:
            raise InsufficientDataError(
                f"{self.model_type} needs at least {self.min_observations} observations, got {n}"
            )
        features = None
        if self.feature_aware:
            features = self._feature_matrix(X, rows=n, rows_label="y has", columns=None)
            self.feature_columns_ = tuple(X.columns)
        self._fit(target, features)
        self.n_observations_ = n
        return self

    def updated(self, y: np.ndarray) -> Self:
        """A new model with the same hyper-parameters whose state comes from the newer series
        `y` (a forecast refresh: the configuration training chose is kept; levels, smoothed
        sizes and windows are re-read from the newest rows). Target-only models."""
        return type(self)(**self.get_params()).fit(y)

    def predict(self, h: int, X: pd.DataFrame | None = None) -> np.ndarray:
        """Forecast the next `h` steps: a float64 array of length h."""
        self._check_fitted()
        if isinstance(h, bool) or not isinstance(h, int | np.integer) or h < 1:
            raise ModelError(f"{self.model_type}: h must be a positive integer, got {h!r}")
        features = None
        if self.feature_aware:
            features = self._feature_matrix(
                X, rows=int(h), rows_label="the horizon is", columns=self.feature_columns_
            )
        forecast = np.asarray(self._predict(int(h), features), dtype=np.float64)
        return np.maximum(forecast, 0.0) if self.floor_at_zero else forecast

    def feature_importance(self) -> dict[str, float] | None:
        """Importance per feature column, or None when the model has no such notion."""
        self._check_fitted()
        return None

    @abstractmethod
    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        """Store the fitted state; y is a finite float64 copy, X a float64 matrix or None."""

    @abstractmethod
    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        """The raw forecast for h steps (before the D-11 floor)."""

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(f"{self.model_type} is not fitted — call fit first")

    def _feature_matrix(
        self,
        X: pd.DataFrame | None,
        *,
        rows: int | None,
        rows_label: str = "",
        columns: tuple[str, ...] | None,
    ) -> np.ndarray:
        """X as a float64 matrix after checking its type, row count and (if given) columns.

        `rows=None` accepts any non-zero number of rows; `rows_label` words a row mismatch.
        """
        if not isinstance(X, pd.DataFrame):
            raise ModelError(f"{self.model_type} needs a feature frame X (a pandas DataFrame)")
        if X.shape[1] == 0:
            raise ModelError(f"{self.model_type}: X has no columns")
        if rows is None:
            if X.shape[0] == 0:
                raise ModelError(f"{self.model_type}: X has no rows")
        elif X.shape[0] != rows:
            raise ModelError(f"{self.model_type}: X has {X.shape[0]} rows but {rows_label} {rows}")
        if columns is not None and tuple(X.columns) != columns:
            raise ModelError(
                f"{self.model_type}: X columns {list(X.columns)} differ from the columns seen "
                f"in fit {list(columns)} (same names in the same order are required)"
            )
        try:
            return X.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"{self.model_type}: X must be numeric ({exc})") from exc
