"""End-to-end fixtures: a real dagster-webserver + dagster-daemon pair, started once per session.

The pair serves this project's workspace.yaml from a fresh DAGSTER_HOME (deploy/dagster.yaml:
instance in the session's Dagster database, queued run coordinator). Runs execute in run-worker
subprocesses against the shared small warehouse and the session's MLflow store, exactly as
under `make serve`. Waiting has generous deadlines; when one expires the test fails with an
"infrastructure failure" report: the run's Dagster event log and the services' output tails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from forecastlab.runtime import prepare_dagster_home, service_env
from forecastlab.settings import PROJECT_ROOT, Settings
from forecastlab.warehouse.dbt import ensure_manifest
from serving.main import create_app
from tests.dbt.conftest import Warehouse
from tests.serving.conftest import settings_for

BIN = Path(sys.executable).parent  # the venv the tests run in
WORKSPACE = str(PROJECT_ROOT / "workspace.yaml")
STARTUP_SECONDS = 240.0
JOB_SECONDS = 420.0
FINISHED = frozenset({"completed", "failed", "cancelled"})

_LOCATION_QUERY = """
{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""
_EVENTS_QUERY = """
query Events($runId: ID!) { logsForRun(runId: $runId) { __typename
  ... on EventConnection { events { __typename
    ... on MessageEvent { timestamp level stepKey message }
    ... on ExecutionStepFailureEvent { error { message } } } }
  ... on Error { message } } }
"""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Service:
    """A subprocess in its own process group, its output captured in a log file."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its children (code servers, run workers) stop with it
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM the group, SIGKILL it if it does not stop within 30 s."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class DagsterPair:
    """The running webserver + daemon and how to report on them."""

    url: str
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)

    def events(self, run_id: str) -> str:
        """The run's Dagster event log, one line per event (fetched through GraphQL)."""
        try:
            answer = httpx.post(
                f"{self.url}/graphql",
                json={"query": _EVENTS_QUERY, "variables": {"runId": run_id}},
                timeout=30,
            ).json()["data"]["logsForRun"]
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            return f"(event log unavailable: {exc!r})"
        lines = []
        for event in answer.get("events", []):
            error = (event.get("error") or {}).get("message", "")
            lines.append(
                f"{event.get('level')} {event.get('stepKey') or '-'} {event['__typename']}: "
                f"{event.get('message', '')} {error}".rstrip()
            )
        return "\n".join(lines) or f"(no events: {answer})"

    def report(self, problem: str, run_id: str | None = None) -> str:
        """An infrastructure-failure message: what went wrong, the run's events, output tails."""
        parts = [f"infrastructure failure: {problem}"]
        if run_id:
            parts.append(f"--- Dagster event log of run {run_id} ---\n{self.events(run_id)}")
        for service in self.services:
            state = "running" if service.alive() else f"exited {service.process.returncode}"  # type: ignore[union-attr]
            parts.append(f"--- {service.name} ({state}), last lines ---\n{service.tail()}")
        return "\n".join(parts)

    def start(
        self, name: str, command: list[str], extra_env: dict[str, str] | None = None
    ) -> Service:
        """Start (and track, for reports and teardown) one more service."""
        log = Path(self.env["DAGSTER_HOME"]) / f"{name}.log"
        service = Service(name, command, {**self.env, **(extra_env or {})}, log).start()
        self.services.append(service)
        return service


def wait_until(
    check: Callable[[], bool], deadline: float, pair: DagsterPair, what: str, *services: Service
) -> None:
    """Poll `check` every second; fail with a report when time runs out or a service exits."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if check():
            return
        if any(not service.alive() for service in services):
            pytest.fail(pair.report(f"a service exited while waiting for {what}"))
        time.sleep(1)
    pytest.fail(pair.report(f"{what} not reached within {deadline:.0f} s"))


def answers(url: str) -> bool:
    """Whether a GET of `url` succeeds now."""
    try:
        return httpx.get(url, timeout=5).is_success
    except httpx.HTTPError:
        return False


def _location_loaded(pair: DagsterPair) -> bool:
    try:
        answer = httpx.post(f"{pair.url}/graphql", json={"query": _LOCATION_QUERY}, timeout=30)
        entries = answer.json()["data"]["workspaceOrError"]["locationEntries"]
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return False
    state = {e["name"]: e["locationOrLoadError"] for e in entries}.get("forecastlab")
    if state and state["__typename"] == "PythonError":
        pytest.fail(pair.report(f"code location failed to load: {state['message'][:2000]}"))
    return bool(state) and state["__typename"] == "RepositoryLocation"


@pytest.fixture(scope="session")
def dagster_pair(
    small_warehouse: Warehouse, endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DagsterPair]:
    """dagster-webserver + dagster-daemon over the small warehouse and the session's stores."""
    ensure_manifest()  # the code location's dbt assets load it
    settings = Settings(dagster_home=tmp_path_factory.mktemp("dagster_home"))
    prepare_dagster_home(settings)
    stores = Endpoints(
        app=small_warehouse.endpoints.app,
        dagster=endpoints.dagster,
        mlflow=endpoints.mlflow,
        embedded=endpoints.embedded,
    )
    env = {**os.environ, **service_env(settings, stores), "PYTHONUNBUFFERED": "1"}
    port = free_port()
    pair = DagsterPair(url=f"http://127.0.0.1:{port}", env=env)
    try:
        # The webserver first: it creates the instance's tables the daemon then finds.
        webserver = pair.start(
            "dagster-webserver",
            [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", WORKSPACE],
        )
        wait_until(
            lambda: answers(f"{pair.url}/server_info"),
            STARTUP_SECONDS,
            pair,
            "the webserver's /server_info",
            webserver,
        )
        wait_until(
            lambda: _location_loaded(pair), STARTUP_SECONDS, pair, "the code location", webserver
        )
        pair.start("dagster-daemon", [str(BIN / "dagster-daemon"), "run", "-w", WORKSPACE])
        yield pair
    finally:
        for service in reversed(pair.services):
            service.stop()


@pytest.fixture(scope="session")
def api(
    dagster_pair: DagsterPair, small_warehouse: Warehouse, endpoints: Endpoints
) -> Iterator[TestClient]:
    """The API (in process) over the small warehouse, launching jobs on the pair."""
    settings = settings_for(
        small_warehouse.endpoints, endpoints, dagster_webserver_url=dagster_pair.url
    )
    with TestClient(create_app(settings)) as client:
        yield client


def finished_job(
    read: Callable[[], dict[str, Any]],
    job_id: str,
    pair: DagsterPair,
    deadline: float = JOB_SECONDS,
) -> dict[str, Any]:
    """Poll a job (through `read`, GET /jobs/{id}) until it finished; its final body."""
    end = time.monotonic() + deadline
    body = read()
    while body["status"] not in FINISHED:
        if time.monotonic() > end:
            pytest.fail(
                pair.report(f"job {job_id} still {body['status']} after {deadline:.0f} s", job_id)
            )
        time.sleep(1)
        body = read()
    return body
