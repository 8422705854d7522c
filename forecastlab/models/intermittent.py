"""Intermittent-demand models: Croston (classic and SBA), TSB, ADIDA and IMAPA.

The definitions are statsforecast 2.x's (`CrostonClassic`, `CrostonSBA`, `TSB`, `ADIDA`,
`IMAPA`), so the forecasts agree with it (see bench/README.md). Every model forecasts one
constant level. The arithmetic is written once, over a whole panel: a matrix of series, each
row holding one series oldest first from column 0 and `length` values long (the rest of the
row is padding and never read). A single-series `fit` runs the same code on a one-row panel,
and the backtest engine's kernel runs it on every series of a fold, so the two cannot drift.

The time recursions (simple exponential smoothing and its squared errors) loop over time
steps only: each step is a few numpy operations on every sequence still running (`Sequences`).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

import numpy as np

from forecastlab.models.base import Forecaster

# statsforecast's fixed choices: Croston smooths with 0.1, SBA scales by 0.95 (Syntetos and
# Boylan's 1 - alpha/2 at alpha = 0.1), and ADIDA/IMAPA pick the smoothing constant of each
# aggregated series by golden-section search on [0.1, 0.3] until the bracket is under 1e-12.
SBA_FACTOR: Final = 0.95
ALPHA_SEARCH_BOUNDS: Final = (0.1, 0.3)
ALPHA_SEARCH_TOLERANCE: Final = 1e-12
_GOLDEN_RATIO: Final = (math.sqrt(5.0) + 1.0) / 2.0


def _present(values: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Which cells of a panel hold a series value (the rest is padding)."""
    return np.arange(values.shape[1]) < length[:, None]


def _starts(length: np.ndarray) -> np.ndarray:
    """Where each of back-to-back runs of `length` cells begins."""
    return np.cumsum(length) - length


def _longer_than(length: np.ndarray, steps: int) -> np.ndarray:
    """For t = 0 .. steps-1, how many of `length` exceed t."""
    return length.size - np.cumsum(np.bincount(length, minlength=steps + 1))[:steps]


