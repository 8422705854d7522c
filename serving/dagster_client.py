"""The API's only way to reach Dagster: its webserver's GraphQL endpoint (DESIGN "Jobs mapping").

Launch a named job, read one run, list runs by the job-type tag, terminate a run. Runs come
back as `JobRecord`s (status mapped, params read back from the run config); what a run produced
is read from `app.job_result` by the caller. An unreachable webserver or an answer that is not
what the schema promises is a 502 naming the URL.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends
from pydantic import BaseModel

from forecastlab.errors import NotFoundError
from forecastlab.jobs.contract import (
    API_JOB_TAG,
    JOB_NAMES,
    JOB_TYPE_TAG,
    JOB_TYPES,
    JobType,
    params_from_run_config,
    run_config,
)
from forecastlab.jobs.records import JobRecord
from forecastlab.jobs.status import (
    GRACEFULLY_TERMINABLE,
    JobStatus,
    dagster_statuses,
    ensure_cancellable,
    job_status,
)
from serving.deps import SettingsDep
from serving.errors import ApiError

log = logging.getLogger("serving.dagster")

# workspace.yaml's location name; a Definitions object is served as Dagster's singleton repository.
CODE_LOCATION = "forecastlab"
REPOSITORY = "__repository__"
TIMEOUT_SECONDS = 30.0

_RUN_FIELDS = """
fragment JobRun on Run {
  runId status creationTime startTime endTime updateTime runConfig
  tags { key value }
}
"""
_LAUNCH = (
    """
mutation Launch($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { ...JobRun } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on Error { message }
  }
}
"""
    + _RUN_FIELDS
)
_RUN = (
    """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { ...JobRun }
    ... on Error { message }
  }
}
"""
    + _RUN_FIELDS
)
_RUNS = (
    """
query Runs($filter: RunsFilter, $limit: Int) {
  runsOrError(filter: $filter, limit: $limit) {
    __typename
    ... on Runs { count results { ...JobRun } }
    ... on Error { message }
  }
}
"""
    + _RUN_FIELDS
)
_TERMINATE = """
mutation Terminate($runId: String!, $policy: TerminateRunPolicy) {
  terminateRun(runId: $runId, terminatePolicy: $policy) {
    __typename
    ... on TerminateRunFailure { message }
    ... on Error { message }
  }
}
"""


class DagsterGatewayError(ApiError):
    """Dagster's webserver could not be reached or did not answer as its schema promises."""

    def __init__(self, detail: str) -> None:
        super().__init__(502, detail)


class JobNotFoundError(NotFoundError):
    """No job with this id (no Dagster run, or a run of another job)."""


