"""Run the project's dbt (`dbt_project/`) against an app database.

`profiles.yml` reads only environment variables (with defaults, so `dbt parse` renders without
a database); :func:`dbt_env` builds them from :class:`Endpoints`. Each caller may pass its own
``target_path`` so that concurrent runs (tests, Dagster, benchmarks) never share `target/`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from forecastlab.db.endpoints import Endpoints

DBT_PROJECT_DIR: Path = (Path(__file__).resolve().parents[2] / "dbt_project").resolve()
DEFAULT_TARGET_PATH: Path = DBT_PROJECT_DIR / "target"
_OUTPUT_TAIL_LINES = 60


class DbtError(RuntimeError):
    """A dbt command exited non-zero; the message carries the command and dbt's output tail."""

    def __init__(self, args: list[str], returncode: int, output: str) -> None:
        tail = "\n".join(output.strip().splitlines()[-_OUTPUT_TAIL_LINES:])
        super().__init__(f"dbt {' '.join(args)} failed with exit code {returncode}:\n{tail}")
        self.args_ = args
        self.returncode = returncode
        self.output = output


def dbt_executable() -> Path:
    """The dbt entry point installed next to the running interpreter (the project's venv)."""
    return Path(sys.executable).parent / "dbt"


def dbt_env(endpoints: Endpoints | None, *, threads: int | None = None) -> dict[str, str]:
    """The environment variables `profiles.yml` reads (no DB variables when `endpoints` is None)."""
    env = {
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_USE_COLORS": "False",
    }
    if endpoints is not None:
        params = endpoints.libpq_params()
        env |= {
            "FORECASTLAB_DB_HOST": params["host"],
            "FORECASTLAB_DB_PORT": params["port"],
            "FORECASTLAB_DB_USER": params["user"],
            "FORECASTLAB_DB_PASSWORD": params["password"],
            "FORECASTLAB_DB_NAME": params["dbname"],
        }
    if threads is not None:
        env["FORECASTLAB_DBT_THREADS"] = str(threads)
    return env


def run_dbt(
    args: list[str],
    endpoints: Endpoints | None,
    *,
    target_path: Path | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``dbt <args>`` in the project directory against ``endpoints``' app database.

    ``target_path`` redirects `target/` (and dbt's logs) so parallel runs don't collide.
    Raises :class:`DbtError` with the tail of dbt's output when dbt fails and ``check`` is set.
    """
    env = {**os.environ, **dbt_env(endpoints)}
    if target_path is not None:
        target_path = Path(target_path).resolve()
        target_path.mkdir(parents=True, exist_ok=True)
        env["DBT_TARGET_PATH"] = str(target_path)
        env["DBT_LOG_PATH"] = str(target_path / "logs")
    result = subprocess.run(
        [str(dbt_executable()), *args],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise DbtError(args, result.returncode, result.stdout + result.stderr)
    return result


def parse_manifest(target_path: Path | None = None) -> Path:
    """Run `dbt parse` (no database connection needed) and return the manifest's path."""
    run_dbt(["parse", "--quiet"], None, target_path=target_path)
    manifest = (target_path or DEFAULT_TARGET_PATH) / "manifest.json"
    if not manifest.exists():
        raise DbtError(["parse"], 0, f"dbt parse wrote no manifest at {manifest}")
    return manifest


def ensure_manifest(target_path: Path | None = None) -> Path:
    """The manifest Dagster's dbt assets load from; re-parsed when any project file is newer."""
    manifest = (target_path or DEFAULT_TARGET_PATH) / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_project_file_mtime():
        return manifest
    return parse_manifest(target_path)


def _newest_project_file_mtime() -> float:
    newest = 0.0
    for path in DBT_PROJECT_DIR.rglob("*"):
        if not path.is_file() or path.suffix not in {".sql", ".yml", ".yaml", ".csv", ".md"}:
            continue
        if {"target", "logs", "dbt_packages"} & set(path.relative_to(DBT_PROJECT_DIR).parts):
            continue
        newest = max(newest, path.stat().st_mtime)
    return newest
