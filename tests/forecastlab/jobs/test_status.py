"""Dagster run statuses to job statuses (DESIGN "Jobs mapping"), and the cancel rule."""

from __future__ import annotations

import dagster as dg
import pytest

from forecastlab.errors import BadRequestError
from forecastlab.jobs.status import (
    GRACEFULLY_TERMINABLE,
    JOB_STATUSES,
    dagster_statuses,
    ensure_cancellable,
    job_status,
)

DAGSTER_STATUSES = [status.value for status in dg.DagsterRunStatus]


def test_the_documented_mapping() -> None:
    assert {name: job_status(name) for name in DAGSTER_STATUSES} == {
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


def test_filters_cover_every_dagster_status_once() -> None:
    covered = [name for status in JOB_STATUSES for name in dagster_statuses(status)]
    assert sorted(covered) == sorted(DAGSTER_STATUSES)
    assert dagster_statuses("cancelled") == ["CANCELING", "CANCELED"]
    assert set(GRACEFULLY_TERMINABLE) <= set(DAGSTER_STATUSES)


def test_unknown_dagster_status_is_an_error() -> None:
    with pytest.raises(ValueError, match="PAUSED"):
        job_status("PAUSED")


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_only_unfinished_jobs_can_be_cancelled(status: str) -> None:
    with pytest.raises(BadRequestError, match=f"Cannot cancel job in status '{status}'"):
        ensure_cancellable(status)  # type: ignore[arg-type]
    ensure_cancellable("pending")
    ensure_cancellable("running")
