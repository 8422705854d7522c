"""Calendar rows and the US federal holiday rules (spec §2.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from forecastlab.seeder.config import HolidayConfig

# Ordinal-day sentinels used in date arrays (days are `date.toordinal()` values).
NO_DATE = -1  # no launch/discontinue date
OPEN = 10**9  # valid_to of an open price window (NULL in the database)

_FIXED: tuple[tuple[int, int, str], ...] = (
    (1, 1, "New Year's Day"),
    (6, 19, "Juneteenth"),
    (7, 4, "Independence Day"),
    (11, 11, "Veterans Day"),
    (12, 25, "Christmas Day"),
)
# (month, weekday Monday=0, n-th occurrence; -1 = last, name)
_WEEKDAY_RULES: tuple[tuple[int, int, int, str], ...] = (
    (1, 0, 3, "Martin Luther King Jr. Day"),
    (2, 0, 3, "Presidents Day"),
    (5, 0, -1, "Memorial Day"),
    (9, 0, 1, "Labor Day"),
    (10, 0, 2, "Columbus Day"),
    (11, 3, 4, "Thanksgiving"),
)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Monday=0) of the month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def federal_holidays(year: int) -> dict[date, str]:
    """The US federal holidays of `year` (fixed dates and weekday rules, not observed days)."""
    holidays = {date(year, m, d): name for m, d, name in _FIXED}
    for month, weekday, n, name in _WEEKDAY_RULES:
        holidays[nth_weekday(year, month, weekday, n)] = name
    return holidays


def holiday_names(start: date, end: date, custom: tuple[HolidayConfig, ...]) -> dict[date, str]:
    """Holiday name per date of the window: federal rules overlaid by custom holidays."""
    names: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        names.update(federal_holidays(year))
    names.update({h.date: h.name for h in custom})  # the custom name wins on the same date
    return {d: n for d, n in names.items() if start <= d <= end}


@dataclass(frozen=True)
class Calendar:
    """The window's days as arrays (index i = start + i days)."""

    dates: np.ndarray  # datetime64[D]
    weekday: np.ndarray  # 0 = Monday
    month: np.ndarray
    year: np.ndarray
    day_of_year: np.ndarray  # 1-based
    holidays: dict[date, str]

    @property
    def start(self) -> date:
        """The first day of the window."""
        return self.dates[0].astype(date)

    def __len__(self) -> int:
        return len(self.dates)

    def index(self, day: date) -> int:
        """Position of `day` in the window (may fall outside 0..len-1)."""
        return (day - self.start).days


def build_calendar(start: date, end: date, custom: tuple[HolidayConfig, ...] = ()) -> Calendar:
    """The calendar of [start, end] with weekday/month/year/day-of-year arrays."""
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    return Calendar(
        dates=dates,
        # 1970-01-01 was a Thursday (weekday 3).
        weekday=((dates.astype(np.int64) + 3) % 7).astype(np.int64),
        month=(months.astype(np.int64) % 12 + 1),
        year=years.astype(np.int64) + 1970,
        day_of_year=(dates - years).astype(np.int64) + 1,
        holidays=holiday_names(start, end, custom),
    )
