"""Job statuses (spec §9.2) and how Dagster's run statuses map onto them."""

from __future__ import annotations

from typing import Literal, get_args

from forecastlab.errors import BadRequestError

JobStatus = Literal["pending", "running", "completed", "failed", "cancelled"]
JOB_STATUSES: tuple[JobStatus, ...] = get_args(JobStatus)

# Every value of Dagster's RunStatus enum. MANAGED (run outside Dagster's launcher) and SUSPENDED
# (started, waiting on external work) have begun executing, so they count as running.
_FROM_DAGSTER: dict[str, JobStatus] = {
    "QUEUED": "pending",
    "NOT_STARTED": "pending",
    "STARTING": "pending",
    "STARTED": "running",
    "MANAGED": "running",
    "SUSPENDED": "running",
    "SUCCESS": "completed",
    "FAILURE": "failed",
    "CANCELING": "cancelled",
    "CANCELED": "cancelled",
}
CANCELLABLE: frozenset[JobStatus] = frozenset({"pending", "running"})
# Dagster terminates these gracefully; any other unfinished run can only be marked cancelled
# (its run worker then refuses to start, or is already gone).
GRACEFULLY_TERMINABLE = frozenset({"QUEUED", "STARTED"})


def job_status(dagster_status: str) -> JobStatus:
    """The job status of a Dagster run status; ValueError for a status Dagster never reports."""
    try:
        return _FROM_DAGSTER[dagster_status]
    except KeyError:
        raise ValueError(f"unknown Dagster run status {dagster_status!r}") from None


def dagster_statuses(status: JobStatus) -> list[str]:
    """The Dagster run statuses that mean this job status (for filtering runs)."""
    return [name for name, mapped in _FROM_DAGSTER.items() if mapped == status]


def ensure_cancellable(status: JobStatus) -> None:
    """Raise BadRequestError (400) unless a job in this status may be cancelled."""
    if status not in CANCELLABLE:
        raise BadRequestError(f"Cannot cancel job in status '{status}'")
