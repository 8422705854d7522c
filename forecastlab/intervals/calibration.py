"""Calibrations: each series' sorted absolute backtest residuals per horizon bucket, as JSON.

A `Calibration` keeps every residual (not one quantile), so a prediction can ask for any level;
a `RunCalibration` is what one MLflow run carries: a calibration per series it answers (one
for a model trained through the API, every member's for a portfolio).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Final

import numpy as np
import pandas as pd

from forecastlab.backtest.buckets import BUCKET_IDS
from forecastlab.backtest.results import BacktestResult
from forecastlab.intervals.conformal import (
    HalfWidths,
    bucket_position,
    half_widths,
    interval_bounds,
    min_residuals,
)

METHOD: Final = "split_conformal"
# Residuals are kept to a millionth of a unit: plenty for demand, and a JSON round trip is exact.
RESIDUAL_DECIMALS: Final = 6
SeriesKey = tuple[int, int]


def _normalised(residuals: Iterable[float] | np.ndarray) -> tuple[float, ...]:
    """Absolute values, rounded, finite only, ascending."""
    values = np.round(np.abs(np.asarray(residuals, dtype=np.float64)), RESIDUAL_DECIMALS)
    return tuple(np.sort(values[np.isfinite(values)]).tolist())


@dataclass(frozen=True)
class SourceFold:
    """A backtest fold whose residuals went into a calibration: its index and last train day."""

    fold: int
    cutoff: date


@dataclass(frozen=True)
class Interval:
    """Bounds of one series' forecast at `level`; NaN where a step has none, and why (`note`)."""

    level: float
    lower: np.ndarray
    upper: np.ndarray
    note: str | None = None

    @classmethod
    def unavailable(cls, horizon: int, level: float, note: str) -> Interval:
        """No bounds for any of the `horizon` steps."""
        missing = np.full(horizon, np.nan)
        return cls(level=level, lower=missing, upper=missing.copy(), note=note)

    @property
    def available(self) -> bool:
        """Whether at least one step has bounds."""
        return bool(np.isfinite(self.lower).any())

    def pairs(self) -> list[tuple[float | None, float | None]]:
        """(lower, upper) per step, None where the step has no interval."""
        return [
            (float(lo), float(hi)) if np.isfinite(lo) else (None, None)
            for lo, hi in zip(self.lower, self.upper, strict=True)
        ]


