"""Bodies and responses of /jobs (spec §9): a job is a Dagster run of a named job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from forecastlab.jobs.contract import JobType
from forecastlab.jobs.status import JobStatus
from serving.schemas.base import ApiModel, StrictRequest, page_example
from serving.schemas.forecasting import TRAIN_RESPONSE_EXAMPLE

_JOB_ID = "5f0c2d5e-7a41-4c1b-9a3e-8d2f61b0c7aa"
# JOB_EXAMPLE's result is the synchronous train endpoint's example, so the run ids agree.
_RUN_ID = TRAIN_RESPONSE_EXAMPLE["run_id"]

CREATE_EXAMPLES = [
    {
        "job_type": "train",
        "params": {
            "model_type": "seasonal_naive",
            "season_length": 7,
            "store_id": 1,
            "product_id": 2,
            "start_date": "2025-03-03",
            "end_date": "2025-06-30",
        },
    },
    {"job_type": "predict", "params": {"run_id": _RUN_ID, "horizon": 14}},
    {
        "job_type": "backtest",
        "params": {
            "model_type": "moving_average",
            "window_size": 7,
            "store_id": 1,
            "product_id": 2,
            "start_date": "2025-03-03",
            "end_date": "2025-06-30",
            "n_splits": 3,
            "test_size": 14,
        },
    },
]
JOB_EXAMPLE = {
    "job_id": _JOB_ID,
    "job_type": "train",
    "status": "completed",
    "params": CREATE_EXAMPLES[0]["params"],
    "result": TRAIN_RESPONSE_EXAMPLE,
    "error_message": None,
    "error_type": None,
    "run_id": _RUN_ID,
    "started_at": "2026-05-19T10:47:12.101934+00:00",
    "completed_at": "2026-05-19T10:47:19.829097+00:00",
    "created_at": "2026-05-19T10:47:09.829097+00:00",
    "updated_at": "2026-05-19T10:47:19.829097+00:00",
}

LIST_EXAMPLE = page_example("jobs", JOB_EXAMPLE)


class JobCreate(StrictRequest):
    """Body of `POST /jobs`: the job type and its params (validated like the synchronous
    endpoint's body; train and backtest also take the flat form of spec §9.1)."""

    model_config = ConfigDict(json_schema_extra={"examples": CREATE_EXAMPLES})

    job_type: JobType
    params: dict[str, Any] = Field(
        description="train: model_type (default naive), store_id, product_id, start_date, "
        "end_date and the model's keys, or the /forecasting/train body. predict: run_id, "
        "horizon (default 14), optionally store_id/product_id (default: the run's series). "
        "backtest: model_type, store_id, product_id, start_date, end_date, n_splits (5), "
        "test_size (14), gap (0), strategy, min_train_size and the model's keys, or the "
        "/backtesting/run body."
    )


class JobResponse(ApiModel):
    """One job: the Dagster run (`job_id`, status, times) and what it produced."""

    model_config = ConfigDict(json_schema_extra={"examples": [JOB_EXAMPLE]})

    job_id: str = Field(description="The Dagster run id (the run is visible in the Dagster UI).")
    job_type: JobType
    status: JobStatus
    params: dict[str, Any] = Field(description="The params as submitted.")
    result: dict[str, Any] | None = Field(
        description="The synchronous endpoint's response body once the job completed; a "
        "backtest adds the summary keys model_type, n_splits and aggregated_metrics."
    )
    error_message: str | None = Field(description="Why the job failed (at most 2000 chars).")
    error_type: str | None = Field(description="The exception class the job failed with.")
    run_id: str | None = Field(description="The MLflow run a train or predict job used.")
    started_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class JobListResponse(ApiModel):
    """One page of jobs and how many match the filters."""

    model_config = ConfigDict(json_schema_extra={"examples": [LIST_EXAMPLE]})

    jobs: list[JobResponse]
    total: int
    page: int
    page_size: int
