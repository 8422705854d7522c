"""Batch forecasts for every series from the production portfolio, stored in ml.forecasts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.forecasting.loading import load_run_model
from forecastlab.forecasting.newest import forecast_newest
from forecastlab.intervals import RunCalibration
from forecastlab.registry import PRODUCTION_ALIAS, Portfolio, get_alias
from forecastlab.settings import get_settings

_SERIES_SQL = text(
    "select distinct store_id, product_id from marts.fct_sales_features "
    "order by store_id, product_id"
)
_COLUMNS = ("store_id", "product_id", "date", "step", "forecast", "lower_bound", "upper_bound",
            "interval_level", "model", "mlflow_run_id", "model_version", "origin_date")  # fmt: skip


def batch_forecasts(
    engine: Engine,
    horizon: int | None = None,
    alias: str = PRODUCTION_ALIAS,
    level: float | None = None,
) -> pd.DataFrame:
    """Forecast the next `horizon` days of every series the model answers and replace
    ml.forecasts: the champions, and (when the portfolio has a default) series that reached
    the mart after training.

    The model of `alias` forecasts from the newest mart rows (no refit; the function
    `POST /forecasting/predict` uses too): each series starts the day after its last observed
    day. `horizon` defaults to the one the model was trained for. Bounds come from the run's
    interval calibration at `level` (default: the settings' `forecast_interval_level`); they
    are null for rows it cannot bound.
    """
    target = get_alias(alias)
    model = load_run_model(target.run_id)
    horizon = horizon or _trained_horizon(model.bundle, target.run_id)
    with engine.connect() as conn:
        series = [(int(s), int(p)) for s, p in conn.execute(_SERIES_SQL)]
    series = [key for key in series if _answers(model.forecaster, key)]
    if not series:
        raise ValueError("no series to forecast: the model answers none of the mart's series")
    newest = forecast_newest(engine, model.forecaster, horizon, series)
    out = newest.frame
    out["origin_date"] = [
        newest.last_observed[key]
        for key in zip(out["store_id"].tolist(), out["product_id"].tolist(), strict=True)
    ]
    level = level or get_settings().forecast_interval_level
    calibration = model.calibration or RunCalibration(level=level)
    lower, upper = calibration.bounds(
        out["store_id"], out["product_id"], out["step"], out["forecast"], level
    )
    out = out.assign(
        lower_bound=lower,
        upper_bound=upper,
        interval_level=np.where(np.isfinite(lower), level, np.nan),
        model=target.model_type,
        mlflow_run_id=target.run_id,
        model_version=str(target.version),
    )[list(_COLUMNS)]
    with engine.begin() as conn:
        conn.execute(text("delete from ml.forecasts"))
        conn.execute(
            text(
                f"insert into ml.forecasts ({', '.join(_COLUMNS)}) "
                f"values ({', '.join(':' + c for c in _COLUMNS)})"
            ),
            # NaN would be stored as a float NaN, not as "no bound".
            out.astype(object).where(out.notna(), None).to_dict("records"),
        )
    return out


def _answers(model: Any, key: tuple[int, int]) -> bool:
    """Whether the model has a forecaster for the series (a portfolio: a member or a default)."""
    if isinstance(model, Portfolio):
        return key in model.members or model.default is not None
    return True


def _trained_horizon(bundle: dict[str, Any], run_id: str) -> int:
    trained = (bundle.get("model_config") or {}).get("horizon")
    if trained is None:
        raise ValueError(f"run {run_id} records no training horizon: pass the horizon")
    return int(trained)


_COVERAGE_SQL = text(
    """
    select
        (select count(*) from (select distinct store_id, product_id
                               from marts.fct_sales_features) s) as series_in_mart,
        (select count(*) from (select distinct store_id, product_id from ml.forecasts) f)
            as series_forecast,
        (select count(*) from ml.champion where policy = 'fallback') as fallback_series,
        (select count(*) from (select distinct store_id, product_id from ml.forecasts) f
         where not exists (select 1 from ml.champion c
                           where c.store_id = f.store_id and c.product_id = f.product_id))
            as default_series
    """
)


def forecast_coverage(engine: Engine) -> dict[str, int]:
    """Series in the mart, series with a batch forecast, how many of those use a fallback
    (too short for any backtest fold) and how many the portfolio's default answers (they
    reached the mart after training)."""
    with engine.connect() as conn:
        row = conn.execute(_COVERAGE_SQL).one()
    return {
        "series_in_mart": int(row[0]),
        "series_forecast": int(row[1]),
        "series_without_forecast": int(row[0]) - int(row[1]),
        "fallback_series": int(row[2]),
        "default_series": int(row[3]),
    }
