"""Named jobs and their schedules (the stable list the CLI, the demo and the API launch)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.forge.assets import forge_catalog, forge_daily_facts
from orchestration.defs.warehouse.assets import dbt_daily_marts, dbt_models

forge_job = dg.define_asset_job(
    "forge_job",
    selection=dg.AssetSelection.assets(forge_catalog),
    description="Re-seed the catalogue with the Forge (preset, seed and knobs in the run config).",
)

forge_facts_job = dg.define_asset_job(
    "forge_facts_job",
    selection=dg.AssetSelection.assets(forge_daily_facts),
    partitions_def=forge_daily_facts.partitions_def,
    description="Write (or restore) the Forge's daily facts for a range of days.",
)

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.assets(dbt_models),
    description="Rebuild the dbt staging views and dimension tables, with their tests.",
)

daily_refresh_job = dg.define_asset_job(
    "daily_refresh_job",
    selection=dg.AssetSelection.assets(dbt_daily_marts),
    partitions_def=dbt_daily_marts.partitions_def,
    description=(
        "Bring fct_sales_daily and fct_sales_features up to date for the day's partition, "
        "whatever landed in raw.sales_daily (ingest, file loads or the Forge's append)."
    ),
)

daily_refresh_schedule = dg.build_schedule_from_partitioned_job(
    daily_refresh_job,
    name="daily_refresh_schedule",
    hour_of_day=2,
    minute_of_hour=0,
    description="Every night at 02:00 UTC: refresh the previous day's feature partition.",
)

warehouse_schedule = dg.ScheduleDefinition(
    name="warehouse_schedule",
    job=warehouse_job,
    cron_schedule="30 1 * * *",
    execution_timezone="UTC",
    description="Every night at 01:30 UTC, before the daily refresh: rebuild dimensions.",
)
