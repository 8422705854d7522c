"""Static checks of the deployment files: docker-compose.yml, .env.example, deploy/.

No Docker engine is needed: the files are parsed (PyYAML) and checked by small pure
functions that return the problems they find. Every check also runs against a deliberately
broken input, so a check that could never fail would show up here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DAGSTER_YAML = ROOT / "deploy" / "dagster.yaml"
INIT_SQL = ROOT / "deploy" / "postgres" / "init.sql"

APP_SERVICES = ("dagster-webserver", "dagster-daemon", "mlflow", "api")
REQUIRED_SERVICES = ("postgres", *APP_SERVICES)
APP_DOCKERFILE = "deploy/Dockerfile"

# `$$` is compose's escape for a literal `$`; everything else starting with `$` interpolates.
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


# --- pure checks ---------------------------------------------------------------------------


def _strings(node: Any) -> Iterator[str]:
    """Every string (mapping keys included) in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def interpolated_variables(document: Any) -> set[str]:
    """Names interpolated by compose: `${VAR}`, `${VAR:-x}`, `${VAR?err}`, `$VAR` (not `$$`).

    Scans parsed values, so comments never count; nested defaults (`${A:-${B}}`) yield both.
    """
    names: set[str] = set()
    for text in _strings(document):
        for match in _VARIABLE.finditer(text):
            name = match.group(1) or match.group(2)
            if name:
                names.add(name)
    return names


def env_file_names(text: str) -> set[str]:
    """Variables a dotenv file defines (commented-out lines define nothing)."""
    names: set[str] = set()
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match:
            names.add(match.group(1))
    return names


def missing_services(compose: Mapping[str, Any], required: tuple[str, ...]) -> list[str]:
    """Required services that the compose file does not declare."""
    services = compose.get("services") or {}
    return [name for name in required if name not in services]


def services_without_healthcheck(compose: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    """Services with no usable healthcheck (absent, disabled or without a test)."""
    services = compose.get("services") or {}
    bad: list[str] = []
    for name in names:
        check = (services.get(name) or {}).get("healthcheck") or {}
        test = check.get("test")
        if check.get("disable") or not test or test in (["NONE"], "NONE"):
            bad.append(name)
    return bad


def services_not_waiting_for(
    compose: Mapping[str, Any], names: tuple[str, ...], dependency: str = "postgres"
) -> list[str]:
    """Services that do not wait for `dependency` to be healthy (list-form depends_on doesn't)."""
    services = compose.get("services") or {}
    bad: list[str] = []
    for name in names:
        depends = (services.get(name) or {}).get("depends_on") or {}
        condition = (
            (depends.get(dependency) or {}).get("condition")
            if isinstance(depends, Mapping)
            else None
        )
        if condition != "service_healthy":
            bad.append(name)
    return bad


def build_problems(
    compose: Mapping[str, Any], names: tuple[str, ...], root: Path, dockerfile: str
) -> list[str]:
    """App services that are not built from `dockerfile`, or whose Dockerfile is missing."""
    services = compose.get("services") or {}
    problems: list[str] = []
    for name in names:
        build = (services.get(name) or {}).get("build")
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, Mapping):
            problems.append(f"{name}: no build section")
            continue
        context = root / str(build.get("context", "."))
        path = context / str(build.get("dockerfile", "Dockerfile"))
        if path.resolve() != (root / dockerfile).resolve():
            problems.append(f"{name}: built from {path}, expected {dockerfile}")
        elif not path.is_file():
            problems.append(f"{name}: {path} does not exist")
    return problems


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's `environment`, in either the mapping or the `KEY=value` list form."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


def dagster_instance_problems(config: Mapping[str, Any]) -> list[str]:
    """dagster.yaml must use postgres storage via psycopg2 (or DAGSTER_PG_URL) and queue runs."""
    problems: list[str] = []
    storage = (config.get("storage") or {}).get("postgres")
    if not isinstance(storage, Mapping):
        problems.append("storage is not `postgres`")
    else:
        url = storage.get("postgres_url")
        from_env = isinstance(url, Mapping) and url.get("env") == "DAGSTER_PG_URL"
        psycopg2 = isinstance(url, str) and url.startswith("postgresql+psycopg2://")
        if not (from_env or psycopg2):
            problems.append(
                f"storage.postgres.postgres_url is {url!r}: use {{env: DAGSTER_PG_URL}} or a "
                "postgresql+psycopg2:// URL (STACK.md: psycopg 3 breaks the webserver)"
            )
    coordinator = config.get("run_coordinator") or {}
    if coordinator.get("class") != "QueuedRunCoordinator":
        problems.append("run_coordinator is not QueuedRunCoordinator")
    return problems


# --- the real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """docker-compose.yml, parsed (anchors and merge keys resolved)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_declares_every_service(compose: dict[str, Any]) -> None:
    assert missing_services(compose, REQUIRED_SERVICES) == []


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    long_running = tuple(
        name
        for name, spec in compose["services"].items()
        if str(spec.get("restart", "")) not in ("no", "False")
    )
    assert set(REQUIRED_SERVICES) <= set(long_running)
    assert services_without_healthcheck(compose, long_running) == []


def test_app_services_wait_for_a_healthy_postgres(compose: dict[str, Any]) -> None:
    others = tuple(name for name in compose["services"] if name != "postgres")
    assert set(APP_SERVICES) <= set(others)
    assert services_not_waiting_for(compose, others) == []


def test_every_compose_variable_is_in_env_example(compose: dict[str, Any]) -> None:
    used = interpolated_variables(compose)
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD"} <= used
    assert sorted(used - env_file_names(ENV_EXAMPLE.read_text())) == []