@dataclass(frozen=True)
class Calibration:
    """One series' sorted absolute residuals per bucket and the folds they came from.

    `residuals` maps a bucket id to its residuals, ascending; buckets the backtest never
    reached are absent. `note` says why a calibration has no residuals at all.
    """

    residuals: Mapping[str, tuple[float, ...]]
    folds: tuple[SourceFold, ...] = ()
    note: str | None = None

    @classmethod
    def from_residuals(
        cls,
        steps: np.ndarray,
        residuals: np.ndarray,
        folds: Iterable[SourceFold] = (),
        note: str | None = None,
    ) -> Calibration:
        """From residuals (actual - forecast, either sign) at lead times `steps` (1-based)."""
        position = bucket_position(np.asarray(steps))
        residuals = np.asarray(residuals, dtype=np.float64)
        return cls(
            residuals={
                BUCKET_IDS[b]: _normalised(residuals[position == b]) for b in np.unique(position)
            },
            folds=tuple(folds),
            note=note,
        )

    @classmethod
    def from_backtest(cls, result: BacktestResult) -> Calibration:
        """From the main model's folds of a `run_backtest` result (with fold details)."""
        gap = result.split_config.gap
        steps, residuals, folds = [], [], []
        for fold in result.main_model_results.fold_results:
            actual = np.asarray(fold.actuals, dtype=np.float64)
            steps.append(gap + np.arange(1, actual.size + 1))  # D-04: the gap counts as lead time
            residuals.append(actual - np.asarray(fold.predictions, dtype=np.float64))
            folds.append(SourceFold(fold.fold_index, fold.split.train_end))
        return cls.from_residuals(np.concatenate(steps), np.concatenate(residuals), folds)

    @property
    def counts(self) -> dict[str, int]:
        """Residuals per bucket."""
        return {bucket: len(values) for bucket, values in self.residuals.items()}

    def half_widths(self, level: float) -> dict[str, float | None]:
        """Each calibrated bucket's own half-width at `level` (None: too few residuals)."""
        widths = half_widths(*padded([self]), level).width[0]
        return {
            bucket: None if np.isnan(widths[i]) else float(widths[i])
            for i, bucket in enumerate(BUCKET_IDS)
            if bucket in self.residuals
        }

    def interval(self, forecast: np.ndarray, level: float) -> Interval:
        """Bounds for forecast steps 1, 2, … at `level`, with a note on borrowed or missing ones."""
        forecast = np.asarray(forecast, dtype=np.float64)
        steps = np.arange(1, forecast.size + 1)
        widths = half_widths(*padded([self]), level)
        lower, upper = interval_bounds(forecast, widths.width[0, bucket_position(steps)])
        note = self.note if self.note and not self.residuals else _describe(widths, steps)
        return Interval(level=level, lower=lower, upper=upper, note=note)

    def to_json(self, level: float) -> dict[str, Any]:
        """The JSON form; `half_widths` shows the buckets' own half-widths at `level`."""
        return {
            "half_widths": self.half_widths(level),
            "residual_counts": self.counts,
            "abs_residuals": {bucket: list(values) for bucket, values in self.residuals.items()},
            "folds": [{"fold": f.fold, "cutoff": f.cutoff.isoformat()} for f in self.folds],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> Calibration:
        """Read back `to_json` (the half-widths are derived, so they are not read)."""
        return cls(
            residuals={
                bucket: _normalised(values) for bucket, values in payload["abs_residuals"].items()
            },
            folds=tuple(
                SourceFold(int(f["fold"]), date.fromisoformat(f["cutoff"]))
                for f in payload["folds"]
            ),
            note=payload.get("note"),
        )


def padded(calibrations: Sequence[Calibration]) -> tuple[np.ndarray, np.ndarray]:
    """(residuals (series, bucket, slot) NaN-padded, counts (series, bucket)) of calibrations."""
    lists = [c.residuals.get(bucket, ()) for c in calibrations for bucket in BUCKET_IDS]
    count = np.array([len(values) for values in lists], dtype=np.int64)
    residuals = np.full((count.size, max(1, int(count.max(initial=0)))), np.nan)
    row = np.repeat(np.arange(count.size), count)
    slot = np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)
    residuals[row, slot] = np.fromiter((v for values in lists for v in values), float, row.size)
    shape = (len(calibrations), len(BUCKET_IDS))
    return residuals.reshape(*shape, -1), count.reshape(shape)


def _describe(widths: HalfWidths, steps: np.ndarray) -> str | None:
    """Which steps borrow an earlier bucket's half-width or have none, and why."""
    parts = []
    position = bucket_position(steps)
    for b in np.unique(position):
        source = int(widths.source[0, b])
        if source == b:
            continue
        covered = steps[position == b]
        span = f"step {covered[0]}" if covered.size == 1 else f"steps {covered[0]}-{covered[-1]}"
        why = (
            f"{widths.count[0, b]} residuals at {BUCKET_IDS[b]}, level {widths.level:g} needs "
            f"{min_residuals(widths.level)}"
        )
        if source >= 0:
            parts.append(f"{span} use the {BUCKET_IDS[source]} half-width ({why})")
        else:
            parts.append(f"{span} have no bounds ({why})")
    return "; ".join(parts) or None


