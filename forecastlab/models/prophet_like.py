"""prophet_like (spec §6.3): median imputation + Ridge, with an additive decomposition.

Each component is the partial dot product of the Ridge coefficients with the *imputed* row,
restricted to the component's columns (only columns present in X count):

* seasonality = {dow_sin, dow_cos, month_sin, month_cos, is_weekend, is_month_end};
* holiday_regressor = {price_factor, promo_active, is_holiday};
* trend = every other column. For a V1 frame that is exactly the spec's {lag_1, lag_7, lag_14,
  lag_28, days_since_launch}; the extra columns of a V2 frame land there too, so that the four
  parts always sum to the model output.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline, make_pipeline

from forecastlab.models.regressors import EstimatorForecaster

SEASONALITY_COLUMNS: Final[frozenset[str]] = frozenset(
    {"dow_sin", "dow_cos", "month_sin", "month_cos", "is_weekend", "is_month_end"}
)
HOLIDAY_REGRESSOR_COLUMNS: Final[frozenset[str]] = frozenset(
    {"price_factor", "promo_active", "is_holiday"}
)
COMPONENTS: Final[tuple[str, ...]] = ("intercept", "trend", "seasonality", "holiday_regressor")


class ProphetLikeForecaster(EstimatorForecaster):
    """Ridge(alpha, solver="cholesky") on median-imputed features; see :meth:`decompose`."""

    model_type = "prophet_like"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def _build_estimator(self) -> Pipeline:
        # keep_empty_features: an all-NaN training column (e.g. days_since_launch without a
        # launch date) stays in place as zeros, so coefficients line up with X's columns.
        return make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            Ridge(alpha=self.alpha, solver="cholesky"),
        )

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        super()._fit(y, X)
        seasonality = [c for c in self.feature_columns_ if c in SEASONALITY_COLUMNS]
        holiday = [c for c in self.feature_columns_ if c in HOLIDAY_REGRESSOR_COLUMNS]
        self.component_columns_ = {
            "trend": tuple(c for c in self.feature_columns_ if c not in {*seasonality, *holiday}),
            "seasonality": tuple(seasonality),
            "holiday_regressor": tuple(holiday),
        }

    def _components(self, X: np.ndarray) -> dict[str, np.ndarray]:
        imputer, ridge = self.estimator_[0], self.estimator_[-1]
        contributions = imputer.transform(X) * ridge.coef_
        parts = {"intercept": np.full(X.shape[0], float(ridge.intercept_))}
        for component, columns in self.component_columns_.items():
            mask = np.isin(self.feature_columns_, columns)
            parts[component] = contributions[:, mask].sum(axis=1)
        return parts

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        parts = self._components(X)
        # Summed in COMPONENTS order, exactly as decompose() callers add them up.
        return (
            parts["intercept"] + parts["trend"] + parts["seasonality"] + parts["holiday_regressor"]
        )

    def decompose(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per row of X: intercept, trend, seasonality, holiday_regressor (they sum to the raw
        model output; `predict` additionally floors that sum at 0)."""
        self._check_fitted()
        matrix = self._feature_matrix(X, rows=None, columns=self.feature_columns_)
        return pd.DataFrame(self._components(matrix), index=X.index, columns=list(COMPONENTS))

    def feature_importance(self) -> dict[str, float] | None:
        """The signed Ridge coefficient of each column."""
        self._check_fitted()
        coefficients = self.estimator_[-1].coef_
        return dict(zip(self.feature_columns_, map(float, coefficients), strict=True))
