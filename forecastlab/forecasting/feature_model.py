"""A feature-aware model as it is logged: the fitted forecaster plus the history it forecasts from.

Spec §5.6 / §6.6: a feature-aware model predicts from future rows built out of its stored
history tail (lags read from observed targets, NaN beyond, never recursive), the holiday
calendar, and the defaults of plain prediction for the unsafe columns (price_factor 1.0, no
promotion). Keeping only the tail (90 rows for V1, 400 for V2) and the daily plan from there on
makes the pickled model small while the future rows stay exactly those of the full series.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecastlab.features import frames
from forecastlab.features.series import SeriesData
from forecastlab.models import Forecaster


@dataclass(frozen=True)
class FeatureAwareModel:
    """`predict(h, X=None)`: forecasts for the `h` days after `origin`.

    Without X the future rows come from the stored history; a caller that knows more (a
    scenario's price or promotion assumptions) passes its own rows, see :meth:`features`.
    """

    forecaster: Forecaster
    history: SeriesData
    origin: date
    baseline_price: float
    feature_frame_version: int = 1
    feature_groups: tuple[str, ...] | None = None  # V2 only; None = the default V2 groups

    @classmethod
    def fit(
        cls,
        forecaster: Forecaster,
        series: SeriesData,
        *,
        origin: date,
        baseline_price: float,
        feature_frame_version: int = 1,
        feature_groups: tuple[str, ...] | None = None,
    ) -> FeatureAwareModel:
        """Fit `forecaster` on the historical frame of `series` and keep its history tail."""
        X = frames.historical_frame(series, feature_frame_version, feature_groups, baseline_price)
        forecaster.fit(series.quantity, X)
        return cls(
            forecaster=forecaster,
            history=history_tail(series, frames.HISTORY_TAIL[feature_frame_version]),
            origin=origin,
            baseline_price=baseline_price,
            feature_frame_version=feature_frame_version,
            feature_groups=feature_groups,
        )

    def with_history(self, series: SeriesData) -> FeatureAwareModel:
        """The same fitted forecaster, forecasting the days after `series`' newest row (a
        forecast refresh: no refit; the baseline price stays the training window's, D-08)."""
        return replace(
            self,
            history=history_tail(series, frames.HISTORY_TAIL[self.feature_frame_version]),
            origin=pd.Timestamp(series.dates[-1]).date(),
        )

    @property
    def feature_columns(self) -> tuple[str, ...]:
        """The frame's columns, in the order the forecaster was fitted on."""
        return frames.feature_columns(self.feature_frame_version, self.feature_groups)

    def dates(self, horizon: int) -> list[date]:
        """The forecast days: origin + 1 … origin + horizon."""
        return [self.origin + timedelta(days=step) for step in range(1, horizon + 1)]

    def features(self, horizon: int, exogenous: pd.DataFrame | None = None) -> pd.DataFrame:
        """Future rows for the next `horizon` days; `exogenous` as in `future_frame`."""
        return frames.future_frame(
            self.history,
            self.dates(horizon),
            self.feature_frame_version,
            self.feature_groups,
            self.baseline_price,
            exogenous,
        )

    def predict(self, h: int, X: pd.DataFrame | None = None) -> np.ndarray:
        """Forecast `h` days, from the stored history unless X (one row per day) is given."""
        return self.forecaster.predict(h, self.features(h) if X is None else X)


def history_tail(series: SeriesData, rows: int) -> SeriesData:
    """The last `rows` observed rows of `series` and its daily plan from the first of them on."""
    kept = series.take(slice(max(series.n - rows, 0), None))
    return replace(kept, daily=kept.daily.loc[pd.Timestamp(kept.dates[0]) :])
