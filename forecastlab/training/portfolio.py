"""Fit every series' champion on its full history, bundle them as one portfolio, register it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.features.frames import baseline_price
from forecastlab.features.series import load_series
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.intervals import log_calibration
from forecastlab.models import FEATURE_AWARE_TYPES, make_forecaster
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel, load_holidays
from forecastlab.registry import (
    PORTFOLIO_MODEL_TYPE,
    PRODUCTION_ALIAS,
    AliasRecord,
    Ensemble,
    ModelRunSpec,
    Portfolio,
    RunRecord,
    log_model_run,
    set_alias,
)
from forecastlab.settings import Settings, get_settings
from forecastlab.training.backtests import target_panel
from forecastlab.training.calibration import champion_calibration, model_calibration
from forecastlab.training.config import TrainingConfig, global_model_name
from forecastlab.training.selection import (
    PromotionEvidence,
    holdout_bucket_metrics,
    model_bucket_metrics,
)

CHALLENGER_ALIAS = "challenger"


def champions(engine: Engine) -> pd.DataFrame:
    """ml.champion as a frame (store_id, product_id, model, selection_wape, ...)."""
    with engine.connect() as conn:
        return pd.read_sql_query(
            text("select * from ml.champion order by store_id, product_id"), conn
        )


def fit_global_models(engine: Engine, config: TrainingConfig) -> dict[str, GlobalForecaster]:
    """Every configured global model, fit once on the whole feature mart."""
    if not config.global_models:
        return {}
    panel, holidays = load_feature_panel(engine), load_holidays(engine)
    return {
        global_model_name(kind): GlobalForecaster(
            kind,
            n_estimators=config.global_n_estimators,
            objective=config.global_objective,
            max_step=config.horizon,
        ).fit(panel, holidays)
        for kind in config.global_models
    }


def fit_portfolio(
    engine: Engine, config: TrainingConfig, fitted_globals: dict[str, GlobalForecaster]
) -> Portfolio:
    """Refit each champion on all its observed rows; global champions share their one fit, and
    the first global model answers the series that have no champion (none when no global
    model is trained)."""
    chosen = champions(engine)
    if chosen.empty:
        raise ValueError("no champions: materialize the backtests and champion selection first")
    targets = target_panel(engine)
    by_series = {key: g for key, g in targets.groupby(["store_id", "product_id"], sort=False)}
    first, last = targets["ds"].min(), targets["ds"].max()
    members: dict[tuple[int, int], Any] = {}
    settings = get_settings()  # once: reading the environment costs more than a small fit
    for row in chosen.itertuples(index=False):
        key = (int(row.store_id), int(row.product_id))
        names = list(row.members) if row.members is not None else [row.model]
        fitted = [
            _fit_member(
                engine, config, settings, name, key, by_series[key], fitted_globals, (first, last)
            )
            for name in names
        ]
        members[key] = fitted[0] if row.members is None else Ensemble(fitted, names)
    mix = chosen["model"].value_counts().sort_index().to_dict()
    policies = chosen["policy"].value_counts().sort_index().to_dict()
    # Series that appear after this round (a new product) have no champion; the global model
    # forecasts any series from its own newest rows, so it answers them until the next round.
    default_name = next(iter(fitted_globals), None)
    return Portfolio(
        members=members,
        default=fitted_globals[default_name] if default_name else None,
        metadata={
            "champions": mix,
            "series": len(members),
            "policies": policies,
            "default": default_name,
        },
    )


def _fit_member(
    engine: Engine,
    config: TrainingConfig,
    settings: Settings,
    name: str,
    key: tuple[int, int],
    targets: pd.DataFrame,
    fitted_globals: dict[str, GlobalForecaster],
    window: tuple[date, date],
) -> Any:
    """One candidate fitted on all observed rows of one series (global models: their one fit)."""
    if name in fitted_globals:
        return fitted_globals[name]
    model_config = config.model_config_for(name)
    if model_config.model_type in FEATURE_AWARE_TYPES:
        # the plan past `last` carries the holiday calendar into the future rows
        series = load_series(engine, *key, *window, plan_days=MAX_HORIZON)
        return FeatureAwareModel.fit(
            make_forecaster(model_config, settings),
            series,
            origin=pd.Timestamp(series.dates[-1]).date(),
            baseline_price=baseline_price(series),
        )
    return make_forecaster(model_config, settings).fit(targets["y"].to_numpy(dtype=float))


def _data_window(engine: Engine) -> tuple[date, date]:
    with engine.connect() as conn:
        first, last = conn.execute(
            text("select min(date), max(date) from marts.fct_sales_features")
        ).one()
    return first, last


def history_and_forecast(
    engine: Engine, forecasts: pd.DataFrame, days: int = 56
) -> tuple[list[date], list[float], list[float]]:
    """Total demand of the last `days` days, then the model's total forecast (for the run plot).

    `forecasts` has one row per series and date with a `forecast` column.
    """
    with engine.connect() as conn:
        history = pd.read_sql_query(
            text(
                "select date, sum(quantity) as actual from marts.fct_sales_features "
                "where date > (select max(date) from marts.fct_sales_features) - :days "
                "group by date order by date"
            ),
            conn,
            params={"days": days},
        )
    future = forecasts.groupby("date", sort=True)["forecast"].sum().reset_index()
    dates = [*pd.to_datetime(history["date"]).dt.date, *pd.to_datetime(future["date"]).dt.date]
    nan = float("nan")
    actual = [*history["actual"].astype(float), *([nan] * len(future))]
    forecast = [*([nan] * len(history)), *future["forecast"].astype(float)]
    return dates, actual, forecast


def portfolio_forecasts(engine: Engine, model: Portfolio, horizon: int) -> pd.DataFrame:
    """The next `horizon` days of every member series (store_id, product_id, date, forecast)."""
    with engine.connect() as conn:
        origins = pd.read_sql_query(
            text(
                "select store_id, product_id, max(date) as origin from marts.fct_sales_features "
                "group by store_id, product_id"
            ),
            conn,
        )
    frames = []
    for row in origins.itertuples(index=False):
        key = (int(row.store_id), int(row.product_id))
        if key not in model.members:
            continue
        steps = np.arange(1, horizon + 1)
        frames.append(
            pd.DataFrame(
                {
                    "store_id": key[0],
                    "product_id": key[1],
                    "date": pd.Timestamp(row.origin) + pd.to_timedelta(steps, unit="D"),
                    "forecast": model.predict(*key, horizon),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def register_global_models(
    engine: Engine,
    fitted: dict[str, GlobalForecaster],
    config: TrainingConfig,
    board: pd.DataFrame,
    *,
    dagster_run_id: str | None = None,
) -> dict[str, RunRecord]:
    """Log each global model as its own MLflow run with its backtest metrics, a plot and its
    interval calibration."""
    first, last = _data_window(engine)
    overall = board.set_index("model")
    records = {}
    for name, model in fitted.items():
        metrics = {
            m: float(overall.loc[name, m])
            for m in ("wape", "mae", "rmse", "smape", "bias")
            if name in overall.index and pd.notna(overall.loc[name, m])
        }
        panel_forecast = model.predict_panel(config.horizon)
        record = log_model_run(
            ModelRunSpec(
                model_type=name,
                model=model,
                model_config=model.params(),
                store_id=None,
                product_id=None,
                data_window_start=first,
                data_window_end=last,
                metrics=metrics,
                bucket_metrics=model_bucket_metrics(engine, name),
                tags=_provenance(dagster_run_id),
                plot=history_and_forecast(engine, panel_forecast),
            )
        )
        level = get_settings().forecast_interval_level
        log_calibration(record.run_id, model_calibration(engine, name, level))
        records[name] = record
    return records


def _provenance(dagster_run_id: str | None) -> dict[str, str]:
    return {"dagster_run_id": dagster_run_id} if dagster_run_id else {}


def register_portfolio(
    engine: Engine,
    portfolio: Portfolio,
    config: TrainingConfig,
    evidence: PromotionEvidence,
    board: pd.DataFrame,
    policies: pd.DataFrame,
    *,
    dagster_run_id: str | None = None,
) -> RunRecord:
    """Log the portfolio as one MLflow run with its champions' interval calibration, and point
    the `challenger` alias at it."""
    first, last = _data_window(engine)
    metrics = {
        "holdout_wape": evidence.portfolio_wape,
        "holdout_bias_pct": evidence.portfolio_bias,
        "seasonal_naive_holdout_wape": evidence.seasonal_naive_wape,
        "best_simple_holdout_wape": evidence.best_simple_wape,
        "series": float(evidence.series),
        "holdout_points": float(evidence.points),
        **{
            f"policy_{row.policy}_holdout_wape": row.holdout_wape
            for row in policies.itertuples(index=False)
        },
    }
    top = board.head(5)[["model", "wape", "mae"]].round(3).to_dict("records")
    tags = {
        "leaderboard_top5": json.dumps(top),
        "champions": json.dumps(portfolio.metadata),
        "selection_policy": str(evidence.policy),
        "policy_comparison": policies.drop(columns="details").round(3).to_json(orient="records"),
        "promotion_evidence": json.dumps(evidence.as_dict()),
        **_provenance(dagster_run_id),
    }
    record = log_model_run(
        ModelRunSpec(
            model_type=PORTFOLIO_MODEL_TYPE,
            model=portfolio,
            model_config={**config.model_dump(mode="json"), "champions": portfolio.metadata},
            store_id=None,
            product_id=None,
            data_window_start=first,
            data_window_end=last,
            metrics={k: float(v) for k, v in metrics.items() if v is not None and v == v},
            bucket_metrics=holdout_bucket_metrics(engine),
            tags=tags,
            plot=history_and_forecast(
                engine, portfolio_forecasts(engine, portfolio, config.horizon)
            ),
        )
    )
    # Before the alias hands the run out, so every prediction through it has its bounds.
    level = get_settings().forecast_interval_level
    log_calibration(record.run_id, champion_calibration(engine, level))
    set_alias(CHALLENGER_ALIAS, record.run_id, description="newest trained portfolio")
    return record


def promote(run_id: str) -> AliasRecord:
    """Point `production` at a portfolio run (only after its promotion check passed)."""
    return set_alias(
        PRODUCTION_ALIAS,
        run_id,
        description="portfolio that beat seasonal naive and the best moving average on its "
        "held-out fold",
    )
