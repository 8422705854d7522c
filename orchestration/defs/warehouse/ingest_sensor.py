"""Refresh the daily marts for the days whose raw sales changed (POST /ingest, file loads,
the Forge), one daily_refresh_job run per changed day.

Stopped by default, like the other sensors: while it runs, a re-seed (which rewrites every
day) queues one run per seeded day. Turn it on in the Dagster UI (Automation) to have
ingested days reach the feature mart within a minute; otherwise `daily_refresh_schedule`
refreshes yesterday each night and older days need a backfill (docs/runbooks/backfill.md).
"""

from datetime import datetime

import dagster as dg

from forecastlab.ingest import sales_changes
from orchestration.defs.jobs import daily_refresh_job
from orchestration.defs.partitions import daily_partitions
from orchestration.defs.resources import WarehouseResource


@dg.sensor(job=daily_refresh_job, minimum_interval_seconds=60)
def ingested_sales_sensor(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SensorResult:
    """Request the daily refresh of every day whose raw.sales_daily rows changed since the
    last tick (the first tick only marks where to start, so history is not replayed)."""
    since = datetime.fromisoformat(context.cursor) if context.cursor else None
    changes = sales_changes(warehouse.engine(), since)
    cursor = changes.horizon.isoformat()
    if since is None:
        return dg.SensorResult(skip_reason="started watching raw.sales_daily", cursor=cursor)
    keys = [day.isoformat() for day in changes.dates]
    outside = [key for key in keys if not daily_partitions.has_partition_key(key)]
    if outside:
        context.log.warning(f"changed days outside the daily partitions, not refreshed: {outside}")
    # Keyed on the cursor the tick started from: a re-evaluated tick requests nothing twice.
    requests = [
        dg.RunRequest(run_key=f"{key}@{context.cursor}", partition_key=key)
        for key in keys
        if key not in outside
    ]
    if not requests:
        return dg.SensorResult(skip_reason="no changed days in raw.sales_daily", cursor=cursor)
    return dg.SensorResult(run_requests=requests, cursor=cursor)
