"""`validate_date_range` (spec §4.5, D-31), shared by every sales analytics endpoint."""

from __future__ import annotations

from datetime import date

from forecastlab.analytics.errors import DateRangeError


def validate_date_range(start_date: date, end_date: date, max_days: int) -> None:
    """Both bounds are inclusive; an inverted range or one whose day difference exceeds
    `max_days` (730 by default: 731 calendar days are allowed) raises DateRangeError."""
    if end_date < start_date:
        raise DateRangeError(
            f"end_date {end_date.isoformat()} is before start_date {start_date.isoformat()}"
        )
    days = (end_date - start_date).days
    if days > max_days:
        raise DateRangeError(
            f"the date range spans {days} days after start_date; at most {max_days} are "
            "allowed — split the request into shorter ranges"
        )
