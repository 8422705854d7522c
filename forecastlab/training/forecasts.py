"""Batch forecasts for every series from the production portfolio, stored in ml.forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.intervals import RunCalibration, load_calibration
from forecastlab.registry import PRODUCTION_ALIAS, REGISTERED_MODEL, get_alias, load_model
from forecastlab.settings import get_settings

_ORIGINS_SQL = text(
    "select c.store_id, c.product_id, max(f.date) as origin_date "
    "from ml.champion c join marts.fct_sales_features f using (store_id, product_id) "
    "group by c.store_id, c.product_id order by c.store_id, c.product_id"
)
_COLUMNS = ("store_id", "product_id", "date", "step", "forecast", "lower_bound", "upper_bound",
            "interval_level", "model", "mlflow_run_id", "model_version", "origin_date")  # fmt: skip


def batch_forecasts(
    engine: Engine, horizon: int, alias: str = PRODUCTION_ALIAS, level: float | None = None
) -> pd.DataFrame:
    """Forecast the next `horizon` days of every champion series and replace ml.forecasts.

    Bounds come from the run's interval calibration at `level` (default: the settings'
    `forecast_interval_level`); they are null for rows it cannot bound.
    """
    target = get_alias(alias)
    model = load_model(f"models:/{REGISTERED_MODEL}@{alias}")
    with engine.connect() as conn:
        origins = pd.read_sql_query(_ORIGINS_SQL, conn)
    if origins.empty:
        raise ValueError("no series to forecast: ml.champion is empty")
    requests = origins[["store_id", "product_id"]].assign(horizon=horizon)
    out = model.predict(requests).merge(origins, on=["store_id", "product_id"])
    out["date"] = pd.to_datetime(out["origin_date"]) + pd.to_timedelta(out["step"], unit="D")
    out["date"] = out["date"].dt.date
    level = level or get_settings().forecast_interval_level
    calibration = load_calibration(target.run_id) or RunCalibration(level=level)
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


_COVERAGE_SQL = text(
    """
    select
        (select count(*) from (select distinct store_id, product_id
                               from marts.fct_sales_features) s) as series_in_mart,
        (select count(*) from (select distinct store_id, product_id from ml.forecasts) f)
            as series_forecast,
        (select count(*) from ml.champion where policy = 'fallback') as fallback_series
    """
)


def forecast_coverage(engine: Engine) -> dict[str, int]:
    """Series in the mart, series with a batch forecast, and how many of those use a fallback
    (too short for any backtest fold)."""
    with engine.connect() as conn:
        row = conn.execute(_COVERAGE_SQL).one()
    return {
        "series_in_mart": int(row[0]),
        "series_forecast": int(row[1]),
        "series_without_forecast": int(row[0]) - int(row[1]),
        "fallback_series": int(row[2]),
    }
