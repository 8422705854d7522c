"""What the API and the Dagster jobs agree on: job names, the job-type tag, the run config.

Declared once here and imported by both shells (`orchestration.defs.api_jobs`, `serving`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel

JobType = Literal["train", "predict", "backtest"]
JOB_TYPES: tuple[JobType, ...] = get_args(JobType)

JOB_NAMES: dict[JobType, str] = {
    "train": "train_job",
    "predict": "predict_job",
    "backtest": "backtest_job",
}
JOB_TYPE_TAG = "forecastlab/job_type"
# Dagster filters runs by exact tag values only: this tag lets one query list every API job.
API_JOB_TAG = "forecastlab/api_job"


def job_tags(job_type: JobType) -> dict[str, str]:
    """The tags every run of this job carries (set on the job, so UI launches carry them too)."""
    return {JOB_TYPE_TAG: job_type, API_JOB_TAG: "true"}


def op_name(job_type: JobType) -> str:
    """The single op of the job (its step key in the Dagster UI)."""
    return job_type


def run_config(job_type: JobType, request: BaseModel, params: Mapping[str, Any]) -> dict[str, Any]:
    """The run config of one job: the validated request and the params as submitted, as JSON."""
    return {
        "ops": {
            op_name(job_type): {
                "config": {"request": request.model_dump_json(), "params": json.dumps(params)}
            }
        }
    }


def params_from_run_config(job_type: JobType, config: Mapping[str, Any]) -> dict[str, Any]:
    """The params a run was submitted with, read back from its run config."""
    # A run launched from the Dagster UI may leave `params` at its default (absent).
    op_config = config.get("ops", {}).get(op_name(job_type), {}).get("config", {})
    return json.loads(op_config.get("params") or "{}")
