"""Leaderboard, champion selection on selection folds, and the held-out promotion evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.training.fold_metrics import fold_sums, replace_fold_metrics
from forecastlab.training.selection import holdout_evidence, leaderboard, select_champions


def _cv(series: dict[str, dict[str, list[list[float]]]], actuals: dict[str, list[list[float]]]):
    """A long CV frame: per series, per fold, the actuals and each model's forecasts."""
    rows = []
    for uid, per_model in series.items():
        for fold, y in enumerate(actuals[uid]):
            for step, value in enumerate(y):
                row = {
                    "unique_id": uid,
                    "ds": date(2025, 1, 1) + timedelta(days=fold * 15 + step),
                    "cutoff": date(2025, 1, 1) + timedelta(days=fold * 15),
                    "fold": fold,
                    "horizon_step": step + 1,
                    "y": value,
                }
                for model, folds in per_model.items():
                    row[model] = folds[fold][step]
                rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture
def ml_engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    return engine_for(fresh_database("sel").app_sqlalchemy)


def test_fold_sums_pool_wape_exactly() -> None:
    cv = _cv({"1/2": {"naive": [[1.0, 3.0]]}}, {"1/2": [[2.0, 2.0]]})
    sums = fold_sums(cv, ["naive"])
    assert sums.loc[0, "bucket"] == "h_1_7"
    assert sums.loc[0, "abs_error_sum"] == 2.0
    assert sums.loc[0, "abs_actual_sum"] == 4.0
    assert sums.loc[0, "error_sum"] == 0.0
    assert (sums.loc[0, "store_id"], sums.loc[0, "product_id"]) == (1, 2)


def test_champions_ignore_the_holdout_fold_and_evidence_uses_it(ml_engine: Engine) -> None:
    # Series 1/1: "naive" is perfect on folds 0-1 but terrible on the held-out fold 2.
    actual = [[10.0, 10.0], [10.0, 10.0], [10.0, 10.0]]
    cv = _cv(
        {
            "1/1": {
                "naive": [[10, 10], [10, 10], [0, 0]],
                "seasonal_naive": [[8, 8], [8, 8], [9, 9]],
            }
        },
        {"1/1": actual},
    )
    replace_fold_metrics(ml_engine, fold_sums(cv, ["naive", "seasonal_naive"]), shard="shard_0")
    champions = select_champions(ml_engine)
    assert champions["model"].tolist() == ["naive"]
    assert champions["selection_wape"].iloc[0] == pytest.approx(0.0)
    assert champions["seasonal_naive_wape"].iloc[0] == pytest.approx(20.0)
    evidence = holdout_evidence(ml_engine)
    assert evidence.portfolio_wape == pytest.approx(100.0)
    assert evidence.seasonal_naive_wape == pytest.approx(10.0)
    assert not evidence.passed  # selection looked great; the held-out fold says no


def test_zero_heavy_series_fall_back_to_mae(ml_engine: Engine) -> None:
    zeros = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    cv = _cv(
        {"3/4": {"naive": [[0, 0], [0, 0], [0, 0]], "moving_average": [[1, 1], [1, 1], [1, 1]]}},
        {"3/4": zeros},
    )
    replace_fold_metrics(ml_engine, fold_sums(cv, ["naive", "moving_average"]), shard="shard_1")
    champions = select_champions(ml_engine)
    assert champions.set_index("model").index.tolist() == ["naive"]
    assert pd.isna(champions["selection_wape"].iloc[0])  # WAPE undefined on all-zero actuals


def test_replacing_a_shard_is_idempotent_and_leaderboard_pools(ml_engine: Engine) -> None:
    cv = _cv({"5/6": {"naive": [[1, 1], [2, 2]]}}, {"5/6": [[2.0, 2.0], [2.0, 2.0]]})
    sums = fold_sums(cv, ["naive"])
    replace_fold_metrics(ml_engine, sums, shard="shard_2")
    replace_fold_metrics(ml_engine, sums, shard="shard_2")
    board = leaderboard(ml_engine).set_index("model")
    assert board.loc["naive", "n_points"] == 4
    assert board.loc["naive", "wape"] == pytest.approx(100 * 2 / 8)


def test_a_fold_longer_than_a_week_is_stored_per_bucket(ml_engine: Engine) -> None:
    actual = [[float(v) for v in range(1, 11)]]
    cv = _cv({"7/8": {"naive": [[5.0] * 10]}}, {"7/8": actual})
    sums = fold_sums(cv, ["naive"])
    assert sums["bucket"].tolist() == ["h_1_7", "h_8_14"]
    assert sums["n_points"].tolist() == [7, 3]
    assert replace_fold_metrics(ml_engine, sums, shard="shard_3") == 2
    board = leaderboard(ml_engine).set_index("model")
    assert board.loc["naive", "n_points"] == 10  # buckets add up to the whole fold
