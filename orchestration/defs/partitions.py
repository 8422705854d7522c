"""Partitions shared by the Forge's daily facts and the daily dbt marts."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from forecastlab.settings import get_settings

# HISTORY_START (default 2000-01-01): read once, when the definitions load.
daily_partitions = dg.DailyPartitionsDefinition(
    start_date=get_settings().history_start.isoformat(), end_offset=1
)


def partition_dates(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The first and last calendar day of the run's partition key range (inclusive)."""
    window = context.partition_time_window
    return window.start.date(), (window.end - timedelta(days=1)).date()
