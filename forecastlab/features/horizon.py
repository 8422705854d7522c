"""Origin-relative features for direct multi-horizon forecasting, across many series at once.

A row asks: standing at the *origin* (a series' last known row), what will the target be
`step` rows later? Every feature reads only the origin's trailing window of at most
:data:`LOOKBACK_ROWS` rows (lags, window means, zero shares, days since the last sale, the
same weekday in recent weeks), plus what is known in advance about the target day (its
calendar, holiday flag, promotion flag, planned price relative to the recent price) and the
step itself. Training rows and forecast rows are built by the same function, so a model
forecasting `step` rows ahead sees exactly the feature pattern it was trained on at that
distance (docs/models/global-model.md: "No train/serve skew").

Series live in one flat array sorted by (series, date) (:class:`History`); a forecaster keeps
only each series' last :data:`LOOKBACK_ROWS` rows, which is all an origin feature can read.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Final

import numpy as np
import pandas as pd

from forecastlab.features.calendar import as_days, weekday

SERIES_KEYS: Final[list[str]] = ["store_id", "product_id"]
# What a request may say about the target day; absent = unknown price / no flag.
TARGET_INPUTS: Final[tuple[str, ...]] = ("unit_price", "promo_active", "is_holiday")

RECENT_LAGS: Final[int] = 7  # last_0 (the origin) ... last_6
WINDOWS: Final[tuple[int, ...]] = (7, 14, 28, 56, 112)
SAME_WEEKDAY_WEEKS: Final[int] = 4
PRICE_WINDOW: Final[int] = 28
LOOKBACK_ROWS: Final[int] = max(*WINDOWS, RECENT_LAGS, 7 * SAME_WEEKDAY_WEEKS, PRICE_WINDOW)

ORIGIN_FEATURES: Final[tuple[str, ...]] = (
    *(f"last_{k}" for k in range(RECENT_LAGS)),
    *(f"mean_{w}" for w in WINDOWS),
    "std_28",
    "zero_share_28",
    "zero_share_112",
    "nonzero_mean_112",
    "rows_since_sale",
    "history_rows",
    "same_weekday_last",
    "same_weekday_mean",
)
TARGET_FEATURES: Final[tuple[str, ...]] = (
    "step",
    "dow",
    "month",
    "day_of_month",
    "is_holiday",
    "promo_active",
    "price_ratio",
)
HORIZON_FEATURES: Final[tuple[str, ...]] = (*ORIGIN_FEATURES, *TARGET_FEATURES)


@dataclass(frozen=True)
class History:
    """Observed rows of many series as one flat array; series s is rows `[start, start+length)`.

    `category` is the product's category per series (categorical feature; "" when unknown).
    """

    store_id: np.ndarray  # (S,)
    product_id: np.ndarray  # (S,)
    category: np.ndarray  # (S,) str
    start: np.ndarray  # (S,)
    length: np.ndarray  # (S,)
    date: np.ndarray  # (N,) datetime64[D]
    quantity: np.ndarray  # (N,) float64
    unit_price: np.ndarray  # (N,) float64, NaN unknown

    @classmethod
    def from_panel(cls, panel: pd.DataFrame) -> History:
        """From a frame sorted by store, product, date (`store_id, product_id, date, quantity,
        unit_price[, category]`)."""
        grouped = panel.groupby(SERIES_KEYS, sort=False)
        length = grouped.size().to_numpy()
        first = np.cumsum(length) - length
        category = (
            panel["category"].astype(str).to_numpy()[first]
            if "category" in panel
            else np.full(length.size, "", dtype=object)
        )
        return cls(
            store_id=panel["store_id"].to_numpy()[first],
            product_id=panel["product_id"].to_numpy()[first],
            category=np.asarray(category, dtype=object),
            start=first,
            length=length,
            date=as_days(panel["date"]),
            quantity=panel["quantity"].to_numpy(np.float64),
            unit_price=panel["unit_price"].to_numpy(np.float64),
        )

    @property
    def last_date(self) -> np.ndarray:
        """Each series' newest observed day."""
        return self.date[self.start + self.length - 1]

    @property
    def keys(self) -> pd.DataFrame:
        """(store_id, product_id) per series."""
        return pd.DataFrame({"store_id": self.store_id, "product_id": self.product_id})

    def tail(self, rows: int = LOOKBACK_ROWS) -> History:
        """Each series' last `rows` rows: all that a forecast from its last row reads."""
        length = np.minimum(self.length, rows)
        first = self.start + self.length - length
        take = np.repeat(first, length) + _within(length)
        return replace(
            self,
            start=np.cumsum(length) - length,
            length=length,
            date=self.date[take],
            quantity=self.quantity[take],
            unit_price=self.unit_price[take],
        )

    def select(self, series: np.ndarray) -> History:
        """Some series (indices, e.g. from `locate`), in that order."""
        take = np.repeat(self.start[series], self.length[series]) + _within(self.length[series])
        per_series = {
            f.name: getattr(self, f.name)[series]
            for f in fields(self)
            if f.name in ("store_id", "product_id", "category", "length")
        }
        return replace(
            self,
            **per_series,
            start=np.cumsum(self.length[series]) - self.length[series],
            date=self.date[take],
            quantity=self.quantity[take],
            unit_price=self.unit_price[take],
        )

    def locate(self, keys: pd.DataFrame) -> np.ndarray:
        """Series index of each (store_id, product_id) in `keys`; KeyError for unknown series."""
        index = pd.MultiIndex.from_arrays([self.store_id, self.product_id])
        where = index.get_indexer(pd.MultiIndex.from_frame(keys[SERIES_KEYS]))
        if (where < 0).any():
            missing = keys[SERIES_KEYS].to_numpy()[where < 0][:5].tolist()
            raise KeyError(f"series without a stored history: {missing}")
        return where


