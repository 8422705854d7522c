"""`app.job_result`: what a job's step wrote when it finished — its result or its error.

Dagster owns the run (status, times, run config); this table holds only what the run produced,
keyed by the Dagster run id, so the API can answer with the synchronous endpoint's body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, text

from forecastlab.errors import public_message
from forecastlab.jobs.contract import JobType

MAX_ERROR_MESSAGE = 2000
MAX_ERROR_TYPE = 100

_UPSERT = text(
    "insert into app.job_result "
    "(job_id, job_type, params, result, error_message, error_type) "
    "values (:job_id, :job_type, cast(:params as jsonb), cast(:result as jsonb), "
    ":error_message, :error_type) "
    "on conflict (job_id) do update set job_type = excluded.job_type, params = excluded.params, "
    "result = excluded.result, error_message = excluded.error_message, "
    "error_type = excluded.error_type, updated_at = now()"
)
_SELECT = text(
    "select job_id, result, error_message, error_type from app.job_result where job_id in :job_ids"
).bindparams(bindparam("job_ids", expanding=True))


@dataclass(frozen=True)
class JobOutcome:
    """A finished job's result payload, or the error that ended it."""

    result: dict[str, Any] | None = None
    error_message: str | None = None
    error_type: str | None = None


def save_result(
    engine: Engine,
    job_id: str,
    job_type: JobType,
    params: Mapping[str, Any],
    result: Mapping[str, Any],
) -> None:
    """Record a job's result (replacing anything recorded for the same run before)."""
    _write(engine, job_id, job_type, params, JobOutcome(result=dict(result)))


def save_failure(
    engine: Engine, job_id: str, job_type: JobType, params: Mapping[str, Any], error: BaseException
) -> None:
    """Record the error a job failed with: its message (≤ 2000 chars) and class name.

    Only domain errors keep their text; anything else is named by class, its message stays in
    the Dagster run's logs.
    """
    outcome = JobOutcome(
        error_message=public_message(error, "the Dagster run's logs")[:MAX_ERROR_MESSAGE],
        error_type=type(error).__name__[:MAX_ERROR_TYPE],
    )
    _write(engine, job_id, job_type, params, outcome)


def fetch_outcomes(engine: Engine, job_ids: Sequence[str]) -> dict[str, JobOutcome]:
    """The recorded outcome of each of these jobs that has one."""
    if not job_ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(_SELECT, {"job_ids": list(job_ids)}).all()
    return {
        row.job_id: JobOutcome(
            result=row.result, error_message=row.error_message, error_type=row.error_type
        )
        for row in rows
    }


def _write(
    engine: Engine, job_id: str, job_type: JobType, params: Mapping[str, Any], outcome: JobOutcome
) -> None:
    with engine.begin() as conn:
        conn.execute(
            _UPSERT,
            {
                "job_id": job_id,
                "job_type": job_type,
                "params": json.dumps(params),
                "result": None if outcome.result is None else json.dumps(outcome.result),
                "error_message": outcome.error_message,
                "error_type": outcome.error_type,
            },
        )
