"""The production model as one object: for every series, its champion forecaster.

Pure Python (no MLflow): the pyfunc wrapper pickles a Portfolio like any other forecaster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class SeriesForecaster(Protocol):
    """A forecaster that serves many series (a global model, a portfolio): it needs the grain.

    It builds its own future features from what it stored at fit time, so it takes no X.
    """

    def predict_series(self, store_id: int, product_id: int, horizon: int) -> np.ndarray: ...


def forecast_with(
    model: Any, store_id: int | None, product_id: int | None, horizon: int, X: Any = None
) -> np.ndarray:
    """Forecast `horizon` steps with a series forecaster or a single-series `predict(h, X)`."""
    if isinstance(model, SeriesForecaster):
        if store_id is None or product_id is None:
            raise ValueError(f"{type(model).__name__} needs store_id and product_id")
        if X is not None:
            raise ValueError(f"{type(model).__name__} builds its own features; pass no X")
        result = model.predict_series(store_id, product_id, horizon)
    else:
        # X only when given, so forecasters whose predict takes no X work too.
        result = model.predict(horizon) if X is None else model.predict(horizon, X)
    return np.asarray(result, dtype=float)


@dataclass
class Portfolio:
    """Per-series champions keyed by (store_id, product_id), with an optional fallback.

    A member may be a single-series forecaster (`predict(h, X=None)`) or a shared global
    object exposing `predict_series`; `default` answers series that have no member.
    """

    members: dict[tuple[int, int], Any]
    default: Any | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def member_for(self, store_id: int, product_id: int) -> Any:
        """The forecaster that answers this series; KeyError when none does."""
        member = self.members.get((store_id, product_id), self.default)
        if member is None:
            raise KeyError(f"the portfolio has no model for store {store_id} product {product_id}")
        return member

    def predict(self, store_id: int, product_id: int, horizon: int, X: Any = None) -> np.ndarray:
        """Forecast `horizon` steps of one series with its champion."""
        member = self.member_for(store_id, product_id)
        return forecast_with(member, store_id, product_id, horizon, X)

    def predict_series(self, store_id: int, product_id: int, horizon: int) -> np.ndarray:
        """SeriesForecaster protocol: the pyfunc wrapper (or an outer portfolio) calls this."""
        return self.predict(store_id, product_id, horizon)


@dataclass
class Ensemble:
    """The mean forecast of several models of one series (the top-k ensemble policy).

    Members are single-series forecasters or shared series forecasters (a global model);
    `names` are their candidate names, in the same order.
    """

    members: list[Any]
    names: list[str]

    def predict_series(self, store_id: int, product_id: int, horizon: int) -> np.ndarray:
        """SeriesForecaster protocol: the members' forecasts averaged step by step."""
        forecasts = [forecast_with(m, store_id, product_id, horizon) for m in self.members]
        return np.mean(forecasts, axis=0)