class DagsterJobs:
    """The `/jobs` operations over one Dagster webserver."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url
        self.timeout = timeout
        # What problem details may show: the address without any user:password@ part.
        self.shown_url = httpx.URL(base_url).copy_with(username=None, password=None)

    def launch(self, job_type: JobType, request: BaseModel, params: dict[str, Any]) -> JobRecord:
        """Launch the job's run (queued for the daemon); the new job as Dagster recorded it."""
        execution = {
            "selector": {
                "repositoryLocationName": CODE_LOCATION,
                "repositoryName": REPOSITORY,
                "jobName": JOB_NAMES[job_type],
            },
            "runConfigData": run_config(job_type, request, params),
        }
        answer = self._query(_LAUNCH, {"executionParams": execution})["launchRun"]
        if answer["__typename"] != "LaunchRunSuccess":
            raise self._rejected(f"launching {JOB_NAMES[job_type]}", answer)
        return _record(answer["run"])

    def get(self, job_id: str) -> JobRecord:
        """The job with this id; JobNotFoundError when there is none."""
        return _record(self._run(job_id))

    def search(
        self, job_type: JobType | None, status: JobStatus | None, limit: int | None
    ) -> tuple[list[JobRecord], int]:
        """Newest first, at most `limit` (None: all) of the matching jobs, and how many match."""
        tags = {JOB_TYPE_TAG: job_type} if job_type else {API_JOB_TAG: "true"}
        runs_filter: dict[str, Any] = {"tags": _tag_list(tags)}
        if status is not None:
            runs_filter["statuses"] = dagster_statuses(status)
        answer = self._query(_RUNS, {"filter": runs_filter, "limit": limit})["runsOrError"]
        if answer["__typename"] != "Runs":
            raise self._rejected("listing runs", answer)
        return [_record(run) for run in answer["results"]], answer["count"]

    def cancel(self, job_id: str) -> JobRecord:
        """Terminate a pending or running job; BadRequestError (400) for a finished one."""
        run = self._run(job_id)
        ensure_cancellable(job_status(run["status"]))
        policy = (
            "SAFE_TERMINATE"
            if run["status"] in GRACEFULLY_TERMINABLE
            else "MARK_AS_CANCELED_IMMEDIATELY"
        )
        outcome = self._query(_TERMINATE, {"runId": job_id, "policy": policy})["terminateRun"]
        job = self.get(job_id)  # the status after termination: cancelling counts as cancelled
        if outcome["__typename"] != "TerminateRunSuccess" and job.status != "cancelled":
            ensure_cancellable(job.status)  # it finished between our read and the termination
            raise self._rejected(f"terminating run {job_id}", outcome)
        return job

    def _run(self, job_id: str) -> dict[str, Any]:
        answer = self._query(_RUN, {"runId": job_id})["runOrError"]
        if answer["__typename"] == "RunNotFoundError" or (
            answer["__typename"] == "Run" and run_job_type(answer) is None
        ):
            raise JobNotFoundError(f"job {job_id} not found")
        if answer["__typename"] != "Run":
            raise self._rejected(f"reading run {job_id}", answer)
        return answer

    def _query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}/graphql"
        try:
            response = httpx.post(
                url, json={"query": query, "variables": variables}, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise DagsterGatewayError(
                f"The Dagster webserver at {self.shown_url} is unreachable "
                f"({type(exc).__name__}). Start it with `make serve`, or point "
                "DAGSTER_WEBSERVER_URL at a running one."
            ) from exc
        body = _json_or_empty(response)
        if body.get("errors") or not body.get("data"):
            log.error("Dagster GraphQL answered %s: %s", response.status_code, response.text[:2000])
            raise DagsterGatewayError(
                f"The Dagster webserver at {self.shown_url} rejected a GraphQL request "
                f"(HTTP {response.status_code}); see the API log."
            )
        return body["data"]

    def _rejected(self, action: str, answer: dict[str, Any]) -> DagsterGatewayError:
        # The upstream message may carry stack traces or paths: log it, name only its kind.
        log.error("Dagster refused %s: %s", action, answer)
        return DagsterGatewayError(
            f"Dagster at {self.shown_url} refused {action} ({answer['__typename']}); "
            "see the API log for its answer."
        )


def run_job_type(run: dict[str, Any]) -> JobType | None:
    """The job type a run is tagged with (None for runs of other jobs)."""
    value = next((tag["value"] for tag in run["tags"] if tag["key"] == JOB_TYPE_TAG), None)
    return value if value in JOB_TYPES else None


def get_dagster_jobs(settings: SettingsDep) -> DagsterJobs:
    """The client for the configured webserver (DAGSTER_WEBSERVER_URL)."""
    return DagsterJobs(settings.resolved_dagster_webserver_url)


DagsterJobsDep = Annotated[DagsterJobs, Depends(get_dagster_jobs)]


def _record(run: dict[str, Any]) -> JobRecord:
    job_type = run_job_type(run)
    if job_type is None:
        raise ValueError(f"run {run['runId']} is not a /jobs run")
    created = _timestamp(run["creationTime"])
    return JobRecord(
        job_id=run["runId"],
        job_type=job_type,
        status=job_status(run["status"]),
        params=params_from_run_config(job_type, run["runConfig"]),
        created_at=created,
        updated_at=_timestamp(run["updateTime"]) or created,
        started_at=_timestamp(run["startTime"]),
        completed_at=_timestamp(run["endTime"]),
    )


def _json_or_empty(response: httpx.Response) -> dict[str, Any]:
    if not response.is_success:
        return {}
    try:
        body = response.json()
    except ValueError:  # something else answers on that port
        return {}
    return body if isinstance(body, dict) else {}


def _timestamp(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]
