"""The future rows a logged tree model forecasts one series from, exactly as its estimator sees
them: what `/forecasting/predict` feeds it, so an attribution explains the served numbers.

Two kinds of forecaster hold a tree ensemble: a single-series `FeatureAwareModel` over
`lightgbm` / `regression` (HistGradientBoosting), and a `GlobalForecaster` (LightGBM or
HistGradientBoosting over the mart's features, store and product as categories). A portfolio
answers each series with one of these or with a target-only model, which has no trees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from forecastlab.explain.errors import NotExplainableError
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.models import LightGBMForecaster, RegressionForecaster
from forecastlab.models.global_model import GlobalForecaster

TREE_MODEL_TYPES: Final = ("lightgbm", "regression", "global_lightgbm", "global_hgb")


@dataclass(frozen=True)
class TreeRows:
    """One series' future rows for a tree ensemble: one row per forecast step."""

    model_type: str
    estimator: Any
    rows: pd.DataFrame | np.ndarray  # what the estimator's predict takes
    feature_names: tuple[str, ...]
    feature_values: np.ndarray  # (steps, features) float64, NaN where unknown


def tree_rows(forecaster: Any, store_id: int, product_id: int, horizon: int) -> TreeRows:
    """The rows `forecaster` predicts the next `horizon` steps of the series from; 400 when it
    is not one of the tree models of :data:`TREE_MODEL_TYPES`."""
    if isinstance(forecaster, FeatureAwareModel) and isinstance(
        forecaster.forecaster, LightGBMForecaster | RegressionForecaster
    ):
        frame = forecaster.features(horizon)
        # Forecaster.predict hands its estimator this float64 matrix.
        matrix = frame.to_numpy(dtype=np.float64, na_value=np.nan)
        return TreeRows(
            forecaster.forecaster.model_type,
            forecaster.forecaster.estimator_,
            matrix,
            tuple(frame.columns),
            matrix,
        )
    if isinstance(forecaster, GlobalForecaster):
        # What predict_series hands its estimator.
        requests = forecaster.series_requests(store_id, product_id, horizon)
        matrix = forecaster.rows_matrix(requests)
        values = np.column_stack(
            [np.asarray(matrix[column], dtype=np.float64) for column in matrix.columns]
        )
        return TreeRows(forecaster.name, forecaster.model_, matrix, tuple(matrix.columns), values)
    raise NotExplainableError(
        f"store {store_id} product {product_id} is forecast by {_kind(forecaster)}: per-feature "
        f"contributions exist for {', '.join(TREE_MODEL_TYPES)} only"
    )


def _kind(forecaster: Any) -> str:
    inner = forecaster.forecaster if isinstance(forecaster, FeatureAwareModel) else forecaster
    return str(getattr(inner, "model_type", type(inner).__name__))
