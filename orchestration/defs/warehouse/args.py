"""dbt command lines, built by small pure functions (unit tested on their own)."""

from __future__ import annotations

import json
from datetime import date

DAILY_SELECTOR = "tag:daily"


def daily_build_args(start: date, end: date) -> list[str]:
    """`dbt build` of the date-partitioned models, recomputing exactly [start, end]."""
    if end < start:
        raise ValueError(f"partition range is inverted: {start} .. {end}")
    dbt_vars = {"min_date": start.isoformat(), "max_date": end.isoformat()}
    return ["build", "--vars", json.dumps(dbt_vars, sort_keys=True)]
