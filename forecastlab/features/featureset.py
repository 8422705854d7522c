"""Spec §5.3's feature computation for one (store, product) series, from its raw rows.

:func:`compute_features` is pure: it takes the series' observed sales rows (with enough
warm-up rows before the requested window that the first lags and windows are filled, see
:func:`warmup_rows`) and its daily calendar/promotion/inventory facts, and returns one row
per observed sales row of the window. Lags and windows count observed rows (D-10); a window
ends the row before; `stockout_lag_1` / `on_hand_lag_1` read the inventory snapshot of
calendar day d-1 (DESIGN "Feature contract"). With every sub-config at its defaults the
result equals `marts.fct_sales_features`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pandas as pd

from forecastlab.features.calendar import as_days, calendar_columns, weekday
from forecastlab.features.columns import INTEGER_FEATURE_COLUMNS, PRICE_CHANGE_PERIOD
from forecastlab.features.featureset_config import (
    CalendarConfig,
    ExogenousConfig,
    FeatureSetConfig,
    ImputationConfig,
    LagConfig,
    RollingConfig,
)
from forecastlab.features.windows import safe_ratio

log = logging.getLogger(__name__)

SALES_COLUMNS: Final[tuple[str, ...]] = ("quantity", "unit_price", "total_amount")
DAILY_COLUMNS: Final[tuple[str, ...]] = ("is_holiday", "promo_active", "is_stockout", "on_hand_qty")
# Whole-number features leave as JSON integers; every other feature is a float.
INTEGER_COLUMNS: Final[frozenset[str]] = INTEGER_FEATURE_COLUMNS | {
    "day_of_week",
    "month",
    "year",
    "on_hand_lag_1",
}
_LEAKY_STRATEGIES: Final[frozenset[str]] = frozenset({"bfill", "mean"})
_ONE_DAY: Final = np.timedelta64(1, "D")


@dataclass(frozen=True)
class FeatureInputs:
    """One series' raw rows.

    `sales`: observed rows ascending by `date` (datetime64), columns :data:`SALES_COLUMNS`.
    `daily`: indexed by calendar date, columns :data:`DAILY_COLUMNS` as floats (0/1 flags;
    NaN inventory = no snapshot that day); days it does not cover count as no holiday, no
    promotion and no snapshot.
    """

    sales: pd.DataFrame
    daily: pd.DataFrame


def warmup_rows(config: FeatureSetConfig) -> int:
    """Observed rows before the window that the config's lags and windows reach back."""
    reach = [0]
    if config.lag_config:
        reach.extend(config.lag_config.lags)
    if config.rolling_config:
        reach.extend(config.rolling_config.windows)
    exogenous = config.exogenous_config
    if exogenous and exogenous.include_price:
        reach.extend(exogenous.price_lags)
    if exogenous and exogenous.include_price_change:
        reach.append(PRICE_CHANGE_PERIOD + 1)
    return max(reach)


def compute_features(
    inputs: FeatureInputs, config: FeatureSetConfig, start: date, cutoff: date
) -> pd.DataFrame:
    """The feature rows of the observed sales rows dated `start` … `cutoff` (§5.3).

    Indexed by date; columns in §5.3 order: lag, rolling, calendar, exogenous; NaN where a
    value is not available.
    """
    # Cut-off first: no computation below can see a row after the cut-off.
    sales = inputs.sales[inputs.sales["date"] <= pd.Timestamp(cutoff)]
    sales = impute(sales, config.imputation_config).reset_index(drop=True)
    days = as_days(sales["date"])
    groups = [
        lag_features(sales, config.lag_config),
        rolling_features(sales, config.rolling_config),
        calendar_features(days, inputs.daily, config.calendar_config),
        exogenous_features(sales, days, inputs.daily, config.exogenous_config),
    ]
    frame = pd.concat(groups, axis=1)
    frame.index = pd.DatetimeIndex(days, name="date")
    return frame[frame.index >= pd.Timestamp(start)]


def impute(sales: pd.DataFrame, config: ImputationConfig | None) -> pd.DataFrame:
    """Fill or drop nulls per column (§5.3 step 1); bfill and mean leak and say so."""
    if config is None:
        return sales
    sales = sales.copy()
    for column, strategy in config.strategies.items():
        values = sales[column]
        if strategy in _LEAKY_STRATEGIES:
            log.warning("imputation %r on %s uses later rows: features can leak", strategy, column)
        if strategy == "drop":
            sales = sales[values.notna()]
            continue
        sales[column] = _filled(values, strategy)
    return sales


def _filled(values: pd.Series, strategy: str) -> pd.Series:
    if strategy == "zero":
        return values.fillna(0.0)
    if strategy == "ffill":
        return values.ffill()
    if strategy == "bfill":
        return values.bfill()
    if strategy == "mean":
        return values.fillna(values.mean())
    # expanding_mean: the mean of the non-null values strictly before the row.
    return values.fillna(values.expanding().mean().shift(1))


