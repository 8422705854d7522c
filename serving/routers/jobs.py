"""The /jobs slice: train, predict and backtest jobs as Dagster runs (spec §9, DESIGN)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import Engine

from forecastlab.jobs.contract import JobType
from forecastlab.jobs.params import parse_params
from forecastlab.jobs.records import JobRecord, sort_key, sort_records
from forecastlab.jobs.status import JobStatus
from forecastlab.jobs.store import fetch_outcomes
from serving.dagster_client import DagsterJobsDep
from serving.deps import EngineDep
from serving.params import PageNumber, PageSize
from serving.schemas.jobs import JobCreate, JobListResponse, JobResponse

router = APIRouter(prefix="/jobs", tags=["jobs"])

_UNREACHABLE = {502: {"description": "The Dagster webserver is unreachable or refused the call"}}
_UNKNOWN = {404: {"description": "No job with this id"}}


@router.post(
    "",
    status_code=202,
    response_model=JobResponse,
    responses={
        422: {"description": "Unknown job_type, or params the synchronous endpoint rejects"},
        **_UNREACHABLE,
    },
)
def create_job(body: JobCreate, engine: EngineDep, dagster: DagsterJobsDep) -> JobResponse:
    """Validate a train, predict or backtest job and queue it as a Dagster run."""
    try:
        request = parse_params(body.job_type, body.params)
    except ValidationError as exc:
        # The problem's `errors` then name each bad key as `params.<key>`.
        raise RequestValidationError(
            [{**error, "loc": ("body", "params", *error["loc"])} for error in exc.errors()]
        ) from None
    return _responses(engine, [dagster.launch(body.job_type, request, body.params)])[0]


@router.get("", response_model=JobListResponse, responses={**_UNREACHABLE})
def list_jobs(
    engine: EngineDep,
    dagster: DagsterJobsDep,
    page: PageNumber = 1,
    page_size: PageSize = 20,
    job_type: JobType | None = None,
    status: JobStatus | None = None,
    sort_by: Annotated[
        str | None, Query(description="created_at, completed_at, job_type or status")
    ] = None,
    sort_order: Literal["asc", "desc"] = "desc",
) -> JobListResponse:
    """List jobs, newest first unless sorted otherwise (unknown sort_by: created_at desc)."""
    column, order = sort_key(sort_by, sort_order)
    descending = order == "desc"
    # Dagster lists runs newest first: the default order needs only the runs up to this page.
    newest_first = column == "created_at" and descending
    records, total = dagster.search(job_type, status, page * page_size if newest_first else None)
    start = (page - 1) * page_size
    shown = sort_records(records, column, descending)[start : start + page_size]
    return JobListResponse(
        jobs=_responses(engine, shown), total=total, page=page, page_size=page_size
    )


@router.get("/{job_id}", response_model=JobResponse, responses={**_UNKNOWN, **_UNREACHABLE})
def get_job(job_id: str, engine: EngineDep, dagster: DagsterJobsDep) -> JobResponse:
    """One job: its status and, once it finished, its result or error."""
    return _responses(engine, [dagster.get(job_id)])[0]


@router.delete(
    "/{job_id}",
    response_model=JobResponse,
    responses={
        400: {"description": "The job already finished (completed, failed or cancelled)"},
        **_UNKNOWN,
        **_UNREACHABLE,
    },
)
def cancel_job(job_id: str, engine: EngineDep, dagster: DagsterJobsDep) -> JobResponse:
    """Cancel a pending or running job (its Dagster run is terminated)."""
    return _responses(engine, [dagster.cancel(job_id)])[0]


def _responses(engine: Engine, records: Sequence[JobRecord]) -> list[JobResponse]:
    outcomes = fetch_outcomes(engine, [record.job_id for record in records])
    return [
        JobResponse.model_validate(record.with_outcome(outcomes.get(record.job_id)))
        for record in records
    ]