@dataclass(frozen=True)
class RunCalibration:
    """The calibration a run carries: one per series it answers.

    `level` is the one its JSON shows half-widths at (the settings' level when it was made);
    predictions may ask for any other.
    """

    level: float
    series: Mapping[SeriesKey, Calibration] = field(default_factory=dict)

    def interval(
        self, store_id: int, product_id: int, forecast: np.ndarray, level: float
    ) -> Interval:
        """One series' bounds for forecast steps 1, 2, … at `level`."""
        calibration = self.series.get((store_id, product_id))
        if calibration is None:
            return Interval.unavailable(
                len(forecast),
                level,
                f"no prediction intervals: the run's calibration has no residuals for store "
                f"{store_id} product {product_id}",
            )
        return calibration.interval(forecast, level)

    def bounds(
        self,
        store_id: np.ndarray,
        product_id: np.ndarray,
        step: np.ndarray,
        forecast: np.ndarray,
        level: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) for many forecast rows at once; NaN where a row has no interval."""
        forecast = np.asarray(forecast, dtype=np.float64)
        if not self.series:
            return np.full(forecast.shape, np.nan), np.full(forecast.shape, np.nan)
        rows = self._index.get_indexer(pd.MultiIndex.from_arrays([store_id, product_id]))
        widths = half_widths(*self._padded, level).width
        width = widths[np.maximum(rows, 0), bucket_position(np.asarray(step))]
        return interval_bounds(forecast, np.where(rows >= 0, width, np.nan))

    @cached_property
    def _index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_tuples(list(self.series), names=["store_id", "product_id"])

    @cached_property
    def _padded(self) -> tuple[np.ndarray, np.ndarray]:
        return padded(list(self.series.values()))

    def to_json(self) -> dict[str, Any]:
        """The JSON form logged with the run."""
        return {
            "method": METHOD,
            "level": self.level,
            "buckets": list(BUCKET_IDS),
            "series": [
                {"store_id": store_id, "product_id": product_id, **c.to_json(self.level)}
                for (store_id, product_id), c in self.series.items()
            ],
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> RunCalibration:
        """Read back `to_json`; ValueError for another method."""
        if payload.get("method") != METHOD:
            raise ValueError(f"not a {METHOD} calibration: {payload.get('method')!r}")
        return cls(
            level=float(payload["level"]),
            series={
                (int(entry["store_id"]), int(entry["product_id"])): Calibration.from_json(entry)
                for entry in payload["series"]
            },
        )


def calibrations_from_fold_errors(frame: pd.DataFrame, level: float) -> RunCalibration:
    """Per series, from fold-error rows: store_id, product_id, fold, cutoff, bucket, abs_errors.

    One row per (series, fold, bucket) with the bucket's absolute errors as a list, the layout
    of ml.backtest_fold_metrics.
    """
    if frame.empty:
        return RunCalibration(level=level)
    keys = ["store_id", "product_id"]
    errors = (
        frame[[*keys, "bucket", "abs_errors"]]
        .explode("abs_errors")
        .dropna(subset=["abs_errors"])
        .astype({"abs_errors": np.float64})
    )
    residuals = errors.groupby([*keys, "bucket"], sort=True)["abs_errors"].agg(_normalised)
    folds = frame[[*keys, "fold", "cutoff"]].drop_duplicates([*keys, "fold"]).sort_values("fold")
    folds_of = {
        (int(store_id), int(product_id)): tuple(
            SourceFold(int(row.fold), pd.Timestamp(row.cutoff).date()) for row in part.itertuples()
        )
        for (store_id, product_id), part in folds.groupby(keys, sort=False)
    }
    series: dict[SeriesKey, Calibration] = {}
    for (store_id, product_id), part in residuals.groupby(level=[0, 1], sort=True):
        key = (int(store_id), int(product_id))
        by_bucket = dict(zip(part.index.get_level_values("bucket"), part, strict=True))
        series[key] = Calibration(
            residuals={b: by_bucket[b] for b in BUCKET_IDS if b in by_bucket},
            folds=folds_of[key],
        )
    return RunCalibration(level=level, series=series)
