"""Backtest every candidate on the feature mart and store per-fold error sums in ml.*.

Target-only baselines run vectorized over all series of a shard at once; per-series
feature-aware models run on a deterministic sample; the global models train once per fold
across every series. All of them use the same §7.2 split per series, so folds line up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.backtest.panel import backtest_baselines
from forecastlab.backtest.runner import BacktestConfig, run_backtest
from forecastlab.backtest.splitter import BacktestDataError
from forecastlab.features.frames import backtest_feature_builder
from forecastlab.features.series import load_series
from forecastlab.models import ModelError
from forecastlab.models.global_model import backtest_global, load_feature_panel
from forecastlab.settings import Settings, get_settings
from forecastlab.training.config import TrainingConfig, global_model_name
from forecastlab.training.fold_metrics import fold_sums, replace_fold_metrics
from forecastlab.training.shards import shard_index, shard_of

GLOBAL_SHARD = "global"
_SAMPLE_MIX = 2_147_483_647  # a large prime modulus: a stable pseudo-random order of series

_TARGETS_SQL = text(
    "select store_id, product_id, date, quantity from marts.fct_sales_features "
    "order by store_id, product_id, date"
)


@dataclass
class BacktestSummary:
    """What one backtest asset wrote: rows per model and the series it had to skip."""

    rows: dict[str, int] = field(default_factory=dict)
    series: int = 0
    skipped: list[str] = field(default_factory=list)


def target_panel(engine: Engine) -> pd.DataFrame:
    """Every observed row of the feature mart as `unique_id, ds, y, store_id, product_id`."""
    with engine.connect() as conn:
        frame = pd.read_sql_query(_TARGETS_SQL, conn)
    frame["unique_id"] = frame["store_id"].astype(str) + "/" + frame["product_id"].astype(str)
    return frame.rename(columns={"date": "ds", "quantity": "y"})


def in_shard(frame: pd.DataFrame, shard: str, n_shards: int) -> pd.DataFrame:
    """The rows whose series hash to `shard`."""
    mask = shard_of(frame["store_id"], frame["product_id"], n_shards) == shard_index(shard)
    return frame[mask]


def feature_sample(panel: pd.DataFrame, size: int) -> list[tuple[int, int]]:
    """A deterministic sample of `size` series (the same whatever shard asks)."""
    keys = panel[["store_id", "product_id"]].drop_duplicates()
    order = np.argsort(shard_of(keys["store_id"], keys["product_id"], _SAMPLE_MIX), kind="stable")
    chosen = keys.iloc[order[:size]]
    return sorted(zip(chosen["store_id"].tolist(), chosen["product_id"].tolist(), strict=True))


def series_backtests(
    engine: Engine, shard: str, n_shards: int, config: TrainingConfig
) -> BacktestSummary:
    """Backtest the baselines (all series) and feature models (sampled series) of one shard."""
    full = target_panel(engine)
    panel = in_shard(full, shard, n_shards)
    summary = BacktestSummary(series=int(panel["unique_id"].nunique()))
    frames = []
    if not panel.empty:
        configs = {name: config.model_config_for(name) for name in config.baseline_models}
        cv = backtest_baselines(panel[["unique_id", "ds", "y"]], config.split(), configs)
        summary.skipped = list(cv.attrs.get("skipped_series", []))
        frames.append(fold_sums(cv, config.baseline_models))
        sample = set(feature_sample(full, config.feature_sample))
        shard_series = panel[["store_id", "product_id"]].drop_duplicates().itertuples(index=False)
        first, last = full["ds"].min(), full["ds"].max()
        settings = get_settings()  # once, not per fold: reading the environment is not free
        for store_id, product_id in shard_series:
            if (store_id, product_id) in sample:
                frames.append(
                    _feature_model_folds(
                        engine, (store_id, product_id), (first, last), config, settings
                    )
                )
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    replace_fold_metrics(engine, rows, shard=shard)
    summary.rows = rows.groupby("model").size().to_dict() if not rows.empty else {}
    return summary


def _feature_model_folds(
    engine: Engine,
    key: tuple[int, int],
    window: tuple[date, date],
    config: TrainingConfig,
    settings: Settings,
) -> pd.DataFrame:
    store_id, product_id = key
    series = load_series(engine, store_id, product_id, *window)
    builder = backtest_feature_builder(series)
    uid = f"{store_id}/{product_id}"
    rows = []
    for model in config.feature_models:
        backtest = BacktestConfig(
            split_config=config.split(),
            model_config_main=config.model_config_for(model),
            include_baselines=False,
        )
        try:
            result = run_backtest(
                series.dates, series.quantity, backtest, feature_builder=builder, settings=settings
            )
        except (BacktestDataError, ModelError):
            continue  # too short for the split, or the model cannot fit it: not a candidate
        for fold in result.main_model_results.fold_results:
            rows.append(
                pd.DataFrame(
                    {
                        "unique_id": uid,
                        "ds": fold.dates,
                        "cutoff": fold.split.train_end,
                        "fold": fold.fold_index,
                        "horizon_step": config.gap + np.arange(1, len(fold.dates) + 1),
                        "y": fold.actuals,
                        model: fold.predictions,
                    }
                )
            )
    if not rows:
        return pd.DataFrame()
    return fold_sums(pd.concat(rows, ignore_index=True), config.feature_models)


def global_backtests(engine: Engine, config: TrainingConfig) -> BacktestSummary:
    """Backtest each global model (one fit per fold across every series)."""
    panel = load_feature_panel(engine)
    frames = []
    for kind in config.global_models:
        cv = backtest_global(
            panel,
            config.split(),
            kind,
            n_estimators=config.global_n_estimators,
            objective=config.global_objective,
        )
        frames.append(fold_sums(cv, [global_model_name(kind)]))
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    replace_fold_metrics(engine, rows, shard=GLOBAL_SHARD)
    series = panel[["store_id", "product_id"]].drop_duplicates().shape[0]
    return BacktestSummary(
        rows=rows.groupby("model").size().to_dict() if not rows.empty else {}, series=series
    )
