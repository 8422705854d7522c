"""Calendar feature columns as pure functions of the date (spec §5.3 step 4, §5.6 V2).

Mirrors the dbt macro `calendar_feature_columns` (day of week 0 = Monday) so Python-built rows
equal the mart's for the same date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TWO_PI = 2.0 * np.pi
# 1970-01-01, day 0 of datetime64[D], was a Thursday (Monday = 0).
_EPOCH_WEEKDAY = 3
WEEKS_PER_YEAR = 52


def as_days(dates: object) -> np.ndarray:
    """Any date-like array as datetime64[D]."""
    return np.asarray(pd.to_datetime(np.asarray(dates)).values, dtype="datetime64[D]")


def weekday(days: np.ndarray) -> np.ndarray:
    """Day of week, 0 = Monday … 6 = Sunday."""
    return (days.astype(np.int64) + _EPOCH_WEEKDAY) % 7


def calendar_columns(days: np.ndarray, is_holiday: np.ndarray) -> dict[str, np.ndarray]:
    """Every calendar column of the mart, V1 and V2 for datetime64[D] `days`, as floats."""
    months = days.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    month_length = ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(
        np.int64
    )
    dow = weekday(days)
    week = pd.DatetimeIndex(days).isocalendar().week.to_numpy(dtype=np.int64)
    return {
        "dow_sin": np.sin(TWO_PI * dow / 7.0),
        "dow_cos": np.cos(TWO_PI * dow / 7.0),
        "month_sin": np.sin(TWO_PI * month / 12.0),
        "month_cos": np.cos(TWO_PI * month / 12.0),
        "quarter": ((month - 1) // 3 + 1).astype(float),
        "is_weekend": (dow >= 5).astype(float),
        "is_month_end": (day_of_month == month_length).astype(float),
        "is_holiday": np.asarray(is_holiday, dtype=float),
        "week_of_year_sin": np.sin(TWO_PI * week / WEEKS_PER_YEAR),
        "week_of_year_cos": np.cos(TWO_PI * week / WEEKS_PER_YEAR),
        "day_of_month_sin": np.sin(TWO_PI * day_of_month / month_length),
        "day_of_month_cos": np.cos(TWO_PI * day_of_month / month_length),
    }
