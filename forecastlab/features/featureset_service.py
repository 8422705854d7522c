"""`/featuresets` behind the API: check the limits, load one series' raw rows, compute (§5.2-5.5).

The window is `cutoff - lookback_days … cutoff` (both ends included); the rows are read from
`raw.*` together with the warm-up rows before the window that the config's lags and windows
reach back (so the window's first rows equal the mart's), then computed by
:func:`~forecastlab.features.featureset.compute_features`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.errors import BadRequestError, NotFoundError
from forecastlab.features.calendar import as_days
from forecastlab.features.featureset import (
    DAILY_COLUMNS,
    FeatureInputs,
    compute_features,
    feature_records,
    warmup_rows,
)
from forecastlab.features.featureset_config import FeatureSetConfig
from forecastlab.models.configs import config_hash
from forecastlab.settings import Settings

# D-27: the preview always looks back a year, whatever the caller's lookback would be.
PREVIEW_LOOKBACK_DAYS: Final[int] = 365

# The warm-up rows (the last :warmup before the window) and the window's rows.
_SALES_SQL = text(
    """
    select date, quantity::float8 as quantity, unit_price::float8 as unit_price,
           total_amount::float8 as total_amount
    from (
        (
            select date, quantity, unit_price, total_amount
            from raw.sales_daily
            where store_id = :store_id and product_id = :product_id and date < :start
            order by date desc
            limit :warmup
        )
        union all
        (
            select date, quantity, unit_price, total_amount
            from raw.sales_daily
            where store_id = :store_id and product_id = :product_id
              and date between :start and :cutoff
        )
    ) as observed
    order by date
    """
)
# Per calendar day: the holiday flag, any store-specific or chain-wide promotion of the
# product, and the inventory snapshot (null when there is none).
_DAILY_SQL = text(
    """
    select day::date as date,
           coalesce(calendar.is_holiday, false)::int as is_holiday,
           exists (
               select 1
               from raw.promotion as promotion
               where promotion.product_id = :product_id
                 and (promotion.store_id = :store_id or promotion.store_id is null)
                 and day::date between promotion.start_date and promotion.end_date
           )::int as promo_active,
           inventory.is_stockout::int as is_stockout,
           inventory.on_hand_qty
    from generate_series(cast(:first as date), cast(:cutoff as date), interval '1 day') as day
    left join raw.calendar as calendar on calendar.date = day::date
    left join raw.inventory_snapshot_daily as inventory
        on inventory.store_id = :store_id
       and inventory.product_id = :product_id
       and inventory.date = day::date
    order by day
    """
)


@dataclass(frozen=True)
class FeatureSet:
    """A computed feature set of one series: `frame` is indexed by date, one column a feature."""

    store_id: int
    product_id: int
    cutoff_date: date
    config_hash: str
    frame: pd.DataFrame

    @property
    def feature_columns(self) -> list[str]:
        """Feature names in output order."""
        return [str(column) for column in self.frame.columns]

    def null_counts(self) -> dict[str, int]:
        """Nulls per feature over the whole frame."""
        return {str(name): int(count) for name, count in self.frame.isna().sum().items()}

    def rows(self, last: int | None = None) -> list[dict[str, object]]:
        """The rows (all, or the `last` n) as `{date, store_id, product_id, features}`."""
        frame = self.frame if last is None else self.frame.tail(last)
        return [
            {
                "date": day.date(),
                "store_id": self.store_id,
                "product_id": self.product_id,
                "features": features,
            }
            for day, features in zip(frame.index, feature_records(frame), strict=True)
        ]


def check_limits(
    config: FeatureSetConfig, settings: Settings, lookback_days: int | None = None
) -> None:
    """Raise BadRequestError when the request exceeds the operator's feature_max_* settings."""
    problems = []
    if lookback_days is not None and lookback_days > settings.feature_max_lookback_days:
        problems.append(
            f"lookback_days={lookback_days} exceeds "
            f"feature_max_lookback_days={settings.feature_max_lookback_days}"
        )
    lags = list(config.lag_config.lags) if config.lag_config else []
    if config.exogenous_config and config.exogenous_config.include_price:
        lags.extend(config.exogenous_config.price_lags)
    if lags and max(lags) > settings.feature_max_lag:
        problems.append(f"lag {max(lags)} exceeds feature_max_lag={settings.feature_max_lag}")
    windows = config.rolling_config.windows if config.rolling_config else []
    if windows and max(windows) > settings.feature_max_window:
        problems.append(
            f"window {max(windows)} exceeds feature_max_window={settings.feature_max_window}"
        )
    if problems:
        raise BadRequestError("; ".join(problems))


def load_feature_inputs(
    engine: Engine, store_id: int, product_id: int, start: date, cutoff: date, warmup: int
) -> FeatureInputs:
    """The window's sales rows after `warmup` earlier rows, and the daily facts they need."""
    params = {
        "store_id": store_id,
        "product_id": product_id,
        "start": start,
        "cutoff": cutoff,
        "warmup": warmup,
    }
    with engine.connect() as conn:
        sales = pd.read_sql(_SALES_SQL, conn, params=params)
        sales["date"] = pd.to_datetime(sales["date"])
        # From the day before the first row: `stockout_lag_1` reads yesterday's snapshot.
        first = sales["date"].min().date() - timedelta(days=1) if len(sales) else cutoff
        daily = pd.read_sql(_DAILY_SQL, conn, params={**params, "first": first})
    daily.index = pd.DatetimeIndex(as_days(daily.pop("date")), name="date")
    return FeatureInputs(sales=sales, daily=daily[list(DAILY_COLUMNS)].astype(float))


def compute_featureset(
    engine: Engine,
    store_id: int,
    product_id: int,
    cutoff_date: date,
    lookback_days: int,
    config: FeatureSetConfig,
) -> FeatureSet:
    """The features of the series' rows in `cutoff - lookback_days … cutoff`; 404 when none."""
    start = cutoff_date - timedelta(days=lookback_days)
    inputs = load_feature_inputs(
        engine, store_id, product_id, start, cutoff_date, warmup_rows(config)
    )
    frame = compute_features(inputs, config, start, cutoff_date)
    if len(frame) == 0:
        raise NotFoundError(
            f"no sales rows for store {store_id}, product {product_id} "
            f"between {start.isoformat()} and {cutoff_date.isoformat()}"
        )
    return FeatureSet(store_id, product_id, cutoff_date, config_hash(config), frame)
