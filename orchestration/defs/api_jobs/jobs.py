"""train_job, predict_job, backtest_job: one op each, a thin shell over forecastlab.jobs.

The API validates the request (the synchronous endpoint's schema) before it launches a run and
passes it as run config; the op executes it and records the result or the error in
`app.job_result`. A failure is re-raised, so the Dagster run ends FAILURE.
"""

import json

import dagster as dg
from pydantic import Field

from forecastlab.jobs.contract import JOB_NAMES, JobType, job_tags, op_name
from forecastlab.jobs.execute import run_and_record
from orchestration.defs.resources import WarehouseResource

_DESCRIPTIONS: dict[JobType, str] = {
    "train": "Train one series' model and log it as an MLflow run (POST /jobs, job_type train).",
    "predict": "Forecast one series with a trained MLflow run (POST /jobs, job_type predict).",
    "backtest": "Backtest one model on one series (POST /jobs, job_type backtest).",
}

# What the run's log shows of a result (the whole payload is in app.job_result).
_SUMMARY_KEYS = ("run_id", "backtest_id", "n_splits", "aggregated_metrics", "horizon")


class JobRequestConfig(dg.Config):
    """What POST /jobs passes: the validated request and the params as submitted, as JSON."""

    request: str = Field(description="The validated request of the synchronous endpoint (JSON).")
    params: str = Field(default="{}", description="The params as submitted to POST /jobs (JSON).")


def api_job(job_type: JobType) -> dg.JobDefinition:
    """The named job of one job type: a single op tagged with the type."""

    @dg.op(name=op_name(job_type), description=_DESCRIPTIONS[job_type])
    def step(
        context: dg.OpExecutionContext, config: JobRequestConfig, warehouse: WarehouseResource
    ) -> None:
        result = run_and_record(
            warehouse.engine(),
            context.run_id,
            job_type,
            config.request,
            json.loads(config.params),
        )
        summary = {key: result[key] for key in _SUMMARY_KEYS if key in result}
        context.log.info(f"{job_type} finished: {summary}")

    @dg.job(name=JOB_NAMES[job_type], tags=job_tags(job_type), description=_DESCRIPTIONS[job_type])
    def named_job() -> None:
        step()

    return named_job


train_job = api_job("train")
predict_job = api_job("predict")
backtest_job = api_job("backtest")
