"""Throwaway PostgreSQL for tests: a fresh embedded server, or databases on DATABASE_URL's."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg import sql
from sqlalchemy.engine import URL, make_url

from forecastlab.db import embedded
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import dispose_all, ensure_databases, psycopg_connect
from forecastlab.db.migrate import upgrade


class TestServer:
    """One PostgreSQL server for the session; hands out migrated throwaway database triples."""

    def __init__(self, base: URL, *, owns_server: bool) -> None:
        self.base = base
        self.owns_server = owns_server
        self.created: list[str] = []

    def new_endpoints(self, label: str = "t") -> Endpoints:
        """A fresh app/dagster/mlflow database triple, migrated, with pgvector."""
        tag = f"fl_{label}_{uuid.uuid4().hex[:8]}"
        endpoints = Endpoints(
            app=self.base.set(database=f"{tag}_app"),
            dagster=self.base.set(database=f"{tag}_dagster"),
            mlflow=self.base.set(database=f"{tag}_mlflow"),
            embedded=self.owns_server,
        )
        self.created += ensure_databases(endpoints)
        upgrade(endpoints)
        return endpoints

    def drop_all(self) -> None:
        dispose_all()
        with psycopg_connect(self.base.set(database="postgres"), autocommit=True) as conn:
            for name in self.created:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
                )
        self.created.clear()


@contextmanager
def test_server() -> Iterator[TestServer]:
    """DATABASE_URL's server when set (throwaway databases), else a fresh embedded server."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        server = TestServer(make_url(url), owns_server=False)
        try:
            yield server
        finally:
            server.drop_all()
        return
    # A short path: the server's Unix socket lives in its data directory.
    root = Path(tempfile.mkdtemp(prefix="flpg-", dir="/tmp"))
    pgdata = root / "pgdata"
    server = TestServer(make_url(embedded.start(pgdata)), owns_server=True)
    try:
        yield server
    finally:
        dispose_all()
        embedded.stop(pgdata)
        shutil.rmtree(root, ignore_errors=True)
