"""Future rows in the mart's feature layout (`FEATURE_COLUMNS`), for many series at once.

A global model trains on `marts.fct_sales_features` rows; to forecast it needs the same
columns for days after each series' last observed row. Each series keeps a right-aligned tail
of its last observed quantities/prices (`PanelTail`); the future steps are appended as NaN
targets and the position rule of `forecastlab.features.windows` does the rest: lags from the
tail, NaN beyond; rolling stats only when the whole window is observed; never recursive.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Final

import numpy as np
import pandas as pd

from forecastlab.features.calendar import as_days, calendar_columns
from forecastlab.features.columns import (
    CALENDAR_COLUMNS,
    FEATURE_COLUMNS,
    LAGS,
    MAX_LOOKBACK_ROWS,
    PRICE_CHANGE_COLUMN,
    PRICE_CHANGE_PERIOD,
    PRICE_LAGS,
    ROLLING_WINDOWS,
)
from forecastlab.features.windows import (
    safe_ratio,
    take_back,
    trailing,
    window_mean,
    window_std,
)

SERIES_KEYS: Final[list[str]] = ["store_id", "product_id"]
# Inputs a future mart row reads for its own day; absent = unknown (price) or 0 (flags).
FUTURE_INPUTS: Final[tuple[str, ...]] = ("unit_price", "promo_active", "is_holiday")


@dataclass(frozen=True)
class PanelTail:
    """Each series' last `length` observed rows, right-aligned (NaN-padded on the left).

    `last_stockout` is the inventory snapshot's stockout flag on the last observed day: the
    mart's `stockout_lag_1` of the next calendar day.
    """

    store_id: np.ndarray  # (S,)
    product_id: np.ndarray  # (S,)
    last_date: np.ndarray  # (S,) datetime64[D]
    quantity: np.ndarray  # (S, length)
    unit_price: np.ndarray  # (S, length)
    last_stockout: np.ndarray  # (S,) 0/1, NaN unknown

    @classmethod
    def from_panel(cls, panel: pd.DataFrame, length: int = MAX_LOOKBACK_ROWS) -> PanelTail:
        """Tails of a panel sorted by store, product, date (`load_feature_panel`'s order)."""
        grouped = panel.groupby(SERIES_KEYS, sort=False)
        code = grouped.ngroup().to_numpy()
        from_end = grouped.cumcount(ascending=False).to_numpy()
        keep = from_end < length
        n_series = int(code.max()) + 1 if code.size else 0
        last = from_end == 0

        def right_aligned(column: str) -> np.ndarray:
            matrix = np.full((n_series, length), np.nan)
            matrix[code[keep], length - 1 - from_end[keep]] = panel[column].to_numpy(float)[keep]
            return matrix

        return cls(
            store_id=panel["store_id"].to_numpy()[last],
            product_id=panel["product_id"].to_numpy()[last],
            last_date=as_days(panel["date"].to_numpy()[last]),
            quantity=right_aligned("quantity"),
            unit_price=right_aligned("unit_price"),
            last_stockout=panel["is_stockout"].to_numpy(float)[last],
        )

    @property
    def keys(self) -> pd.DataFrame:
        """(store_id, product_id) per tail row."""
        return pd.DataFrame({"store_id": self.store_id, "product_id": self.product_id})

    def select(self, rows: np.ndarray) -> PanelTail:
        """The tails of some series (tail row numbers, e.g. from `locate`)."""
        return replace(self, **{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def locate(self, keys: pd.DataFrame) -> np.ndarray:
        """Tail row of each (store_id, product_id) in `keys`; KeyError for unknown series."""
        index = pd.MultiIndex.from_arrays([self.store_id, self.product_id])
        where = index.get_indexer(pd.MultiIndex.from_frame(keys[SERIES_KEYS]))
        if (where < 0).any():
            missing = keys[SERIES_KEYS].to_numpy()[where < 0][:5].tolist()
            raise KeyError(f"series without a stored history tail: {missing}")
        return where


def future_grid(tail: PanelTail, horizon: int) -> pd.DataFrame:
    """Every (series, step 1..horizon) with the default date last_date + step days."""
    steps = np.arange(1, horizon + 1)
    n_series = tail.store_id.size
    return pd.DataFrame(
        {
            "store_id": np.repeat(tail.store_id, horizon),
            "product_id": np.repeat(tail.product_id, horizon),
            "date": (np.repeat(tail.last_date, horizon) + np.tile(steps, n_series)).astype(
                "datetime64[ns]"
            ),
            "step": np.tile(steps, n_series),
        }
    )


def mart_future_rows(tail: PanelTail, requests: pd.DataFrame) -> pd.DataFrame:
    """`FEATURE_COLUMNS` for each requested (store_id, product_id, date, step) row.

    `step` j (1-based) is the position after the series' last observed row; optional columns
    :data:`FUTURE_INPUTS` give that day's price (e.g. observed in a backtest; NaN/absent =
    unknown, so price lags reaching it are NaN), promotion and holiday flags (absent = 0).
    Rows come back in request order with the request's index.
    """
    series = tail.locate(requests)
    steps = requests["step"].to_numpy(np.int64)
    if (steps < 1).any():
        raise ValueError("future steps are 1-based")
    width = tail.quantity.shape[1]
    horizon = int(steps.max(initial=0))
    positions = width - 1 + steps
    # Future targets are unknown (NaN); future prices are whatever the requests supply.
    future_price = np.full((tail.store_id.size, horizon), np.nan)
    if "unit_price" in requests:
        future_price[series, steps - 1] = requests["unit_price"].to_numpy(float)
    target = np.hstack([tail.quantity, np.full((tail.store_id.size, horizon), np.nan)])
    price = np.hstack([tail.unit_price, future_price])

    values: dict[str, np.ndarray] = {}
    lagged = take_back(target, series, positions, np.asarray(LAGS))
    values.update({f"lag_{k}": lagged[:, i] for i, k in enumerate(LAGS)})
    for w in ROLLING_WINDOWS:
        window = trailing(target, series, positions, w)
        values[f"rolling_mean_{w}"] = window_mean(window)
        values[f"rolling_std_{w}"] = window_std(window)
    days = as_days(requests["date"])
    holidays = _flag(requests, "is_holiday")
    calendar = calendar_columns(days, holidays)
    values.update({column: calendar[column] for column in CALENDAR_COLUMNS})
    price_lags = take_back(price, series, positions, np.asarray(PRICE_LAGS))
    values.update({f"price_lag_{k}": price_lags[:, i] for i, k in enumerate(PRICE_LAGS)})
    prev, base = take_back(price, series, positions, np.array([1, PRICE_CHANGE_PERIOD + 1])).T
    values[PRICE_CHANGE_COLUMN] = safe_ratio(prev - base, base)
    values["promo_active"] = _flag(requests, "promo_active")
    # The snapshot of calendar day d-1 is known only when d-1 is the last observed day.
    day_after_last = days == tail.last_date[series] + np.timedelta64(1, "D")
    values["stockout_lag_1"] = np.where(
        (steps == 1) & day_after_last, tail.last_stockout[series], np.nan
    )
    return pd.DataFrame(
        {column: values[column] for column in FEATURE_COLUMNS}, index=requests.index
    )


def _flag(requests: pd.DataFrame, column: str) -> np.ndarray:
    if column not in requests:
        return np.zeros(len(requests))
    return requests[column].fillna(0).to_numpy(float)
