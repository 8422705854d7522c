"""A whole training round in one call, in the order the Dagster assets run it.

The `forecasting` assets call the steps one by one (each is an asset of its own); scripts,
benchmarks and tests that need the round outside Dagster call `run_round`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
from sqlalchemy import Engine

from forecastlab.registry import RunRecord
from forecastlab.training import backtests, forecasts, portfolio, selection
from forecastlab.training.config import TrainingConfig
from forecastlab.training.segments import series_profiles
from forecastlab.training.shards import DEFAULT_SHARDS, shard_keys


@dataclass(frozen=True)
class RoundResult:
    """What one round produced: the selection, the gate's evidence, the MLflow runs."""

    selection: selection.Selection
    evidence: selection.PromotionEvidence
    portfolio: RunRecord
    global_runs: dict[str, RunRecord]
    forecasts: pd.DataFrame | None


def run_round(
    engine: Engine,
    config: TrainingConfig,
    *,
    promote: Literal["if_passed", "always", "never"] = "if_passed",
) -> RoundResult:
    """Backtest, select, register the portfolio (alias `challenger`); when the promotion gate
    passes (`promote="if_passed"`, as the pipeline does), move `production` to it and write
    ml.forecasts. `"always"` skips the gate (tests of what comes after), `"never"` stops."""
    for shard in shard_keys(DEFAULT_SHARDS):
        backtests.series_backtests(engine, shard, DEFAULT_SHARDS, config)
    backtests.global_backtests(engine, config)
    chosen = selection.select_champions(engine, series_profiles(engine), config.ensemble_size)
    board = selection.leaderboard(engine)
    globals_ = portfolio.fit_global_models(engine, config)
    global_runs = portfolio.register_global_models(engine, globals_, config, board)
    fitted = portfolio.fit_portfolio(engine, config, globals_)
    evidence = selection.holdout_evidence(engine, config.max_abs_bias)
    record = portfolio.register_portfolio(
        engine, fitted, config, evidence, board, selection.policy_comparison(engine)
    )
    batch = None
    if promote == "always" or (promote == "if_passed" and evidence.passed):
        portfolio.promote(record.run_id)
        batch = forecasts.batch_forecasts(engine, config.horizon)
    return RoundResult(chosen, evidence, record, global_runs, batch)
