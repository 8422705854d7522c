"""What an explanation reads from raw.*: the series up to the cutoff, and the reason-code facts.

Everything is bounded by the cutoff (`as_of`, spec §10.2): an explanation never sees a sale,
snapshot or promotion start after the day it explains from. Only the holiday calendar of the
forecast days themselves is read past it, as the models read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
from sqlalchemy import Engine, text

# Spec §10.3: the reason codes look at [as_of - 30 days, as_of].
TRAILING_DAYS: Final = 30

_SERIES_SQL = text(
    "select date, quantity::float8 as quantity from raw.sales_daily "
    "where store_id = :store_id and product_id = :product_id and date <= :as_of order by date"
)
_FACTS_SQL = text(
    """
    select
      (select count(*) from raw.sales_daily
        where store_id = :store_id and product_id = :product_id and date <= :as_of)
        as observations,
      (select count(*) from raw.inventory_snapshot_daily
        where store_id = :store_id and product_id = :product_id and is_stockout
          and date between :window_start and :as_of) as stockout_days,
      (select count(*) from raw.promotion
        where product_id = :product_id and (store_id = :store_id or store_id is null)
          and start_date <= :as_of and end_date >= :window_start) as promotions,
      (select count(*) from raw.promotion
        where product_id = :product_id and (store_id = :store_id or store_id is null)
          and start_date <= :as_of and end_date >= :as_of) as active_promotions,
      (select launch_date from raw.product where id = :product_id) as launch_date
    """
)
_HOLIDAYS_SQL = text(
    "select date, holiday_name from raw.calendar "
    "where is_holiday and date between :first_day and :last_day"
)


@dataclass(frozen=True)
class History:
    """A series' observed rows up to the cutoff, oldest first (D-10: no gap filling)."""

    dates: list[date]
    quantity: np.ndarray  # float64

    @property
    def n(self) -> int:
        """Number of observed rows."""
        return len(self.dates)


@dataclass(frozen=True)
class SeriesFacts:
    """What the reason codes of spec §10.3 test, for one series and cutoff."""

    as_of: date
    observations: int
    stockout_days: int
    promotions: int
    active_promotions: int
    launch_date: date | None
    holidays: dict[date, str | None]  # forecast days that are holidays, with their names

    @property
    def window_start(self) -> date:
        """The first day of the trailing window."""
        return trailing_window_start(self.as_of)


def trailing_window_start(as_of: date) -> date:
    """The first day of the trailing window that ends on `as_of`."""
    return as_of - timedelta(days=TRAILING_DAYS)


def load_history(engine: Engine, store_id: int, product_id: int, as_of: date) -> History:
    """Every observed row of the series on or before `as_of`."""
    params = {"store_id": store_id, "product_id": product_id, "as_of": as_of}
    with engine.connect() as conn:
        rows = conn.execute(_SERIES_SQL, params).all()
    return History([row.date for row in rows], np.array([row.quantity for row in rows], float))


def load_facts(
    engine: Engine, store_id: int, product_id: int, as_of: date, horizon: int = 1
) -> SeriesFacts:
    """The reason-code facts of the series at `as_of`, for the `horizon` days after it."""
    params = {
        "store_id": store_id,
        "product_id": product_id,
        "as_of": as_of,
        "window_start": trailing_window_start(as_of),
        "first_day": as_of + timedelta(days=1),
        "last_day": as_of + timedelta(days=horizon),
    }
    with engine.connect() as conn:
        facts = conn.execute(_FACTS_SQL, params).one()
        holidays = conn.execute(_HOLIDAYS_SQL, params).all()
    return SeriesFacts(
        as_of=as_of,
        observations=facts.observations,
        stockout_days=facts.stockout_days,
        promotions=facts.promotions,
        active_promotions=facts.active_promotions,
        launch_date=facts.launch_date,
        holidays={row.date: row.holiday_name for row in holidays},
    )
