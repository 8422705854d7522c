"""Jobs as the API reports them: outcome merge, MLflow run id, allow-listed sort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from forecastlab.jobs.records import JobRecord, sort_key, sort_records
from forecastlab.jobs.store import JobOutcome

T0 = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)


def _job(job_id: str, minutes: int, **fields: object) -> JobRecord:
    created = T0 + timedelta(minutes=minutes)
    values: dict = {"job_type": "train", "status": "pending", "params": {}, **fields}
    return JobRecord(job_id=job_id, created_at=created, updated_at=created, **values)


def test_outcome_fills_result_and_run_id() -> None:
    job = _job("a", 0, status="completed")
    assert job.run_id is None and job.with_outcome(None) is job
    done = job.with_outcome(JobOutcome(result={"run_id": "f" * 32, "horizon": 7}))
    assert done.result == {"run_id": "f" * 32, "horizon": 7}
    assert done.run_id == "f" * 32
    failed = job.with_outcome(JobOutcome(error_message="No training data", error_type="X"))
    assert (failed.run_id, failed.error_message, failed.error_type) == (
        None,
        "No training data",
        "X",
    )


def test_unknown_sort_columns_fall_back_to_created_at_desc() -> None:
    assert sort_key("status", "asc") == ("status", "asc")
    assert sort_key("params; drop table app.job_result", "asc") == ("created_at", "desc")
    assert sort_key(None, "asc") == ("created_at", "asc")


def test_sort_by_created_at_with_the_job_id_breaking_ties() -> None:
    jobs = [_job("b", 1), _job("a", 1), _job("c", 0)]
    assert [j.job_id for j in sort_records(jobs, "created_at", True)] == ["b", "a", "c"]
    assert [j.job_id for j in sort_records(jobs, "created_at", False)] == ["c", "a", "b"]


def test_unfinished_jobs_sort_last_by_completed_at_either_way() -> None:
    jobs = [
        _job("running", 0),
        _job("early", 1, completed_at=T0 + timedelta(hours=1)),
        _job("late", 2, completed_at=T0 + timedelta(hours=2)),
    ]
    assert [j.job_id for j in sort_records(jobs, "completed_at", False)] == [
        "early",
        "late",
        "running",
    ]
    assert [j.job_id for j in sort_records(jobs, "completed_at", True)] == [
        "late",
        "early",
        "running",
    ]


def test_sort_by_type_and_status() -> None:
    jobs = [
        _job("1", 0, job_type="predict", status="failed"),
        _job("2", 1, job_type="backtest", status="running"),
        _job("3", 2, job_type="train", status="completed"),
    ]
    assert [j.job_id for j in sort_records(jobs, "job_type", False)] == ["2", "1", "3"]
    assert [j.job_id for j in sort_records(jobs, "status", True)] == ["2", "1", "3"]
