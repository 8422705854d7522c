"""One job as the API reports it (spec §9.3), and the allow-listed sort of a job listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from forecastlab.jobs.contract import JobType
from forecastlab.jobs.status import JobStatus
from forecastlab.jobs.store import JobOutcome
from forecastlab.sorting import SortOrder, resolve_sort

SORT_COLUMNS = ("created_at", "completed_at", "job_type", "status")
DEFAULT_SORT = "created_at"


@dataclass(frozen=True)
class JobRecord:
    """A job: the Dagster run's status and times, and the outcome its step recorded."""

    job_id: str
    job_type: JobType
    status: JobStatus
    params: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    result: dict[str, Any] | None = None
    error_message: str | None = None
    error_type: str | None = None

    @property
    def run_id(self) -> str | None:
        """The MLflow run a train job logged or a predict job used (None otherwise)."""
        value = (self.result or {}).get("run_id")
        return value if isinstance(value, str) else None

    def with_outcome(self, outcome: JobOutcome | None) -> JobRecord:
        """This job with the result or error its step recorded (unchanged when none yet)."""
        if outcome is None:
            return self
        return replace(
            self,
            result=outcome.result,
            error_message=outcome.error_message,
            error_type=outcome.error_type,
        )


def sort_key(sort_by: str | None, sort_order: SortOrder) -> tuple[str, SortOrder]:
    """The allow-listed column and direction (unknown sort_by: created_at desc, spec §0.3)."""
    return resolve_sort(sort_by, sort_order, SORT_COLUMNS, (DEFAULT_SORT, "desc"))


def sort_records(records: Sequence[JobRecord], column: str, descending: bool) -> list[JobRecord]:
    """Sorted by `column`, the job id breaking ties; jobs without a value (unfinished jobs by
    completed_at) come last in either direction."""
    known = [record for record in records if getattr(record, column) is not None]
    unknown = [record for record in records if getattr(record, column) is None]
    known.sort(key=lambda record: (getattr(record, column), record.job_id), reverse=descending)
    unknown.sort(key=lambda record: record.job_id, reverse=descending)
    return known + unknown
