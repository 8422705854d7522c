"""Training and forecast jobs, the weekly retraining schedule, and the forecast refresh sensor."""

import dagster as dg

from forecastlab.training.shards import DEFAULT_SHARDS, shard_keys
from orchestration.defs.forecasting.assets import (
    FEATURE_MART,
    GROUP,
    batch_forecasts,
    production_model,
)
from orchestration.runs import RANGE_END_TAG, RANGE_START_TAG

training_job = dg.define_asset_job(
    "training_job",
    selection=dg.AssetSelection.groups(GROUP),
    description="Backtest every candidate, pick champions, register and (if it passes) promote "
    "the portfolio, then write batch forecasts. Launch over all shards.",
)

forecast_job = dg.define_asset_job(
    "forecast_job",
    selection=dg.AssetSelection.assets(batch_forecasts),
    description="Refresh ml.forecasts from the production portfolio.",
)

ALL_SHARDS = {RANGE_START_TAG: shard_keys(DEFAULT_SHARDS)[0], RANGE_END_TAG: shard_keys()[-1]}


@dg.schedule(job=training_job, cron_schedule="0 3 * * 0", execution_timezone="UTC")
def weekly_training_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Sundays 03:00 UTC: retrain over every shard in one run."""
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat(), tags=ALL_SHARDS)


@dg.asset_sensor(asset_key=FEATURE_MART, job=forecast_job, minimum_interval_seconds=60)
def forecasts_refresh_sensor(
    context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry
) -> dg.RunRequest | dg.SkipReason:
    """When the feature mart updates, refresh the forecasts (once a production model exists)."""
    if context.instance.get_latest_materialization_event(production_model.key) is None:
        return dg.SkipReason("no production portfolio yet: run training_job first")
    return dg.RunRequest(run_key=f"features-{asset_event.storage_id}")
