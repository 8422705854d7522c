"""The §7.2 splitter: worked example, strategies, reduction, errors, boundaries."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from forecastlab.backtest import BacktestDataError, SplitConfig, plan_folds, split_indices


def _ranges(folds):
    return [(f.train_start, f.train_end, f.test_start, f.test_end) for f in folds]


def test_worked_example_n92() -> None:
    config = SplitConfig(n_splits=3, min_train_size=30, gap=0, horizon=14)
    folds = split_indices(92, config)
    # Step 24; tests at rows 30-43, 54-67, 78-91 (half-open ends below).
    assert _ranges(folds) == [(0, 30, 30, 44), (0, 54, 54, 68), (0, 78, 78, 92)]
    assert [f.index for f in folds] == [0, 1, 2]


def test_sliding_keeps_the_train_window_size() -> None:
    config = SplitConfig(strategy="sliding", n_splits=3, min_train_size=30, horizon=14)
    assert _ranges(split_indices(92, config)) == [
        (0, 30, 30, 44),
        (24, 54, 54, 68),
        (48, 78, 78, 92),
    ]


def test_gap_shifts_the_test_window() -> None:
    config = SplitConfig(n_splits=2, min_train_size=30, gap=3, horizon=10)
    # step = (60 - 30 - 3 - 10) // 1 = 17
    assert _ranges(split_indices(60, config)) == [(0, 30, 33, 43), (0, 47, 50, 60)]


def test_n_splits_reduced_when_the_series_is_short() -> None:
    config = SplitConfig(n_splits=5, min_train_size=30, horizon=14)
    # 30 + 5*14 = 100 > 70 -> n_splits = (70 - 30) // 14 = 2, step = (70-30-14) // 1 = 26.
    assert _ranges(split_indices(70, config)) == [(0, 30, 30, 44), (0, 56, 56, 70)]
    # Room for one window only: one fold, step = horizon.
    assert _ranges(split_indices(50, config)) == [(0, 30, 30, 44)]


def test_insufficient_data_reports_the_required_count() -> None:
    config = SplitConfig(min_train_size=30, gap=2, horizon=14)
    with pytest.raises(BacktestDataError, match="45 observations, 46 required") as info:
        split_indices(45, config)
    assert (info.value.available, info.value.required) == (45, 46)
    assert len(split_indices(46, config)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"horizon": 3, "gap": 3},
        {"n_splits": 1},
        {"n_splits": 21},
        {"min_train_size": 6},
        {"gap": 31},
        {"horizon": 91},
        {"strategy": "rolling"},
        {"unknown": 1},
    ],
)
def test_invalid_split_configs_are_rejected(overrides: dict) -> None:
    with pytest.raises(ValidationError):
        SplitConfig(**overrides)


def test_defaults() -> None:
    assert SplitConfig().model_dump() == {
        "strategy": "expanding",
        "n_splits": 5,
        "min_train_size": 30,
        "gap": 0,
        "horizon": 14,
    }


@pytest.mark.parametrize("strategy", ["expanding", "sliding"])
def test_vectorised_plan_matches_the_single_series_split(strategy: str) -> None:
    config = SplitConfig(strategy=strategy, n_splits=4, min_train_size=20, gap=2, horizon=9)
    lengths = np.arange(0, 160)
    plan = plan_folds(lengths, config)
    for s, n in enumerate(lengths):
        if n < config.required_observations:
            assert not plan.sufficient[s] and not plan.active[s].any()
            continue
        expected = _ranges(split_indices(int(n), config))
        got = [
            (
                plan.train_start[s, k],
                plan.train_end[s, k],
                plan.test_start[s, k],
                plan.test_end[s, k],
            )
            for k in np.flatnonzero(plan.active[s])
        ]
        assert got == expected
        assert all(test_end <= n for *_, test_end in expected)


def test_boundaries_carry_the_dates_of_first_and_last_rows() -> None:
    dates = pd.date_range("2024-01-01", periods=92, freq="D").to_numpy()
    fold = split_indices(92, SplitConfig(n_splits=3, min_train_size=30, horizon=14))[1]
    boundary = fold.boundary(dates)
    assert boundary.model_dump() == {
        "fold_index": 1,
        "train_start": date(2024, 1, 1),
        "train_end": date(2024, 2, 23),  # row 53
        "test_start": date(2024, 2, 24),  # row 54
        "test_end": date(2024, 3, 8),  # row 67
        "train_size": 54,
        "test_size": 14,
    }