def lag_features(sales: pd.DataFrame, config: LagConfig | None) -> pd.DataFrame:
    """`lag_{k}`: the target k observed rows earlier; `fill_value` where there are fewer."""
    if config is None:
        return pd.DataFrame(index=sales.index)
    target = sales[config.target_column].astype(float)
    columns = {}
    for k in config.lags:
        lagged = target.shift(k)
        if config.fill_value is not None:
            lagged.iloc[:k] = config.fill_value
        columns[f"lag_{k}"] = lagged
    return pd.DataFrame(columns, index=sales.index)


def rolling_features(sales: pd.DataFrame, config: RollingConfig | None) -> pd.DataFrame:
    """`rolling_{agg}_{w}` over rows i-w … i-1, window-outer like the mart (ddof 1 for std)."""
    if config is None:
        return pd.DataFrame(index=sales.index)
    before = sales[config.target_column].astype(float).shift(1)
    columns = {}
    for w in config.windows:
        window = before.rolling(w, min_periods=config.min_periods or w)
        for aggregation in config.aggregations:
            columns[f"rolling_{aggregation}_{w}"] = getattr(window, aggregation)()
    return pd.DataFrame(columns, index=sales.index)


def calendar_features(
    days: np.ndarray, daily: pd.DataFrame, config: CalendarConfig | None
) -> pd.DataFrame:
    """Calendar columns of each row's own date (safe: no observed value is read)."""
    if config is None:
        return pd.DataFrame(index=np.arange(len(days)))
    holidays = _on_days(daily, "is_holiday", days).fillna(0.0).to_numpy()
    encoded = calendar_columns(days, holidays)
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    wanted: list[tuple[bool, dict[str, np.ndarray]]] = [
        (
            config.include_day_of_week,
            {"dow_sin": encoded["dow_sin"], "dow_cos": encoded["dow_cos"]}
            if config.use_cyclical_encoding
            else {"day_of_week": weekday(days)},
        ),
        (
            config.include_month,
            {"month_sin": encoded["month_sin"], "month_cos": encoded["month_cos"]}
            if config.use_cyclical_encoding
            else {"month": month},
        ),
        (config.include_quarter, {"quarter": encoded["quarter"]}),
        (config.include_year, {"year": days.astype("datetime64[Y]").astype(np.int64) + 1970}),
        (config.include_is_weekend, {"is_weekend": encoded["is_weekend"]}),
        (config.include_is_month_end, {"is_month_end": encoded["is_month_end"]}),
        (config.include_is_holiday, {"is_holiday": encoded["is_holiday"]}),
    ]
    columns = {name: values for on, group in wanted if on for name, values in group.items()}
    return pd.DataFrame(columns, index=np.arange(len(days)), dtype=float)


def exogenous_features(
    sales: pd.DataFrame, days: np.ndarray, daily: pd.DataFrame, config: ExogenousConfig | None
) -> pd.DataFrame:
    """Observed prices rows back, the same-day planned promotion, yesterday's inventory."""
    if config is None:
        return pd.DataFrame(index=sales.index)
    price = sales["unit_price"].astype(float)
    columns: dict[str, pd.Series | np.ndarray] = {}
    if config.include_price:
        for k in config.price_lags:
            columns[f"price_lag_{k}"] = price.shift(k)
    if config.include_price_change:
        base = price.shift(PRICE_CHANGE_PERIOD + 1).to_numpy()
        previous = price.shift(1).to_numpy()
        columns[f"price_pct_change_{PRICE_CHANGE_PERIOD}d"] = safe_ratio(previous - base, base)
    if config.include_promo:
        columns["promo_active"] = _on_days(daily, "promo_active", days).fillna(0.0).to_numpy()
    # The snapshot of calendar day d-1: on stockout days there is often no sales row at all.
    if config.include_stockout_flag:
        columns["stockout_lag_1"] = _on_days(daily, "is_stockout", days - _ONE_DAY).to_numpy()
    if config.include_inventory:
        columns["on_hand_lag_1"] = _on_days(daily, "on_hand_qty", days - _ONE_DAY).to_numpy()
    return pd.DataFrame(columns, index=sales.index)


def _on_days(daily: pd.DataFrame, column: str, days: np.ndarray) -> pd.Series:
    """`daily[column]` on each of `days` (NaN where the day is not covered)."""
    return daily[column].astype(float).reindex(pd.DatetimeIndex(days))


def feature_records(frame: pd.DataFrame) -> list[dict[str, float | int | None]]:
    """Each row's features as a JSON-ready dict: NaN -> None, whole-number columns as int."""
    columns = {
        name: [
            None if np.isnan(value) else (int(value) if name in INTEGER_COLUMNS else float(value))
            for value in frame[name].to_numpy(dtype=float)
        ]
        for name in frame.columns
    }
    return [{name: values[i] for name, values in columns.items()} for i in range(len(frame))]
