"""Intermittent demand (most days sell nothing): every model, metric and the selection cope."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from sqlalchemy import text

from forecastlab.backtest.metrics import calculate_all
from forecastlab.db.endpoints import Endpoints
from forecastlab.training import backtests, portfolio, selection
from forecastlab.training.config import TrainingConfig
from forecastlab.training.segments import series_profiles
from forecastlab.training.shards import DEFAULT_SHARDS, shard_keys
from tests.dbt.conftest import Warehouse, new_warehouse, seed

ZERO_SHARE = 0.8
CONFIG = TrainingConfig(
    horizon=14, n_splits=3, min_train_size=56, feature_sample=3, global_n_estimators=20
)


@pytest.fixture(scope="module")
def zero_heavy(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """A Forge history where ~80% of the sales rows are zero (a fixed hash picks them)."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "intermittent")
    seed(warehouse.engine, "retail_standard", seed=9, stores=2, products=3, window_days=150)
    with warehouse.engine.begin() as conn:
        conn.execute(
            text(
                "update raw.sales_daily set quantity = 0, total_amount = 0 "
                "where (hashtext(date::text || store_id || '/' || product_id) & 1023) "
                "< :cut"
            ),
            {"cut": int(ZERO_SHARE * 1024)},
        )
    warehouse.dbt("build")
    return warehouse


def test_metrics_on_all_zero_windows_are_defined_or_flagged() -> None:
    zeros = np.zeros(7)
    metrics = calculate_all(zeros, zeros)
    assert metrics["mae"] == 0 and metrics["smape"] == 0 and metrics["bias"] == 0
    assert metrics["wape"] == float("inf")  # serialised as null; never a crash


def test_the_whole_training_round_runs_and_selection_does_not_degenerate(
    zero_heavy: Warehouse,
) -> None:
    engine = zero_heavy.engine
    with engine.connect() as conn:
        share = conn.execute(
            text("select avg((quantity = 0)::int) from marts.fct_sales_features")
        ).scalar_one()
    assert share > 0.7
    for shard in shard_keys():
        backtests.series_backtests(engine, shard, DEFAULT_SHARDS, CONFIG)
    backtests.global_backtests(engine, CONFIG)
    board = selection.leaderboard(engine)
    assert set(CONFIG.model_names()) <= set(board["model"])
    assert np.isfinite(board["mae"]).all()  # every candidate produced usable forecasts
    chosen = selection.select_champions(engine, series_profiles(engine), CONFIG.ensemble_size)
    champions = chosen.champions
    assert len(champions) == 6
    # Not degenerate: the policy in production is the one with the best held-out WAPE, and
    # every series got a model the policy assigned.
    scores = {p.policy: p.holdout_wape for p in chosen.policies}
    assert set(scores) == {"single_best", "per_segment", "per_series", "ensemble"}
    assert scores[chosen.chosen] == min(scores.values())
    assert (champions["policy"] == chosen.chosen).all()
    assert champions["segment"].str.endswith("/intermittent").all()
    fitted = portfolio.fit_portfolio(engine, CONFIG, portfolio.fit_global_models(engine, CONFIG))
    forecast = fitted.predict(*next(iter(fitted.members)), 14)
    assert forecast.shape == (14,) and np.all(forecast >= 0)
