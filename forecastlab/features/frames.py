"""Canonical regression feature frames V1 and V2 (spec §5.6) from ONE position-based builder.

Rows are positions in a series' extended sequence: the n observed rows (0 … n-1) followed by
the requested future dates (position n-1+j for step j). Targets of future positions are NaN,
so `lag_k = y[p-k]` is NaN whenever p-k > n-1 and every window/same-weekday/trend feature is
NaN unless all the rows it reads are observed — never a recursive prediction. Historical rows
(`historical_frame`) and future rows (`future_frame`) are the same computation over different
positions, which is what makes a future row for a held-back day equal its historical row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from forecastlab.features.calendar import as_days, calendar_columns, weekday
from forecastlab.features.series import (
    DAILY_FIELDS,
    EXOGENOUS_DEFAULTS,
    EXOGENOUS_FIELDS,
    PROMO_FIELDS,
    SeriesData,
    observed_exogenous,
)
from forecastlab.features.windows import (
    safe_ratio,
    take_back,
    trailing,
    window_mean,
    window_median,
    window_slope,
    window_std,
)

V1_LAGS: Final[tuple[int, ...]] = (1, 7, 14, 28)
_V1_CALENDAR: Final[tuple[str, ...]] = (
    "dow_sin",
    "dow_cos",
    "month_sin",
    "month_cos",
    "is_weekend",
    "is_month_end",
)
V1_COLUMNS: Final[tuple[str, ...]] = (
    *(f"lag_{k}" for k in V1_LAGS),
    *_V1_CALENDAR,
    "price_factor",
    "promo_active",
    "is_holiday",
    "days_since_launch",
)

# Pinned V2 constants (persisted in bundle metadata, §5.6).
V2_CONSTANTS: Final[dict[str, tuple[int, ...] | int]] = {
    "lags": (1, 7, 14, 28, 56, 364),
    "same_dow_lookbacks": (4, 8),
    "rolling_windows": (7, 28, 90),
    "trend_windows": (30, 90),
    "stockout_windows": (7, 28),
    "replenishment_window": 14,
    "replenishment_qty_window": 28,
    "returns_windows": (7, 28),
    "returns_rate_window": 28,
    "inventory_availability_window": 28,
    "history_tail": 400,
}
# Observed targets a model bundle keeps to build future rows (§5.6).
HISTORY_TAIL: Final[dict[int, int]] = {1: 90, 2: 400}
NEW_PRODUCT_DAYS: Final[int] = 30
MATURE_PRODUCT_DAYS: Final[int] = 180

V2_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "target_history": (
        *(f"lag_{k}" for k in (1, 7, 14, 28, 56, 364)),
        "same_dow_mean_4",
        "same_dow_mean_8",
    ),
    "calendar": (
        *_V1_CALENDAR,
        "week_of_year_sin",
        "week_of_year_cos",
        "day_of_month_sin",
        "day_of_month_cos",
        "is_holiday",
    ),
    "rolling": (
        "rolling_mean_7",
        "rolling_mean_28",
        "rolling_mean_90",
        "rolling_median_28",
        "rolling_std_28",
    ),
    "trend": ("trend_30", "trend_90", "rolling_mean_7_vs_28", "rolling_mean_28_vs_prev_28"),
    "price_promo": ("price_factor", *PROMO_FIELDS),
    "inventory": (
        "is_stockout_lag1",
        "stockout_days_7",
        "stockout_days_28",
        "inventory_available_ratio_28",
    ),
    "lifecycle": (
        "days_since_launch",
        "is_new_product",
        "is_mature_product",
        "is_discontinued",
        "days_until_discontinue",
    ),
    "replenishment": (
        "days_since_last_replenishment",
        "replenishment_count_14",
        "replenishment_qty_28",
    ),
    "returns": ("returns_qty_7", "returns_qty_28", "returns_rate_28"),
    "exogenous_weather": ("exo_weather_temp_c", "exo_weather_precip_mm"),
    "exogenous_macro": ("exo_macro_index",),
}
DEFAULT_V2_GROUPS: Final[tuple[str, ...]] = (
    "target_history",
    "calendar",
    "rolling",
    "trend",
    "price_promo",
    "lifecycle",
)

SAFE, CONDITIONAL, UNSAFE = "safe", "conditionally_safe", "unsafe_unless_supplied"
_GROUP_SAFETY: Final[dict[str, str]] = {
    "target_history": CONDITIONAL,
    "calendar": SAFE,
    "rolling": CONDITIONAL,
    "trend": CONDITIONAL,
    "price_promo": UNSAFE,
    "inventory": CONDITIONAL,
    "lifecycle": SAFE,
    "replenishment": CONDITIONAL,
    "returns": CONDITIONAL,
    "exogenous_weather": UNSAFE,
    "exogenous_macro": UNSAFE,
}
SAFETY_CLASSES: Final[dict[str, str]] = {
    column: _GROUP_SAFETY[group] for group, columns in V2_GROUPS.items() for column in columns
}


def feature_columns(version: int = 1, groups: Iterable[str] | None = None) -> tuple[str, ...]:
    """The frame's column manifest: V1's 14 columns, or V2's enabled groups in table order."""
    if version == 1:
        if groups is not None:
            raise ValueError("feature groups apply to feature_frame_version 2 only")
        return V1_COLUMNS
    if version == 2:
        enabled = _enabled_groups(groups)
        return tuple(column for group in enabled for column in V2_GROUPS[group])
    raise ValueError(f"unknown feature_frame_version {version}")


