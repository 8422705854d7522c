"""Time-series split in index space over the observed rows (spec §7.2).

The rule is implemented once, vectorised over series lengths (`plan_folds`), so the
single-series runner and the panel engine cannot drift apart; `split_indices` is that
rule applied to one series.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from forecastlab.backtest.errors import BacktestDataError

logger = logging.getLogger(__name__)

# Below this the split still runs (spec §7.1), but train windows are short enough to warn about.
_RECOMMENDED_MIN_TRAIN = 30

# OpenAPI examples: two expanding folds of one week over 2025-05-02..2025-06-30 (one day
# without sales in May), the folds the backtest examples of the API show.
SPLIT_CONFIG_EXAMPLE: Final = {
    "strategy": "expanding",
    "n_splits": 2,
    "min_train_size": 30,
    "gap": 0,
    "horizon": 7,
}
SPLIT_BOUNDARY_EXAMPLES: Final = (
    {
        "fold_index": 0,
        "train_start": "2025-05-02",
        "train_end": "2025-06-01",
        "test_start": "2025-06-02",
        "test_end": "2025-06-08",
        "train_size": 30,
        "test_size": 7,
    },
    {
        "fold_index": 1,
        "train_start": "2025-05-02",
        "train_end": "2025-06-23",
        "test_start": "2025-06-24",
        "test_end": "2025-06-30",
        "train_size": 52,
        "test_size": 7,
    },
)


class SplitConfig(BaseModel):
    """How a series is cut into train/test folds."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        json_schema_extra={"examples": [SPLIT_CONFIG_EXAMPLE]},
    )

    strategy: Literal["expanding", "sliding"] = "expanding"
    n_splits: int = Field(default=5, ge=2, le=20)
    min_train_size: int = Field(default=30, ge=7)
    gap: int = Field(default=0, ge=0, le=30)
    horizon: int = Field(default=14, ge=1, le=90)

    @model_validator(mode="after")
    def _horizon_exceeds_gap(self) -> Self:
        if self.horizon <= self.gap:
            raise ValueError(f"horizon ({self.horizon}) must be greater than gap ({self.gap})")
        if self.min_train_size < _RECOMMENDED_MIN_TRAIN:
            logger.warning(
                "min_train_size=%d is below the recommended %d",
                self.min_train_size,
                _RECOMMENDED_MIN_TRAIN,
            )
        return self

    @property
    def required_observations(self) -> int:
        """The fewest rows one fold needs: min_train_size + gap + horizon."""
        return self.min_train_size + self.gap + self.horizon


class SplitBoundary(BaseModel):
    """One fold's boundaries as dates of its first/last rows (inclusive) and its sizes."""

    model_config = ConfigDict(
        frozen=True, json_schema_extra={"examples": [SPLIT_BOUNDARY_EXAMPLES[0]]}
    )

    fold_index: int
    train_start: date
    train_end: date
    test_start: date
    test_end: date
    train_size: int
    test_size: int


@dataclass(frozen=True)
class Fold:
    """One fold as half-open row ranges: train `[train_start, train_end)`, test likewise."""

    index: int
    train_start: int
    train_end: int
    test_start: int
    test_end: int

    @property
    def train_index(self) -> np.ndarray:
        """Row positions of the train slice."""
        return np.arange(self.train_start, self.train_end)

    @property
    def test_index(self) -> np.ndarray:
        """Row positions of the scored test window."""
        return np.arange(self.test_start, self.test_end)

    @property
    def forecast_index(self) -> np.ndarray:
        """Row positions a forecast from the train end covers: the gap rows, then the test."""
        return np.arange(self.train_end, self.test_end)

    def boundary(self, dates: np.ndarray) -> SplitBoundary:
        """The fold's `SplitBoundary`, reading dates from the series' date array."""
        return SplitBoundary(
            fold_index=self.index,
            train_start=_as_date(dates[self.train_start]),
            train_end=_as_date(dates[self.train_end - 1]),
            test_start=_as_date(dates[self.test_start]),
            test_end=_as_date(dates[self.test_end - 1]),
            train_size=self.train_end - self.train_start,
            test_size=self.test_end - self.test_start,
        )


@dataclass(frozen=True)
class FoldPlan:
    """Fold positions for many series at once: row = series, column = fold number k.

    Ranges are half-open row positions within each series; `active[s, k]` says whether
    series s has fold k (series too short for the split have no active fold).
    """

    train_start: np.ndarray
    train_end: np.ndarray
    test_start: np.ndarray
    test_end: np.ndarray
    active: np.ndarray
    sufficient: np.ndarray


def plan_folds(n_obs: np.ndarray, config: SplitConfig) -> FoldPlan:
    """Apply the §7.2 splitter to every series length in `n_obs` at once."""
    n = np.asarray(n_obs, dtype=np.int64)
    head = config.min_train_size + config.gap
    h = config.horizon
    sufficient = n >= config.required_observations
    # Rule 2: too short for n_splits full test windows → fewer splits (at least one).
    n_splits = np.where(
        n < head + config.n_splits * h,
        np.minimum(config.n_splits, np.maximum(1, (n - head) // h)),
        config.n_splits,
    )
    # Rule 3: spread the folds over the rows left after the first test window.
    step = np.where(n_splits > 1, np.maximum(1, (n - head - h) // np.maximum(n_splits - 1, 1)), h)
    shift = np.arange(config.n_splits) * step[:, None]
    if config.strategy == "expanding":
        train_start = np.zeros_like(shift)
        train_end = config.min_train_size + shift
    else:
        train_start = shift
        train_end = shift + config.min_train_size
    test_start = train_end + config.gap
    test_end = test_start + h
    # Rule 4's early stop: test ends grow with k, so "fits" is a prefix of the folds.
    active = (
        sufficient[:, None]
        & (np.arange(config.n_splits) < n_splits[:, None])
        & (test_end <= n[:, None])
    )
    return FoldPlan(train_start, train_end, test_start, test_end, active, sufficient)


def split_indices(n_obs: int, config: SplitConfig) -> list[Fold]:
    """The folds of one series of `n_obs` observed rows; raises `BacktestDataError`."""
    if n_obs < config.required_observations:
        raise BacktestDataError(n_obs, config.required_observations)
    plan = plan_folds(np.array([n_obs]), config)
    if not plan.active[0].all():
        logger.info(
            "n_splits reduced from %d to %d for %d observations",
            config.n_splits,
            int(plan.active[0].sum()),
            n_obs,
        )
    return [
        Fold(
            index=k,
            train_start=int(plan.train_start[0, k]),
            train_end=int(plan.train_end[0, k]),
            test_start=int(plan.test_start[0, k]),
            test_end=int(plan.test_end[0, k]),
        )
        for k in np.flatnonzero(plan.active[0])
    ]


def _as_date(value: object) -> date:
    """A calendar date from a date, datetime, numpy datetime64 or ISO string."""
    return pd.Timestamp(value).date()
