"""Partitions shared by the Forge's daily facts and the daily dbt marts."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

# A fixed start: the pinned holiday_rush preset (Oct 2024) and multi-year histories fit after it.
PARTITIONS_START = "2020-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1)


def partition_dates(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The first and last calendar day of the run's partition key range (inclusive)."""
    window = context.partition_time_window
    return window.start.date(), (window.end - timedelta(days=1)).date()