def test_env_example_leaves_database_url_unset() -> None:
    # Unset DATABASE_URL selects the embedded server; the example must not switch it off.
    assert "DATABASE_URL" not in env_file_names(ENV_EXAMPLE.read_text())
    assert "# DATABASE_URL=" in ENV_EXAMPLE.read_text()


def test_app_services_are_built_from_the_dockerfile(compose: dict[str, Any]) -> None:
    assert build_problems(compose, APP_SERVICES, ROOT, APP_DOCKERFILE) == []
    dockerfile = (ROOT / APP_DOCKERFILE).read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.MULTILINE)
    assert "uv==0.13.8" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "dbt parse --project-dir dbt_project --profiles-dir dbt_project" in dockerfile


def test_app_services_get_database_urls_in_the_driver_form_they_need(
    compose: dict[str, Any],
) -> None:
    for name in ("dagster-webserver", "dagster-daemon", "api"):
        env = environment_of(compose["services"][name])
        assert env["DATABASE_URL"].startswith("postgresql://"), name
        assert env["DATABASE_URL"].endswith("@postgres:5432/forecastlab"), name
        assert env["DAGSTER_PG_URL"].startswith("postgresql+psycopg2://"), name
        assert env["DAGSTER_PG_URL"].endswith("/dagster"), name
        assert env["MLFLOW_TRACKING_URI"] == "http://mlflow:5000", name
        assert env["DAGSTER_HOME"] == "/opt/dagster/home", name


def test_mlflow_server_uses_its_own_database_and_one_worker(compose: dict[str, Any]) -> None:
    command = compose["services"]["mlflow"]["command"]
    args = command if isinstance(command, list) else command.split()
    flags = dict(pairwise(args))
    assert flags["--backend-store-uri"].startswith("postgresql+psycopg2://")
    assert flags["--backend-store-uri"].endswith("@postgres:5432/mlflow")
    assert flags["--artifacts-destination"] == "/artifacts"
    assert flags["--workers"] == "1"


def test_postgres_initialises_the_three_databases(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "pgvector/pgvector:pg17"
    assert any("deploy/postgres/init.sql" in volume for volume in postgres["volumes"])
    sql = INIT_SQL.read_text().lower()
    for database in ("forecastlab", "dagster", "mlflow"):
        assert f"create database {database}" in sql
    assert "create extension if not exists vector" in sql


def test_dagster_yaml_uses_postgres_storage_and_queued_runs() -> None:
    assert dagster_instance_problems(yaml.safe_load(DAGSTER_YAML.read_text())) == []


# --- the checks can fail -------------------------------------------------------------------

BROKEN_COMPOSE = """
services:
  postgres:
    image: pgvector/pgvector:pg17
  api:
    build: {context: ., dockerfile: deploy/Nope}
    depends_on: [postgres]
    healthcheck: {disable: true}
    environment:
      A: ${DEFINED}
      B: ${NOT_DEFINED:-fallback}
      C: ${REQUIRED?must be set}
      D: $BARE and $${ESCAPED} and ${OUTER:-${INNER}}
  mlflow:
    depends_on:
      postgres: {condition: service_started}
    healthcheck: {test: ["CMD", "true"]}
# ${IN_A_COMMENT}
"""


def test_checks_flag_a_broken_compose_file() -> None:
    broken = yaml.safe_load(BROKEN_COMPOSE)
    assert missing_services(broken, REQUIRED_SERVICES) == [
        "dagster-webserver",
        "dagster-daemon",
    ]
    assert services_without_healthcheck(broken, ("postgres", "api", "mlflow")) == [
        "postgres",
        "api",
    ]
    assert services_not_waiting_for(broken, ("api", "mlflow")) == ["api", "mlflow"]
    assert interpolated_variables(broken) == {
        "DEFINED",
        "NOT_DEFINED",
        "REQUIRED",
        "BARE",
        "OUTER",
        "INNER",
    }
    assert interpolated_variables(broken) - env_file_names("DEFINED=1\n# BARE=2\n") == {
        "NOT_DEFINED",
        "REQUIRED",
        "BARE",
        "OUTER",
        "INNER",
    }
    problems = build_problems(broken, ("api", "mlflow"), ROOT, APP_DOCKERFILE)
    assert len(problems) == 2
    assert "expected deploy/Dockerfile" in problems[0]
    assert "no build section" in problems[1]


def test_build_check_flags_a_missing_dockerfile(tmp_path: Path) -> None:
    compose = {"services": {"api": {"build": {"context": ".", "dockerfile": "deploy/Dockerfile"}}}}
    assert build_problems(compose, ("api",), tmp_path, APP_DOCKERFILE) == [
        f"api: {tmp_path / 'deploy/Dockerfile'} does not exist"
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, ["storage is not `postgres`", "run_coordinator is not QueuedRunCoordinator"]),
        (
            {
                "storage": {"postgres": {"postgres_url": "postgresql://u:p@h/dagster"}},
                "run_coordinator": {"class": "QueuedRunCoordinator"},
            },
            ["postgres_url is"],
        ),
        (
            {
                "storage": {"postgres": {"postgres_url": {"env": "DATABASE_URL"}}},
                "run_coordinator": {"class": "DefaultRunCoordinator"},
            },
            ["postgres_url is", "not QueuedRunCoordinator"],
        ),
        (
            {
                "storage": {"postgres": {"postgres_url": "postgresql+psycopg2://u:p@h/dagster"}},
                "run_coordinator": {"class": "QueuedRunCoordinator"},
            },
            [],
        ),
    ],
)
def test_dagster_instance_check(config: dict[str, Any], expected: list[str]) -> None:
    problems = dagster_instance_problems(config)
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem
