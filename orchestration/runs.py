"""Run named jobs in this process against the configured Dagster instance (CLI, demo, tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

import dagster as dg

# Public tag names Dagster uses for a single run over a range of partitions.
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(start: date | str, end: date | str) -> dict[str, str]:
    """Tags that make one run cover the partitions start..end (days or shard keys)."""
    return {RANGE_START_TAG: str(start), RANGE_END_TAG: str(end)}


def run_job(
    defs: dg.Definitions,
    job_name: str,
    *,
    instance: dg.DagsterInstance,
    run_config: dict[str, Any] | None = None,
    partitions: tuple[date, date] | tuple[str, str] | None = None,
    resources: dict[str, Any] | None = None,
    log_level: str = "WARNING",
    check: bool = True,
) -> dg.ExecuteInProcessResult:
    """Execute a named job in process; with `check`, raise with the failing steps' errors."""
    tags = range_tags(*partitions) if partitions else None
    # Step-level DEBUG chatter belongs in the Dagster UI, not on the terminal.
    config = {"loggers": {"console": {"config": {"log_level": log_level}}}, **(run_config or {})}
    result = defs.resolve_job_def(job_name).execute_in_process(
        run_config=config, instance=instance, tags=tags, resources=resources, raise_on_error=False
    )
    if check and not result.success:
        failures = [
            str(event.event_specific_data.error.message).strip()  # type: ignore[union-attr]
            for event in result.all_events
            if event.is_step_failure
        ]
        raise RuntimeError(f"{job_name} failed (run {result.run_id}): {'; '.join(failures)}")
    return result
