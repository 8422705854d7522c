"""Fit every series' champion on its full history, bundle them as one portfolio, register it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.features.frames import baseline_price, future_frame, historical_frame
from forecastlab.features.series import SeriesData, load_series
from forecastlab.models import FEATURE_AWARE_TYPES, make_forecaster
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel
from forecastlab.registry import (
    PORTFOLIO_MODEL_TYPE,
    PRODUCTION_ALIAS,
    AliasRecord,
    ModelRunSpec,
    Portfolio,
    RunRecord,
    log_model_run,
    set_alias,
)
from forecastlab.training.backtests import target_panel
from forecastlab.training.config import TrainingConfig, global_model_name
from forecastlab.training.selection import PromotionEvidence

CHALLENGER_ALIAS = "challenger"


@dataclass
class FeatureAwareMember:
    """A per-series feature-aware model plus the history it needs to build future rows."""

    forecaster: Any
    series: SeriesData
    baseline_price: float

    def predict_series(self, store_id: int, product_id: int, horizon: int) -> np.ndarray:
        """The next `horizon` calendar days, features from the stored history (§5.6)."""
        last = pd.Timestamp(self.series.dates[-1]).date()
        dates = [last + timedelta(days=step) for step in range(1, horizon + 1)]
        X = future_frame(self.series, dates, baseline_price=self.baseline_price)
        return np.asarray(self.forecaster.predict(horizon, X), dtype=float)


def champions(engine: Engine) -> pd.DataFrame:
    """ml.champion as a frame (store_id, product_id, model, selection_wape, ...)."""
    with engine.connect() as conn:
        return pd.read_sql_query(
            text("select * from ml.champion order by store_id, product_id"), conn
        )


def fit_portfolio(engine: Engine, config: TrainingConfig) -> Portfolio:
    """Refit each champion on all its observed rows; global champions share one fit."""
    chosen = champions(engine)
    if chosen.empty:
        raise ValueError("no champions: materialize the backtests and champion selection first")
    targets = target_panel(engine)
    by_series = {key: g for key, g in targets.groupby(["store_id", "product_id"], sort=False)}
    first, last = targets["ds"].min(), targets["ds"].max()
    globals_: dict[str, GlobalForecaster] = {}
    for kind in config.global_models:
        if global_model_name(kind) in set(chosen["model"]):
            panel = load_feature_panel(engine)
            globals_[global_model_name(kind)] = GlobalForecaster(
                kind, n_estimators=config.global_n_estimators
            ).fit(panel)
    members: dict[tuple[int, int], Any] = {}
    for row in chosen.itertuples(index=False):
        key = (int(row.store_id), int(row.product_id))
        if row.model in globals_:
            members[key] = globals_[row.model]
        elif row.model in FEATURE_AWARE_TYPES:
            series = load_series(engine, *key, first, last)
            model = make_forecaster(config.model_config_for(row.model))
            baseline = baseline_price(series)
            model.fit(series.quantity, historical_frame(series, baseline_price=baseline))
            members[key] = FeatureAwareMember(model, series, baseline)
        else:
            y = by_series[key]["y"].to_numpy(dtype=float)
            members[key] = make_forecaster(config.model_config_for(row.model)).fit(y)
    mix = chosen["model"].value_counts().sort_index().to_dict()
    return Portfolio(members=members, metadata={"champions": mix, "series": len(members)})


def register_portfolio(
    engine: Engine,
    portfolio: Portfolio,
    config: TrainingConfig,
    evidence: PromotionEvidence,
    board: pd.DataFrame,
    *,
    dagster_run_id: str | None = None,
) -> RunRecord:
    """Log the portfolio as one MLflow run and point the `challenger` alias at it."""
    with engine.connect() as conn:
        first, last = conn.execute(
            text("select min(date), max(date) from marts.fct_sales_features")
        ).one()
    metrics = {
        "holdout_wape": evidence.portfolio_wape,
        "seasonal_naive_holdout_wape": evidence.seasonal_naive_wape,
        "series": float(evidence.series),
        "holdout_points": float(evidence.points),
    }
    top = board.head(5)[["model", "wape", "mae"]].round(3).to_dict("records")
    tags = {"leaderboard_top5": json.dumps(top), "champions": json.dumps(portfolio.metadata)}
    if dagster_run_id:
        tags["dagster_run_id"] = dagster_run_id
    record = log_model_run(
        ModelRunSpec(
            model_type=PORTFOLIO_MODEL_TYPE,
            model=portfolio,
            model_config={**config.model_dump(mode="json"), "champions": portfolio.metadata},
            store_id=None,
            product_id=None,
            data_window_start=first,
            data_window_end=last,
            metrics={k: v for k, v in metrics.items() if v is not None},
            tags=tags,
        )
    )
    set_alias(CHALLENGER_ALIAS, record.run_id, description="newest trained portfolio")
    return record


def promote(run_id: str) -> AliasRecord:
    """Point `production` at a portfolio run (only after its promotion check passed)."""
    return set_alias(PRODUCTION_ALIAS, run_id, description="portfolio that beat seasonal naive")
