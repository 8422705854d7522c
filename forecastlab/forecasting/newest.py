"""Forecasts from the newest data, without refitting (docs/architecture.md "Forecast freshness").

A model that serves many series (the production portfolio, a global model) was fitted on the
history of its training round, but new days keep arriving (ingest, file loads, the Forge's
append). A forecast refresh reads each series' newest rows from the feature mart and lets
the fitted model forecast from them: local models re-read the series (the configuration
training chose is kept), feature-aware per-series models rebuild their future rows from the
newest history, global models build their rows from the newest mart rows with the same trees.
Each series' forecast starts the day after its own last observed day.

`forecast_newest` is the one function behind both the batch (`ml/forecasts`) and
`POST /forecasting/predict` for such models, so the two agree value for value and date for
date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.features.series import load_series
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.models import Forecaster
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel, load_holidays
from forecastlab.registry.portfolio import Ensemble, Portfolio, forecast_with

SeriesKey = tuple[int, int]
COLUMNS = ["store_id", "product_id", "date", "step", "forecast"]


@dataclass(frozen=True)
class NewestForecasts:
    """Forecasts of some series from their newest rows.

    `frame`: store_id, product_id, date, step, forecast (series in the order asked, steps
    ascending); `members`: the refreshed forecaster that answered each series;
    `last_observed`: each series' newest day (its forecast starts the day after).
    """

    frame: pd.DataFrame
    members: dict[SeriesKey, Any]
    last_observed: dict[SeriesKey, date]


def forecast_newest(
    engine: Engine, model: Any, horizon: int, series: Sequence[SeriesKey] | None = None
) -> NewestForecasts:
    """Forecast `horizon` days of `series` (default: every series of the mart) with `model`
    (a Portfolio or a series forecaster) refreshed on the newest mart rows.

    A series without mart rows that the model still answers (a portfolio's default member: a
    product not sold yet) is forecast as fitted, from the mart's newest day. Raises KeyError
    for a series the model holds no forecaster for.
    """
    panel = load_feature_panel(engine, series=series)
    refresh = _Refresh(engine, panel, load_holidays(engine))
    keys = list(series) if series is not None else list(refresh.targets)
    if not keys:
        return NewestForecasts(pd.DataFrame(columns=COLUMNS), {}, {})
    members: dict[SeriesKey, Any] = {}
    last_observed: dict[SeriesKey, date] = {}
    values = []
    for key in keys:
        member = model.member_for(*key) if isinstance(model, Portfolio) else model
        members[key] = refresh(member, key) if key in refresh.targets else member
        values.append(forecast_with(members[key], *key, horizon))
        last_observed[key] = refresh.last_day.get(key) or _newest_day(engine)
    steps = np.arange(1, horizon + 1)
    origins = np.array([last_observed[key] for key in keys], dtype="datetime64[D]")
    frame = pd.DataFrame(
        {
            "store_id": np.repeat([store for store, _ in keys], horizon),
            "product_id": np.repeat([product for _, product in keys], horizon),
            "date": pd.to_datetime((origins[:, None] + steps).ravel()).date,
            "step": np.tile(steps, len(keys)),
            "forecast": np.concatenate(values),
        }
    )
    return NewestForecasts(frame, members, last_observed)


def _newest_day(engine: Engine) -> date:
    """The newest day of the feature mart (the origin of a series it has no rows for)."""
    with engine.connect() as conn:
        newest = conn.execute(text("select max(date) from marts.fct_sales_features")).scalar()
    if newest is None:
        raise LookupError("the feature mart is empty: build the marts first")
    return newest


class _Refresh:
    """Refreshes forecasters on the newest rows; a shared global model is refreshed once."""

    def __init__(self, engine: Engine, panel: pd.DataFrame, holidays: np.ndarray) -> None:
        self.engine, self.panel, self.holidays = engine, panel, holidays
        groups = panel.groupby(["store_id", "product_id"], sort=False)
        self.targets: dict[SeriesKey, np.ndarray] = {
            (int(s), int(p)): rows["quantity"].to_numpy(dtype=float) for (s, p), rows in groups
        }
        dates = groups["date"].agg(["min", "max"])
        self.first_day = {(int(s), int(p)): d.date() for (s, p), d in dates["min"].items()}
        self.last_day = {(int(s), int(p)): d.date() for (s, p), d in dates["max"].items()}
        self._shared: dict[int, Any] = {}

    def __call__(self, member: Any, key: SeriesKey) -> Any:
        if isinstance(member, GlobalForecaster):
            if id(member) not in self._shared:
                self._shared[id(member)] = member.with_history(self.panel, self.holidays)
            return self._shared[id(member)]
        if isinstance(member, Ensemble):
            return Ensemble([self(m, key) for m in member.members], list(member.names))
        if isinstance(member, Portfolio):
            return self(member.member_for(*key), key)
        if isinstance(member, FeatureAwareModel):
            series = load_series(
                self.engine, *key, self.first_day[key], self.last_day[key], plan_days=MAX_HORIZON
            )
            return member.with_history(series)
        if isinstance(member, Forecaster):
            return member.updated(self.targets[key])
        raise TypeError(f"cannot refresh a {type(member).__name__} on newer data")
