"""The default feature set's column names (spec §5.1/§5.3), declared once.

`marts.fct_sales_features` (dbt) emits exactly :data:`MART_COLUMNS` with the types of
:data:`MART_COLUMN_TYPES`; a test checks both against the model's enforced contract and the
built table, so Python and SQL cannot drift.
"""

from __future__ import annotations

from typing import Final

# §5.1 defaults of every sub-config.
LAGS: Final[tuple[int, ...]] = (1, 7, 14, 28)
ROLLING_WINDOWS: Final[tuple[int, ...]] = (7, 14, 28)
ROLLING_AGGREGATIONS: Final[tuple[str, ...]] = ("mean", "std")
PRICE_LAGS: Final[tuple[int, ...]] = (7, 28)
# price_pct_change_7d compares the price one row back with the price eight rows back.
PRICE_CHANGE_PERIOD: Final[int] = 7

FEATURE_MART: Final[str] = "fct_sales_features"
FEATURE_MART_SCHEMA: Final[str] = "marts"

KEY_COLUMNS: Final[tuple[str, ...]] = ("store_id", "product_id", "date")
TARGET_COLUMN: Final[str] = "quantity"

LAG_COLUMNS: Final[tuple[str, ...]] = tuple(f"lag_{k}" for k in LAGS)
# Window-outer order: rolling_mean_7, rolling_std_7, rolling_mean_14, ...
ROLLING_COLUMNS: Final[tuple[str, ...]] = tuple(
    f"rolling_{agg}_{w}" for w in ROLLING_WINDOWS for agg in ROLLING_AGGREGATIONS
)
# Cyclical encoding on, year off (§5.1 calendar_config defaults), in §5.3 step 4 order.
CALENDAR_COLUMNS: Final[tuple[str, ...]] = (
    "dow_sin",
    "dow_cos",
    "month_sin",
    "month_cos",
    "quarter",
    "is_weekend",
    "is_month_end",
    "is_holiday",
)
PRICE_LAG_COLUMNS: Final[tuple[str, ...]] = tuple(f"price_lag_{k}" for k in PRICE_LAGS)
PRICE_CHANGE_COLUMN: Final[str] = f"price_pct_change_{PRICE_CHANGE_PERIOD}d"
EXOGENOUS_COLUMNS: Final[tuple[str, ...]] = (
    *PRICE_LAG_COLUMNS,
    PRICE_CHANGE_COLUMN,
    "promo_active",
    "stockout_lag_1",
)

FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    *LAG_COLUMNS,
    *ROLLING_COLUMNS,
    *CALENDAR_COLUMNS,
    *EXOGENOUS_COLUMNS,
)
MART_COLUMNS: Final[tuple[str, ...]] = (*KEY_COLUMNS, TARGET_COLUMN, *FEATURE_COLUMNS)

# 0/1 flags and small codes are integers; every other feature is double precision.
INTEGER_FEATURE_COLUMNS: Final[frozenset[str]] = frozenset(
    {"quarter", "is_weekend", "is_month_end", "is_holiday", "promo_active", "stockout_lag_1"}
)
MART_COLUMN_TYPES: Final[dict[str, str]] = {
    "store_id": "integer",
    "product_id": "integer",
    "date": "date",
    TARGET_COLUMN: "integer",
    **{
        column: "integer" if column in INTEGER_FEATURE_COLUMNS else "double precision"
        for column in FEATURE_COLUMNS
    },
}

# Rows of a series a feature can reach back: the incremental refresh reads at least this many
# earlier rows per series as context (dbt var `feature_lookback_rows`).
MAX_LOOKBACK_ROWS: Final[int] = max(*LAGS, *ROLLING_WINDOWS, *PRICE_LAGS, PRICE_CHANGE_PERIOD + 1)