@dataclass(frozen=True)
class Sequences:
    """Sequences of different lengths, stored time-major for recursions over all of them.

    Step t holds the values at t of the `live[t]` sequences still running, longest first, at
    `flat[start[t] : start[t] + live[t]]`: a recursion updates a prefix of its state at each
    step and never touches padding. `order[j]` is the caller's index of the j-th longest.
    """

    length: np.ndarray
    first: np.ndarray  # each sequence's first value (0 for an empty one), caller order
    flat: np.ndarray
    start: np.ndarray
    live: np.ndarray
    order: np.ndarray

    @classmethod
    def of(cls, length: np.ndarray, cells: np.ndarray) -> Sequences:
        """Sequences of `length` values; `cells` holds them back to back, each oldest first."""
        order = np.argsort(-length, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        live = _longer_than(length, int(length.max(initial=0)))
        start = _starts(live)
        sequence = np.repeat(np.arange(length.size), length)
        step = np.arange(sequence.size) - np.repeat(_starts(length), length)
        flat = np.empty(sequence.size)
        flat[start[step] + rank[sequence]] = cells
        first = np.zeros(length.size)
        first[length > 0] = cells[_starts(length)[length > 0]]
        return cls(length, first, flat, start, live, order)

    def ses(self, alpha: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Simple exponential smoothing of each sequence: (one-step-ahead forecast, SSE).

        The level starts at the first value and takes in every value x, oldest first, as
        `alpha * x + (1 - alpha) * level`; the SSE sums the squared differences between each
        value and the level before it. `alpha` is one constant or one per sequence. A single
        value is its own forecast, as in statsforecast; an empty sequence forecasts 0.
        """
        rate = np.broadcast_to(np.asarray(alpha, dtype=np.float64), self.length.shape)
        level, sse = self._smooth(rate[self.order])
        return np.where(self.length > 1, self._unsorted(level), self.first), self._unsorted(sse)

    def optimal_alpha(self) -> np.ndarray:
        """Per sequence, the smoothing constant in ALPHA_SEARCH_BOUNDS minimising the SSE.

        Golden-section search, as statsforecast's: the bracket shrinks towards the interior
        point with the smaller SSE until it is narrower than ALPHA_SEARCH_TOLERANCE, or stops
        at once when both interior SSEs are equal (always so for fewer than 2 values); the
        answer is the bracket's midpoint. All sequences search together, in longest-first
        order; one that has stopped is left as it is.
        """
        lower, upper = ALPHA_SEARCH_BOUNDS
        a = np.full(self.length.shape, lower)
        b = np.full(self.length.shape, upper)
        c = b - (b - a) / _GOLDEN_RATIO
        d = a + (b - a) / _GOLDEN_RATIO
        fc = self._smooth(c)[1]
        fd = self._smooth(d)[1]
        searching = np.abs(b - a) >= ALPHA_SEARCH_TOLERANCE
        while True:
            keep_left = searching & (fc < fd)  # the minimum lies in [a, d]
            keep_right = searching & (fd < fc)  # the minimum lies in [c, b]
            searching = keep_left | keep_right
            if not searching.any():
                return self._unsorted((b + a) / 2.0)
            b = np.where(keep_left, d, b)
            a = np.where(keep_right, c, a)
            # The surviving interior point is reused; one new point per sequence is evaluated.
            probe = np.where(keep_left, b - (b - a) / _GOLDEN_RATIO, a + (b - a) / _GOLDEN_RATIO)
            sse = self._smooth(probe)[1]
            c, d, fc, fd = (
                np.where(keep_left, probe, np.where(keep_right, d, c)),
                np.where(keep_left, c, np.where(keep_right, probe, d)),
                np.where(keep_left, sse, np.where(keep_right, fd, fc)),
                np.where(keep_left, fc, np.where(keep_right, sse, fd)),
            )
            searching &= np.abs(b - a) >= ALPHA_SEARCH_TOLERANCE

    def _smooth(self, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(final level, SSE) per sequence, longest-first order, for smoothing constants `rate`
        in that order; the final level of a single value is not yet its own value (see ses).

        The first value is taken in twice (its error is 0): a no-op in exact arithmetic, kept
        because statsforecast's recursion does it, so the rounding, and with it the
        golden-section search, follows statsforecast's step for step.
        """
        complement = 1.0 - rate
        level = np.zeros(self.length.size)
        sse = np.zeros(self.length.size)
        scratch = np.empty(self.length.size)
        if self.live.size:
            level[: self.live[0]] = self.flat[: self.live[0]]
        for begin, live in zip(self.start.tolist(), self.live.tolist(), strict=True):
            value = self.flat[begin : begin + live]
            current = level[:live]  # views: every update below is in place
            error = scratch[:live]
            np.subtract(value, current, out=error)
            current *= complement[:live]
            error *= error
            sse[:live] += error
            np.multiply(rate[:live], value, out=error)
            current += error
        return level, sse

    def _unsorted(self, per_sequence: np.ndarray) -> np.ndarray:
        """Values in longest-first order, back in the caller's order."""
        out = np.empty_like(per_sequence)
        out[self.order] = per_sequence
        return out


def _demand_sizes(values: np.ndarray, length: np.ndarray) -> Sequences:
    """Each row's positive values."""
    positive = (values > 0) & _present(values, length)
    return Sequences.of(positive.sum(axis=1), values[positive])


def _demand_intervals(values: np.ndarray, length: np.ndarray) -> Sequences:
    """Each row's intervals between non-zero values.

    The first interval counts from just before the series start (a first non-zero value at
    position p gives p + 1), so the intervals sum to the last non-zero position + 1.
    """
    nonzero = (values != 0) & _present(values, length)
    count = nonzero.sum(axis=1)
    position = np.nonzero(nonzero)[1] + 1.0
    interval = np.diff(position, prepend=0.0)
    head = _starts(count)[count > 0]
    interval[head] = position[head]
    return Sequences.of(count, interval)


def aggregation_level(values: np.ndarray, length: np.ndarray) -> np.ndarray:
    """ADIDA's bucket size per row: the mean interval between non-zero values, rounded half
    to even (Python's `round`); 0 for a row without any non-zero value.

    It never exceeds the series length: the intervals sum to at most the length.
    """
    nonzero = (values != 0) & _present(values, length)
    count = nonzero.sum(axis=1)
    last = values.shape[1] - np.argmax(nonzero[:, ::-1], axis=1)  # last non-zero position + 1
    mean_interval = np.divide(last, count, out=np.zeros(count.shape), where=count > 0)
    return np.rint(mean_interval).astype(np.int64)


def _bucket_totals(
    values: np.ndarray, length: np.ndarray, row: np.ndarray, size: np.ndarray
) -> Sequences:
    """Per (row, size) pair, the row's totals over consecutive buckets of `size` values.

    The buckets end at the series' last value, so its oldest `length mod size` values are
    dropped; `size <= length`.
    """
    n = length[row]
    count = n // size
    pair = np.repeat(np.arange(row.size), count)
    bucket = np.arange(pair.size) - np.repeat(_starts(count), count)
    first = row[pair] * values.shape[1] + (n % size)[pair] + size[pair] * bucket
    # Summed value by value in time order, as statsforecast sums a bucket. Largest buckets
    # first, so the cells still summing at step i are a prefix.
    by_size = np.argsort(-size[pair], kind="stable")
    first = first[by_size]
    cells = values.ravel()
    total = np.zeros(pair.size)
    for offset, summing in enumerate(_longer_than(size[pair], int(size.max(initial=0))).tolist()):
        total[:summing] += cells[first[:summing] + offset]
    in_order = np.empty_like(total)
    in_order[by_size] = total
    return Sequences.of(count, in_order)


def bucket_forecasts(
    values: np.ndarray, length: np.ndarray, row: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per (row, size) pair: (forecast of the series' next bucket total, its smoothing constant).

    The bucket totals (`_bucket_totals`, `size <= length`) are smoothed by SES with their
    `optimal_alpha`.
    """
    totals = _bucket_totals(values, length, row, size)
    alpha = totals.optimal_alpha()
    return totals.ses(alpha)[0], alpha


class CrostonFit(NamedTuple):
    """Croston per series: smoothed positive demand size and interval, how many demands, level."""

    demand_size: np.ndarray
    demand_interval: np.ndarray
    demands: np.ndarray
    level: np.ndarray


class TSBFit(NamedTuple):
    """TSB per series: smoothed demand size and probability of demand, level = their product."""

    demand_size: np.ndarray
    demand_probability: np.ndarray
    level: np.ndarray


class ADIDAFit(NamedTuple):
    """ADIDA per series: bucket size (0 = no demand), bucket forecast, its alpha, level."""

    aggregation_level: np.ndarray
    bucket_forecast: np.ndarray
    alpha: np.ndarray
    level: np.ndarray


class IMAPAFit(NamedTuple):
    """IMAPA per series: the largest bucket size (0 = no demand), each bucket size's daily
    forecast (column k-1 for size k, NaN past the series' largest), level = their mean."""

    aggregation_level: np.ndarray
    level_forecasts: np.ndarray
    level: np.ndarray


PanelFit = CrostonFit | TSBFit | ADIDAFit | IMAPAFit


class IntermittentForecaster(Forecaster):
    """A constant-level model whose arithmetic runs over a panel (`fit_panel`).

    `fit` runs `fit_panel` on the one series and keeps each field of its result, for that
    series, as a fitted attribute of the same name plus `_` (e.g. `demand_size_`, `level_`).
    """

    level_: float  # what every step forecasts (set by fit, with the other fields)

    def _fit(self, y: np.ndarray, X: np.ndarray | None) -> None:
        fitted = self.fit_panel(y[None, :], np.array([y.size]))
        for name, per_series in fitted._asdict().items():
            setattr(self, f"{name}_", per_series[0])

    def _predict(self, h: int, X: np.ndarray | None) -> np.ndarray:
        return np.full(h, self.level_)

    @abstractmethod
    def fit_panel(self, values: np.ndarray, length: np.ndarray) -> PanelFit:
        """The model fitted on every row of a panel (series left-aligned, `length` long)."""


class CrostonForecaster(IntermittentForecaster):
    """croston: smoothed demand size / smoothed interval between demands (statsforecast's
    CrostonClassic; with `variant="sba"`, CrostonSBA: the same times 0.95).

    Both are SES with `alpha` (0.1 in statsforecast) over the positive values and over the
    intervals between non-zero values. A series with no positive value forecasts its last
    value (times 0.95 for SBA), as statsforecast does.
    """

    model_type = "croston"

    def __init__(self, variant: Literal["classic", "sba"] = "classic", alpha: float = 0.1) -> None:
        self.variant = variant
        self.alpha = alpha

    @property
    def factor(self) -> float:
        """What the size/interval ratio is multiplied by: 0.95 for SBA, 1 for classic."""
        return SBA_FACTOR if self.variant == "sba" else 1.0

    def fit_panel(self, values: np.ndarray, length: np.ndarray) -> CrostonFit:
        sizes = _demand_sizes(values, length)
        intervals = _demand_intervals(values, length)
        demands = sizes.length
        # Undefined without a positive value (statsforecast then repeats the last value).
        size = np.where(demands > 0, sizes.ses(self.alpha)[0], np.nan)
        interval = np.where(intervals.length > 0, intervals.ses(self.alpha)[0], np.nan)
        last = values[np.arange(length.size), length - 1]
        rate = np.where(demands > 0, size / interval, last)
        return CrostonFit(size, interval, demands, rate * self.factor)


class TSBForecaster(IntermittentForecaster):
    """tsb (Teunter-Syntetos-Babai): smoothed probability of demand x smoothed demand size.

    SES with `alpha_p` over the 0/1 indicator of a non-zero value (every period) and with
    `alpha_d` over the positive values. An all-zero series forecasts 0, as statsforecast's TSB;
    so does one whose non-zero values are all negative (statsforecast fails there).
    """

    model_type = "tsb"

    def __init__(self, alpha_d: float = 0.1, alpha_p: float = 0.1) -> None:
        self.alpha_d = alpha_d
        self.alpha_p = alpha_p

    def fit_panel(self, values: np.ndarray, length: np.ndarray) -> TSBFit:
        occurs = (values[_present(values, length)] != 0).astype(np.float64)
        probability = Sequences.of(length, occurs).ses(self.alpha_p)[0]
        size = _demand_sizes(values, length).ses(self.alpha_d)[0]  # 0 without a positive value
        return TSBFit(size, probability, probability * size)


class ADIDAForecaster(IntermittentForecaster):
    """adida: temporal aggregation to buckets of the mean demand interval (rounded), an
    optimised SES forecast of the bucket totals, spread evenly over the bucket's days.

    An all-zero series forecasts 0, as statsforecast's ADIDA.
    """

    model_type = "adida"

    def fit_panel(self, values: np.ndarray, length: np.ndarray) -> ADIDAFit:
        size = aggregation_level(values, length)
        row = np.flatnonzero(size > 0)
        bucket = np.zeros(length.shape)
        alpha = np.full(length.shape, np.nan)
        bucket[row], alpha[row] = bucket_forecasts(values, length, row, size[row])
        daily = np.divide(bucket, size, out=np.zeros(length.shape), where=size > 0)
        return ADIDAFit(size, bucket, alpha, daily)


class IMAPAForecaster(IntermittentForecaster):
    """imapa: the mean of ADIDA-style daily forecasts (optimised SES of bucket totals, divided
    by the bucket size) over every bucket size from 1 to the rounded mean demand interval.

    An all-zero series forecasts 0, as statsforecast's IMAPA.
    """

    model_type = "imapa"

    def fit_panel(self, values: np.ndarray, length: np.ndarray) -> IMAPAFit:
        largest = aggregation_level(values, length)
        # One (row, size) pair per series and bucket size 1..largest.
        row = np.repeat(np.arange(length.size), largest)
        size = np.arange(row.size) - np.repeat(np.cumsum(largest) - largest, largest) + 1
        daily = np.full((length.size, max(int(largest.max(initial=0)), 1)), np.nan)
        daily[row, size - 1] = bucket_forecasts(values, length, row, size)[0] / size
        mean = np.zeros(length.shape)
        # Averaged per group of equal largest size, over exactly the series' own sizes, so the
        # summation order is a one-series array's, as in statsforecast, whatever the panel.
        for sizes in np.unique(largest[largest > 0]):
            group = np.flatnonzero(largest == sizes)
            mean[group] = daily[group, :sizes].mean(axis=1)
        return IMAPAFit(largest, daily, mean)
