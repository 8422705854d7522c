"""Leaderboard, champion selection on selection folds, and the held-out promotion evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.training.ensemble import ensemble_fold_rows
from forecastlab.training.fold_metrics import fold_sums, replace_fold_metrics
from forecastlab.training.policies import assign_per_series
from forecastlab.training.selection import (
    fold_totals,
    holdout_evidence,
    leaderboard,
    select_champions,
)


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


def _profiles(*series: str, rows: int = 200, segment: str = "low/intermittent") -> pd.DataFrame:
    keys = [tuple(int(p) for p in uid.split("/")) for uid in series]
    return pd.DataFrame(
        {
            "store_id": [k[0] for k in keys],
            "product_id": [k[1] for k in keys],
            "rows": rows,
            "segment": segment,
        }
    )


def _store(engine: Engine, cv: pd.DataFrame, models: list[str], shard: str = "shard_0") -> None:
    replace_fold_metrics(engine, fold_sums(cv, models), shard=shard)


FLAT = [[10.0, 10.0]] * 4  # four folds of two points; fold 3 is held out


def test_champions_ignore_the_holdout_fold_and_evidence_uses_it(ml_engine: Engine) -> None:
    # "naive" is perfect on the selection folds 0-2 but terrible on the held-out fold 3.
    cv = _cv(
        {
            "1/1": {
                "naive": [[10, 10], [10, 10], [10, 10], [0, 0]],
                "seasonal_naive": [[8, 8], [8, 8], [8, 8], [9, 9]],
                "moving_average_7": [[7, 7], [7, 7], [7, 7], [9.5, 9.5]],
            }
        },
        {"1/1": FLAT},
    )
    _store(ml_engine, cv, ["naive", "seasonal_naive", "moving_average_7"])
    chosen = select_champions(ml_engine, _profiles("1/1"), ensemble_size=2)
    assert chosen.ranking["model"].iloc[0] == "naive"
    single = next(p for p in chosen.policies if p.policy == "single_best")
    assert single.holdout_wape == pytest.approx(100.0)
    # The ensemble of the top two (naive, seasonal naive: mean 4.5 on the held-out fold)
    # scores 55%, better than naive alone: selection is validated, so the ensemble wins.
    ensemble = next(p for p in chosen.policies if p.policy == "ensemble")
    assert ensemble.holdout_wape == pytest.approx(55.0)
    assert chosen.chosen == "ensemble"
    champions = chosen.champions
    assert champions["model"].tolist() == ["ensemble_top2"]
    assert champions["members"].iloc[0] == ["naive", "seasonal_naive"]
    assert champions["selection_wape"].iloc[0] == pytest.approx(10.0)
    assert champions["seasonal_naive_wape"].iloc[0] == pytest.approx(20.0)
    evidence = holdout_evidence(ml_engine)
    assert evidence.policy == "ensemble"
    assert evidence.portfolio_wape == pytest.approx(55.0)
    assert evidence.seasonal_naive_wape == pytest.approx(10.0)
    assert evidence.best_simple_model == "moving_average_7"
    assert evidence.best_simple_wape == pytest.approx(5.0)
    # Loses to seasonal naive and to the moving average: the gate must fail.
    assert not evidence.beats_seasonal_naive and not evidence.beats_best_simple
    assert not evidence.passed
    assert len(evidence.failures()) == 3  # and biased: 55% under-forecast


def test_a_series_leaves_the_pooled_best_only_on_two_winning_folds(ml_engine: Engine) -> None:
    good, bad = [[10, 10]] * 4, [[6, 6]] * 4
    cv = _cv(
        {
            # "moving_average_7" is the pooled best (series 3/3 and 4/4 carry the pool).
            "3/3": {"moving_average_7": good, "naive": bad},
            "4/4": {"moving_average_7": good, "naive": bad},
            # 1/1: naive wins ONE selection fold (errors 0, 5, 5 vs 4, 4, 4): lower total, stays.
            "1/1": {
                "moving_average_7": [[8, 8]] * 4,
                "naive": [[10, 10], [7.5, 7.5], [7.5, 7.5], [9, 9]],
            },
            # 2/2: naive wins TWO selection folds (0, 0, 10 vs 4, 4, 4) -> switches.
            "2/2": {
                "moving_average_7": [[8, 8]] * 4,
                "naive": [[10, 10], [10, 10], [5, 5], [9, 9]],
            },
        },
        {uid: FLAT for uid in ("1/1", "2/2", "3/3", "4/4")},
    )
    _store(ml_engine, cv, ["moving_average_7", "naive"])
    totals = fold_totals(ml_engine)
    series = totals[["store_id", "product_id"]].drop_duplicates()
    per_series = assign_per_series(totals, series, "moving_average_7").set_index("store_id")
    assert per_series.loc[1, "model"] == "moving_average_7"
    assert per_series.loc[2, "model"] == "naive"
    assert per_series.loc[3, "model"] == "moving_average_7"


def test_per_segment_policy_picks_each_segments_best(ml_engine: Engine) -> None:
    cv = _cv(
        {
            "1/1": {"naive": [[10, 10]] * 4, "moving_average_7": [[5, 5]] * 4},
            "2/2": {"naive": [[0, 0]] * 4, "moving_average_7": [[10, 10]] * 4},
        },
        {"1/1": FLAT, "2/2": FLAT},
    )
    _store(ml_engine, cv, ["naive", "moving_average_7"])
    profiles = pd.concat(
        [_profiles("1/1", segment="high/regular"), _profiles("2/2", segment="low/intermittent")]
    )
    chosen = select_champions(ml_engine, profiles, ensemble_size=2)
    per_segment = next(p for p in chosen.policies if p.policy == "per_segment")
    assert per_segment.holdout_wape == pytest.approx(0.0)
    assert chosen.chosen in ("per_segment", "per_series")  # both are perfect here
    champions = chosen.champions.set_index("store_id")
    assert champions.loc[1, "model"] == "naive" and champions.loc[2, "model"] == "moving_average_7"
    with ml_engine.connect() as conn:
        stored = pd.read_sql_query(
            text("select policy, chosen, holdout_wape from ml.selection_policy"), conn
        )
    assert set(stored["policy"]) == {"single_best", "per_segment", "per_series", "ensemble"}
    assert stored["chosen"].sum() == 1


def test_series_too_short_for_any_fold_get_a_counted_fallback(ml_engine: Engine) -> None:
    cv = _cv(
        {"1/1": {"moving_average_56": [[10, 10]] * 4, "naive": [[5, 5]] * 4}},
        {"1/1": FLAT},
    )
    _store(ml_engine, cv, ["moving_average_56", "naive"])
    profiles = pd.concat([_profiles("1/1"), _profiles("9/9", rows=20), _profiles("8/8", rows=80)])
    chosen = select_champions(ml_engine, profiles, ensemble_size=2)
    champions = chosen.champions.set_index("store_id")
    assert len(champions) == 3  # every series of the mart has a model
    assert (champions.loc[[8, 9], "policy"] == "fallback").all()
    assert champions.loc[8, "model"] == "moving_average_56"  # long enough for the best
    assert champions.loc[9, "model"] == "naive"  # 20 rows: the best it can fit
    evidence = holdout_evidence(ml_engine)
    assert evidence.series == 1  # fallbacks have no held-out evidence


def test_a_biased_challenger_fails_the_gate_even_when_more_accurate(ml_engine: Engine) -> None:
    actual = [[10.0, 10.0]] * 4
    cv = _cv(
        {
            "1/1": {
                "naive": [[9.2, 9.2]] * 4,  # 8% under-forecast: best WAPE, biased
                "seasonal_naive": [[11, 8]] * 4,
                "moving_average_7": [[11, 8.5]] * 4,
            }
        },
        {"1/1": actual},
    )
    _store(ml_engine, cv, ["naive", "seasonal_naive", "moving_average_7"])
    select_champions(ml_engine, _profiles("1/1"), ensemble_size=2)
    with ml_engine.begin() as conn:  # pin the champion whatever policy won
        conn.execute(text("update ml.champion set model = 'naive', members = null"))
    evidence = holdout_evidence(ml_engine)
    assert evidence.beats_seasonal_naive and evidence.beats_best_simple
    assert evidence.portfolio_bias == pytest.approx(8.0)
    assert not evidence.bias_within_bound and not evidence.passed
    assert evidence.as_dict()["passed"] is False


def test_an_accurate_unbiased_challenger_passes_the_gate(ml_engine: Engine) -> None:
    cv = _cv(
        {
            "1/1": {
                "naive": [[10.2, 9.9]] * 4,
                "seasonal_naive": [[12, 8]] * 4,
                "moving_average_7": [[11, 9]] * 4,
            }
        },
        {"1/1": [[10.0, 10.0]] * 4},
    )
    _store(ml_engine, cv, ["naive", "seasonal_naive", "moving_average_7"])
    select_champions(ml_engine, _profiles("1/1"), ensemble_size=2)
    with ml_engine.begin() as conn:
        conn.execute(text("update ml.champion set model = 'naive', members = null"))
    evidence = holdout_evidence(ml_engine)
    assert evidence.passed and evidence.failures() == []
    assert abs(evidence.portfolio_bias) <= 5.0


def test_ensemble_rows_are_the_mean_of_the_members(ml_engine: Engine) -> None:
    cv = _cv(
        {"1/1": {"a": [[2, 4]] * 2, "b": [[6, 8]] * 2}},
        {"1/1": [[5.0, 5.0]] * 2},
    )
    _store(ml_engine, cv, ["a", "b"])
    rows = ensemble_fold_rows(ml_engine, ["a", "b"], "ensemble_top2")
    assert rows["forecasts"].tolist() == [[4.0, 6.0], [4.0, 6.0]]
    assert rows["abs_error_sum"].tolist() == [2.0, 2.0]
    assert rows["actuals"].tolist() == [[5.0, 5.0], [5.0, 5.0]]


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
