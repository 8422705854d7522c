"""One series' raw inputs for the model frames (spec §5.2, §5.6): observed rows + daily plan.

`SeriesData` holds the observed sales rows (D-10: no calendar re-indexing) and, for every
calendar day of the loaded range, the planned attributes (holiday, promotion flags). Future
exogenous values are a date-indexed frame of :data:`EXOGENOUS_FIELDS`; absent fields take
:data:`EXOGENOUS_DEFAULTS` (plain prediction: price_factor 1.0, no promotion).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.features.calendar import as_days

PROMO_FIELDS: Final[tuple[str, ...]] = (
    "promo_active",
    "promo_discount_pct",
    "promo_kind_markdown_active",
    "promo_kind_bundle_active",
)
DAILY_FIELDS: Final[tuple[str, ...]] = ("is_holiday", *PROMO_FIELDS)
# What a caller may supply for future dates; `price_factor` wins over `unit_price`.
EXOGENOUS_FIELDS: Final[tuple[str, ...]] = ("unit_price", "price_factor", *DAILY_FIELDS)
EXOGENOUS_DEFAULTS: Final[dict[str, float]] = {
    "price_factor": 1.0,
    "is_holiday": 0.0,
    **dict.fromkeys(PROMO_FIELDS, 0.0),
}
BUNDLE_KINDS: Final[tuple[str, ...]] = ("bundle", "bogo")


@dataclass(frozen=True)
class SeriesData:
    """A (store, product) series: observed rows ascending by date plus its daily plan.

    `daily` is indexed by calendar date (datetime64) over the loaded range, columns
    :data:`DAILY_FIELDS` as floats. Planned attributes never derive from targets, so slicing
    the observed rows (a training window) keeps the whole `daily` frame.
    """

    store_id: int
    product_id: int
    dates: np.ndarray  # datetime64[D]
    quantity: np.ndarray  # float64
    unit_price: np.ndarray  # float64
    daily: pd.DataFrame
    launch_date: date | None = None
    discontinue_date: date | None = None
    base_price: float | None = None

    @property
    def n(self) -> int:
        """Number of observed rows."""
        return len(self.dates)

    def take(self, positions: np.ndarray | slice) -> SeriesData:
        """The same series restricted to some observed rows (e.g. a training slice)."""
        return replace(
            self,
            dates=self.dates[positions],
            quantity=self.quantity[positions],
            unit_price=self.unit_price[positions],
        )

    def planned(self, days: np.ndarray, fields: tuple[str, ...] = DAILY_FIELDS) -> pd.DataFrame:
        """`daily` values for these days (defaults where the day was not loaded)."""
        frame = self.daily.reindex(pd.DatetimeIndex(days), columns=list(fields))
        return frame.fillna({f: EXOGENOUS_DEFAULTS[f] for f in fields})


def observed_exogenous(series: SeriesData, days: np.ndarray) -> pd.DataFrame:
    """The recorded price/promotion/holiday of observed days (backtest policy "observed")."""
    days = as_days(days)
    where = np.searchsorted(series.dates, days)
    found = (where < series.n) & (series.dates[np.minimum(where, series.n - 1)] == days)
    if not found.all():
        raise ValueError("observed exogenous values exist only for observed rows")
    frame = series.planned(days)
    frame.insert(0, "unit_price", series.unit_price[where])
    return frame


_SALES_SQL = text(
    """
    select date, quantity::float8 as quantity, unit_price::float8 as unit_price
    from raw.sales_daily
    where store_id = :store_id and product_id = :product_id and date between :start and :end
    order by date
    """
)
_CALENDAR_SQL = text(
    "select date, is_holiday from raw.calendar where date between :start and :plan_end"
)
# Store-specific or chain-wide (store_id null) promotions of the product overlapping the range.
_PROMOTION_SQL = text(
    """
    select start_date, end_date, coalesce(discount_pct, 0)::float8 as discount_pct, kind
    from raw.promotion
    where product_id = :product_id and (store_id = :store_id or store_id is null)
      and end_date >= :start and start_date <= :plan_end
    """
)
_PRODUCT_SQL = text(
    "select base_price::float8 as base_price, launch_date, discontinue_date "
    "from raw.product where id = :product_id"
)


def load_series(
    engine: Engine,
    store_id: int,
    product_id: int,
    start: date,
    end: date,
    *,
    plan_days: int = 0,
) -> SeriesData:
    """Observed rows in [start, end] and the daily plan in [start, end + plan_days].

    `plan_days` extends the calendar/promotion plan past `end` so future rows can read the
    holiday calendar (safe) or, when a caller opts in, the planned promotions.
    """
    params = {
        "store_id": store_id,
        "product_id": product_id,
        "start": start,
        "end": end,
        "plan_end": end + timedelta(days=plan_days),
    }
    with engine.connect() as conn:
        sales = pd.read_sql(_SALES_SQL, conn, params=params)
        calendar = pd.read_sql(_CALENDAR_SQL, conn, params=params)
        promotions = pd.read_sql(_PROMOTION_SQL, conn, params=params)
        product = conn.execute(_PRODUCT_SQL, params).mappings().first()
    days = as_days(pd.date_range(start, params["plan_end"], freq="D"))
    daily = _daily_plan(days, calendar, promotions)
    return SeriesData(
        store_id=store_id,
        product_id=product_id,
        dates=as_days(sales["date"]),
        quantity=sales["quantity"].to_numpy(dtype=float),
        unit_price=sales["unit_price"].to_numpy(dtype=float),
        daily=daily,
        launch_date=product["launch_date"] if product else None,
        discontinue_date=product["discontinue_date"] if product else None,
        base_price=product["base_price"] if product else None,
    )


def _daily_plan(days: np.ndarray, calendar: pd.DataFrame, promotions: pd.DataFrame) -> pd.DataFrame:
    """Per-day holiday and promotion flags (overlaps: any flag, the largest discount)."""
    holidays = pd.Series(
        calendar["is_holiday"].to_numpy(dtype=float), index=as_days(calendar["date"])
    )
    daily = pd.DataFrame(index=pd.DatetimeIndex(days, name="date"))
    daily["is_holiday"] = holidays.reindex(days).fillna(0.0).to_numpy()
    starts = as_days(promotions["start_date"])
    ends = as_days(promotions["end_date"])
    # (days x promotions) coverage: both sides are small (a range of days, a product's promos).
    covers = (days[:, None] >= starts[None, :]) & (days[:, None] <= ends[None, :])
    kinds = promotions["kind"].to_numpy()
    daily["promo_active"] = covers.any(axis=1).astype(float)
    discount = np.where(covers, promotions["discount_pct"].to_numpy()[None, :], 0.0)
    daily["promo_discount_pct"] = discount.max(axis=1, initial=0.0)
    daily["promo_kind_markdown_active"] = (covers & (kinds == "markdown")).any(axis=1).astype(float)
    bundle = np.isin(kinds, BUNDLE_KINDS)
    daily["promo_kind_bundle_active"] = (covers & bundle[None, :]).any(axis=1).astype(float)
    return daily