def feature_groups_manifest(groups: Iterable[str] | None = None) -> dict[str, list[str]]:
    """V2's enabled groups and their columns, in table order (the run's `feature_groups`)."""
    return {group: list(V2_GROUPS[group]) for group in _enabled_groups(groups)}


def baseline_price(series: SeriesData) -> float:
    """D-08: median observed unit price of the window, else product base_price, else 1.0."""
    prices = series.unit_price[np.isfinite(series.unit_price) & (series.unit_price > 0)]
    if prices.size:
        return float(np.median(prices))
    if series.base_price is not None and series.base_price > 0:
        return float(series.base_price)
    return 1.0


def historical_frame(
    series: SeriesData,
    version: int = 1,
    groups: Iterable[str] | None = None,
    baseline_price: float | None = None,
) -> pd.DataFrame:
    """One row per observed row of `series` (index: date), columns `feature_columns(...)`."""
    columns = feature_columns(version, groups)
    inputs = _observed_inputs(series, _resolve_baseline(series, baseline_price))
    return _build(series, as_days([]), inputs, np.arange(series.n), columns)


def future_frame(
    series: SeriesData,
    dates: Iterable[object],
    version: int = 1,
    groups: Iterable[str] | None = None,
    baseline_price: float | None = None,
    exogenous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows for future `dates` (ascending, after the last observed row), from the history only.

    `exogenous`: a date-indexed frame with any of :data:`EXOGENOUS_FIELDS` (observed values in
    backtests, assumptions in scenarios); absent values take :data:`EXOGENOUS_DEFAULTS`, except
    `is_holiday`, which falls back to the series' loaded calendar.
    """
    columns = feature_columns(version, groups)
    days = as_days(list(dates))
    if days.size and (
        np.any(np.diff(days) <= np.timedelta64(0, "D"))
        or (series.n and days[0] <= series.dates[-1])
    ):
        raise ValueError("future dates must be ascending and after the last observed row")
    baseline = _resolve_baseline(series, baseline_price)
    inputs = pd.concat(
        [_observed_inputs(series, baseline), _future_inputs(series, days, exogenous, baseline)]
    )
    return _build(series, days, inputs, series.n + np.arange(days.size), columns)


FeatureBuilder = Callable[[np.ndarray, np.ndarray], tuple[pd.DataFrame, pd.DataFrame]]


def backtest_feature_builder(
    series: SeriesData, version: int = 1, groups: Iterable[str] | None = None
) -> FeatureBuilder:
    """The backtest runner's `feature_builder(train_index, test_index) -> (X_train, X_test)`.

    X_train = historical frame of the train slice; X_test = future rows for every step from
    the train end to the last test row (gap + horizon, §7.3), with the observed price/promotion
    of those days; the baseline price comes from the train slice only (D-08).
    """
    feature_columns(version, groups)  # fail at construction, not inside a fold

    def build(train_index: np.ndarray, test_index: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        train = series.take(np.asarray(train_index))
        baseline = baseline_price(train)
        steps = np.arange(int(np.max(train_index)) + 1, int(np.max(test_index)) + 1)
        days = series.dates[steps]
        return (
            historical_frame(train, version, groups, baseline),
            future_frame(train, days, version, groups, baseline, observed_exogenous(series, days)),
        )

    return build


# --- the one builder -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Positions:
    """What every group reads: the extended target/dates and the positions to emit."""

    target: np.ndarray  # (1, L): observed quantities then NaN for future steps
    days: np.ndarray  # (L,) datetime64[D]
    inputs: pd.DataFrame  # (L,) price_factor + DAILY_FIELDS per position
    positions: np.ndarray  # (Q,)
    series: SeriesData

    @property
    def rows(self) -> np.ndarray:
        return np.zeros(self.positions.size, dtype=np.int64)

    @property
    def row_days(self) -> np.ndarray:
        return self.days[self.positions]


def _build(
    series: SeriesData,
    future_days: np.ndarray,
    inputs: pd.DataFrame,
    positions: np.ndarray,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    ctx = _Positions(
        target=np.concatenate([series.quantity, np.full(future_days.size, np.nan)])[None, :],
        days=np.concatenate([series.dates, future_days]),
        inputs=inputs.reset_index(drop=True),
        positions=positions,
        series=series,
    )
    wanted = set(columns)
    values: dict[str, np.ndarray] = {}
    for group, build in _GROUP_BUILDERS.items():
        if wanted.intersection(V2_GROUPS[group]):
            values.update(build(ctx))
    missing = [column for column in columns if column not in values]
    if missing:
        # the opt-in groups (inventory, replenishment, returns, exogenous_*) need loaders
        raise NotImplementedError(f"feature columns without a builder yet: {missing}")
    index = pd.DatetimeIndex(ctx.row_days, name="date")
    return pd.DataFrame({column: values[column] for column in columns}, index=index)


def _target_history(ctx: _Positions) -> dict[str, np.ndarray]:
    lags = V2_CONSTANTS["lags"]
    lagged = take_back(ctx.target, ctx.rows, ctx.positions, np.asarray(lags))
    values = {f"lag_{k}": lagged[:, i] for i, k in enumerate(lags)}
    for count in V2_CONSTANTS["same_dow_lookbacks"]:
        values[f"same_dow_mean_{count}"] = _same_weekday_mean(ctx, count)
    return values


def _same_weekday_mean(ctx: _Positions, count: int) -> np.ndarray:
    """Mean of the `count` most recent earlier rows on the row's weekday (NaN if any missing)."""
    days = weekday(ctx.days)
    order = np.lexsort((np.arange(days.size), days))  # by weekday, then position
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    group_start = np.searchsorted(days[order], days[order], side="left")
    here = rank[ctx.positions]
    back = here[:, None] - np.arange(1, count + 1)[None, :]
    valid = back >= group_start[here][:, None]
    earlier = ctx.target[0, order[np.maximum(back, 0)]]
    return np.where(valid, earlier, np.nan).mean(axis=1)


def _rolling(ctx: _Positions) -> dict[str, np.ndarray]:
    short, medium, long = V2_CONSTANTS["rolling_windows"]
    windows = {w: trailing(ctx.target, ctx.rows, ctx.positions, w) for w in (short, medium, long)}
    return {
        f"rolling_mean_{short}": window_mean(windows[short]),
        f"rolling_mean_{medium}": window_mean(windows[medium]),
        f"rolling_mean_{long}": window_mean(windows[long]),
        f"rolling_median_{medium}": window_median(windows[medium]),
        f"rolling_std_{medium}": window_std(windows[medium]),
    }


def _trend(ctx: _Positions) -> dict[str, np.ndarray]:
    values = {
        f"trend_{w}": window_slope(trailing(ctx.target, ctx.rows, ctx.positions, w))
        for w in V2_CONSTANTS["trend_windows"]
    }
    short, medium, _ = V2_CONSTANTS["rolling_windows"]
    twice = trailing(ctx.target, ctx.rows, ctx.positions, 2 * medium)
    recent, previous = window_mean(twice[:, medium:]), window_mean(twice[:, :medium])
    values[f"rolling_mean_{short}_vs_{medium}"] = safe_ratio(window_mean(twice[:, -short:]), recent)
    values[f"rolling_mean_{medium}_vs_prev_{medium}"] = safe_ratio(recent, previous)
    return values


def _calendar(ctx: _Positions) -> dict[str, np.ndarray]:
    return calendar_columns(ctx.row_days, ctx.inputs["is_holiday"].to_numpy()[ctx.positions])


def _price_promo(ctx: _Positions) -> dict[str, np.ndarray]:
    rows = ctx.inputs.iloc[ctx.positions]
    return {field: rows[field].to_numpy(dtype=float) for field in ("price_factor", *PROMO_FIELDS)}


def _lifecycle(ctx: _Positions) -> dict[str, np.ndarray]:
    days = ctx.row_days
    launch, discontinue = ctx.series.launch_date, ctx.series.discontinue_date
    since = _days_between(launch, days)
    until = -_days_between(discontinue, days)
    with np.errstate(invalid="ignore"):
        return {
            "days_since_launch": since,
            "is_new_product": np.where(np.isnan(since), np.nan, since < NEW_PRODUCT_DAYS),
            "is_mature_product": np.where(np.isnan(since), np.nan, since >= MATURE_PRODUCT_DAYS),
            "is_discontinued": (until <= 0).astype(float),
            "days_until_discontinue": until,
        }


def _days_between(anchor: object, days: np.ndarray) -> np.ndarray:
    """days - anchor in days as floats; NaN everywhere when the anchor date is unknown."""
    if anchor is None:
        return np.full(days.size, np.nan)
    return (days - as_days([anchor])[0]).astype(np.int64).astype(float)


_GROUP_BUILDERS: Final[dict[str, Callable[[_Positions], dict[str, np.ndarray]]]] = {
    "target_history": _target_history,
    "calendar": _calendar,
    "rolling": _rolling,
    "trend": _trend,
    "price_promo": _price_promo,
    "lifecycle": _lifecycle,
}


# --- inputs per position ---------------------------------------------------------------------


def _observed_inputs(series: SeriesData, baseline: float) -> pd.DataFrame:
    """price_factor and the daily plan of the observed rows."""
    inputs = series.planned(series.dates)
    inputs.insert(0, "price_factor", series.unit_price / baseline)
    return inputs


def _future_inputs(
    series: SeriesData, days: np.ndarray, exogenous: pd.DataFrame | None, baseline: float
) -> pd.DataFrame:
    """Supplied values where given, else defaults (holidays: the loaded calendar)."""
    given = _supplied(exogenous, days)
    inputs = pd.DataFrame(index=pd.DatetimeIndex(days, name="date"))
    inputs["price_factor"] = (
        given["price_factor"]
        .fillna(given["unit_price"] / baseline)
        .fillna(EXOGENOUS_DEFAULTS["price_factor"])
    )
    planned = series.planned(days, ("is_holiday",))
    inputs["is_holiday"] = given["is_holiday"].fillna(planned["is_holiday"])
    for field in PROMO_FIELDS:
        inputs[field] = given[field].fillna(EXOGENOUS_DEFAULTS[field])
    return inputs[["price_factor", *DAILY_FIELDS]]


def _supplied(exogenous: pd.DataFrame | None, days: np.ndarray) -> pd.DataFrame:
    """The caller's exogenous values on `days`, every field present (NaN = not supplied)."""
    index = pd.DatetimeIndex(days, name="date")
    if exogenous is None:
        return pd.DataFrame(np.nan, index=index, columns=list(EXOGENOUS_FIELDS))
    unknown = set(exogenous.columns) - set(EXOGENOUS_FIELDS) - {"date"}
    if unknown:
        raise ValueError(f"unknown exogenous fields: {sorted(unknown)}")
    frame = exogenous.set_index("date") if "date" in exogenous.columns else exogenous
    frame = frame.set_axis(pd.DatetimeIndex(as_days(frame.index)))
    return frame.reindex(index=index, columns=list(EXOGENOUS_FIELDS)).astype(float)


def _resolve_baseline(series: SeriesData, given: float | None) -> float:
    return baseline_price(series) if given is None else float(given)


def _enabled_groups(groups: Iterable[str] | None) -> tuple[str, ...]:
    chosen = set(DEFAULT_V2_GROUPS if groups is None else groups)
    unknown = chosen - set(V2_GROUPS)
    if unknown:
        raise ValueError(f"unknown V2 feature groups: {sorted(unknown)}")
    return tuple(group for group in V2_GROUPS if group in chosen)
