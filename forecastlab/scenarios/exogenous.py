"""Method `model_exogenous` (spec §11.4): re-forecast with the assumptions as future inputs.

A `regression` model was fitted on the canonical frame, whose price and promotion columns are
"unsafe unless supplied" (§5.6): plain prediction sets them to their defaults, a scenario
supplies them. The future rows come from what the model stored when it was trained (its
history tail and daily plan), so a re-forecast never reads data after the model's origin.
Lifecycle and inventory assumptions do not enter the frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from forecastlab.features.series import BUNDLE_KINDS
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.models import RegressionForecaster
from forecastlab.scenarios.assumptions import ScenarioAssumptions


def reforecastable(forecaster: object) -> bool:
    """Whether a series' forecaster is a feature-aware `regression` model."""
    return isinstance(forecaster, FeatureAwareModel) and isinstance(
        forecaster.forecaster, RegressionForecaster
    )


def assumption_inputs(days: Sequence[date], assumptions: ScenarioAssumptions) -> pd.DataFrame:
    """The future inputs the assumptions set, one row per day (NaN = not set).

    price_factor = 1 + change_pct inside the price window, 1.0 outside; the promotion flags
    inside the promotion window (its kind sets the V2 kind columns as training defines them);
    is_holiday = 1 on assumed holidays, NaN elsewhere so the stored calendar decides.
    """
    frame = pd.DataFrame(index=pd.DatetimeIndex(days, name="date"))
    if assumptions.price is not None:
        inside = assumptions.price.covers(days)
        frame["price_factor"] = np.where(inside, 1.0 + assumptions.price.change_pct, 1.0)
    if assumptions.promotion is not None:
        inside = assumptions.promotion.covers(days).astype(float)
        kind = assumptions.promotion.kind
        frame["promo_active"] = inside
        frame["promo_kind_markdown_active"] = inside * (kind == "markdown")
        frame["promo_kind_bundle_active"] = inside * (kind in BUNDLE_KINDS)
    frame["is_holiday"] = np.where(assumptions.holidays(days), 1.0, np.nan)
    return frame


def reforecast(
    model: FeatureAwareModel, horizon: int, assumptions: ScenarioAssumptions
) -> np.ndarray:
    """The model's forecast with the assumptions supplied, floored at 0."""
    rows = model.features(horizon, assumption_inputs(model.dates(horizon), assumptions))
    return np.maximum(np.asarray(model.predict(horizon, rows), dtype=float), 0.0)


def ratio_factors(baseline: np.ndarray, scenario: np.ndarray) -> np.ndarray:
    """scenario / baseline per day; 1.0 where the baseline is 0."""
    safe = np.where(baseline != 0.0, baseline, 1.0)
    return np.where(baseline != 0.0, scenario / safe, 1.0)
