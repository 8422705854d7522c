"""Tiny forecasters for the registry tests, in an importable module so a fresh process can
unpickle them (they stand in for forecastlab.models, which the registry must not depend on)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor


class LastValue:
    """Repeats the last observed value."""

    def fit(self, y: np.ndarray, X: pd.DataFrame | None = None) -> LastValue:
        self.last = float(np.asarray(y)[-1])
        return self

    def predict(self, h: int, X: pd.DataFrame | None = None) -> np.ndarray:
        return np.full(h, self.last)


class GradientBoosted:
    """A feature-aware model: HistGradientBoosting on the caller's feature frame."""

    def fit(self, y: np.ndarray, X: pd.DataFrame | None = None) -> GradientBoosted:
        self.model = HistGradientBoostingRegressor(max_iter=30, random_state=0).fit(X, y)
        return self

    def predict(self, h: int, X: pd.DataFrame | None = None) -> np.ndarray:
        assert X is not None and len(X) == h
        return self.model.predict(X)


class GlobalScaled:
    """A shared global model: answers any series, so it needs the grain."""

    def predict_series(self, store_id: int, product_id: int, horizon: int) -> np.ndarray:
        return np.arange(1, horizon + 1) * (100 * store_id + product_id)


def feature_frame(n: int, seed: int = 0) -> tuple[np.ndarray, pd.DataFrame]:
    """Targets and a two-column feature frame with a learnable relation."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"lag_1": rng.uniform(0, 10, n), "promo_active": rng.integers(0, 2, n)})
    y = 2 * X["lag_1"].to_numpy() + 5 * X["promo_active"].to_numpy() + rng.normal(0, 0.1, n)
    return y, X.astype("float64")