def _within(length: np.ndarray) -> np.ndarray:
    """0..n-1 for each n in `length`, concatenated."""
    total = int(length.sum())
    return np.arange(total) - np.repeat(np.cumsum(length) - length, length)


def horizon_rows(
    history: History,
    series: np.ndarray,
    origin: np.ndarray,
    step: np.ndarray,
    target: pd.DataFrame,
) -> pd.DataFrame:
    """:data:`HORIZON_FEATURES` of rows forecasting `step` rows after `origin`.

    `series` indexes `history`; `origin` is the 0-based position of the origin row within its
    series (features read rows `origin - LOOKBACK_ROWS + 1 .. origin` only); `target` holds the
    target day's `date` and optionally :data:`TARGET_INPUTS`. Rows keep `target`'s index.
    """
    step = np.asarray(step, dtype=np.int64)
    origin = np.asarray(origin, dtype=np.int64)
    if (step < 1).any():
        raise ValueError("steps are 1-based")
    if ((origin < 0) | (origin >= history.length[series])).any():
        raise ValueError("every origin must be an observed row of its series")
    at = history.start[series] + origin  # flat index of each origin row
    available = np.minimum(origin + 1, LOOKBACK_ROWS)  # rows a feature may read
    y = history.quantity
    values: dict[str, np.ndarray] = {}

    for k in range(RECENT_LAGS):
        values[f"last_{k}"] = _gather(y, at, k, available)
    sums = _prefix(y)
    zeros = _prefix((y == 0).astype(np.float64))
    nonzero = _prefix((y != 0).astype(np.float64))
    for w in WINDOWS:
        values[f"mean_{w}"] = _window(sums, at, np.minimum(w, available)) / np.minimum(w, available)
    n28, n112 = np.minimum(28, available), np.minimum(112, available)
    squares = _prefix(y * y)
    mean28 = values["mean_28"]
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = (_window(squares, at, n28) - n28 * mean28**2) / (n28 - 1)
        values["std_28"] = np.where(n28 > 1, np.sqrt(np.maximum(variance, 0.0)), np.nan)
        values["zero_share_28"] = _window(zeros, at, n28) / n28
        values["zero_share_112"] = _window(zeros, at, n112) / n112
        sold = _window(nonzero, at, n112)
        values["nonzero_mean_112"] = np.where(sold > 0, _window(sums, at, n112) / sold, np.nan)
    # Rows since the last non-zero row within the readable window (NaN: none sold there).
    index = np.arange(y.size)
    last_sale = np.maximum.accumulate(np.where(y != 0, index, -1))[at]
    since = at - last_sale
    values["rows_since_sale"] = np.where((last_sale >= 0) & (since < available), since, np.nan)
    values["history_rows"] = available.astype(np.float64)

    # The same weekday as the target: the newest such row at or before the origin sits
    # 7*ceil(step/7) - step rows back (rows are days on dense series).
    back = 7 * -(-step // 7) - step
    weeks = [_gather(y, at, back + 7 * j, available) for j in range(SAME_WEEKDAY_WEEKS)]
    stacked = np.vstack(weeks)
    seen = np.isfinite(stacked).sum(axis=0)
    values["same_weekday_last"] = weeks[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        values["same_weekday_mean"] = np.where(seen > 0, np.nansum(stacked, axis=0) / seen, np.nan)

    days = as_days(target["date"])
    months = days.astype("datetime64[M]")
    values["step"] = step.astype(np.float64)
    values["dow"] = weekday(days).astype(np.float64)
    values["month"] = (months.astype(np.int64) % 12 + 1).astype(np.float64)
    values["day_of_month"] = (days - months.astype("datetime64[D]")).astype(np.float64) + 1
    values["is_holiday"] = _flag(target, "is_holiday")
    values["promo_active"] = _flag(target, "promo_active")
    recent_price = _nanmean_window(history.unit_price, at, np.minimum(PRICE_WINDOW, available))
    planned = (
        target["unit_price"].to_numpy(np.float64)
        if "unit_price" in target
        else np.full(len(target), np.nan)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        values["price_ratio"] = np.where(recent_price > 0, planned / recent_price, np.nan)
    return pd.DataFrame({c: values[c] for c in HORIZON_FEATURES}, index=target.index)


def _prefix(values: np.ndarray) -> np.ndarray:
    """Prefix sums with a leading 0: the sum of rows (a, b] is `out[b+1] - out[a+1]`."""
    return np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])


def _window(prefix: np.ndarray, at: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Sum of the `width` rows ending at flat row `at` (inclusive)."""
    return prefix[at + 1] - prefix[at + 1 - width]


def _gather(values: np.ndarray, at: np.ndarray, back: np.ndarray | int, available: np.ndarray):
    """`values` `back` rows before each origin; NaN beyond the readable window."""
    back = np.broadcast_to(np.asarray(back), at.shape)
    ok = back < available
    return np.where(ok, values[at - np.where(ok, back, 0)], np.nan)


def _nanmean_window(values: np.ndarray, at: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Mean of the known (finite) values among the `width` rows ending at `at`; NaN if none."""
    known = np.isfinite(values)
    sums, counts = _prefix(np.where(known, values, 0.0)), _prefix(known.astype(np.float64))
    count = _window(counts, at, width)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, _window(sums, at, width) / count, np.nan)


def _flag(target: pd.DataFrame, column: str) -> np.ndarray:
    if column not in target:
        return np.zeros(len(target))
    return target[column].fillna(0).to_numpy(np.float64)


def training_rows(
    history: History, max_step: int, seed: int, *, min_target_position: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(series, origin, step) of one training row per observed target row.

    Each target row t draws its distance `step` uniformly from 1..max_step (seeded), so every
    distance the model will be asked for is trained on evenly; the origin is t - step and must
    be an observed row. Targets before `min_target_position` are not used.
    """
    series = np.repeat(np.arange(history.length.size), history.length)
    position = _within(history.length)
    step = np.random.default_rng(seed).integers(1, max_step + 1, size=position.size)
    keep = (position >= min_target_position) & (position - step >= 0)
    return series[keep], (position - step)[keep], step[keep]
