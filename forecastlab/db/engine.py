"""SQLAlchemy engines and raw psycopg connections for the app database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from forecastlab.db.endpoints import Endpoints, resolve
from forecastlab.settings import get_settings

_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = create_engine(url, pool_pre_ping=True, future=True)
        _ENGINES[url] = engine
    return engine


def app_engine(endpoints: Endpoints | None = None) -> Engine:
    """The engine of the app/warehouse database for the current settings."""
    endpoints = endpoints or resolve(get_settings())
    return engine_for(endpoints.app_sqlalchemy)


def dispose_all() -> None:
    """Close every pooled connection (tests call this before dropping databases)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _conninfo(url: URL) -> dict[str, Any]:
    params: dict[str, Any] = {
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
        "host": url.host,
        "port": url.port,
    }
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return {k: v for k, v in params.items() if v not in (None, "")}


@contextmanager
def psycopg_connect(url: str | URL, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    """A raw psycopg 3 connection (for COPY and DDL such as CREATE DATABASE)."""
    parsed = make_url(url) if isinstance(url, str) else url
    with psycopg.connect(autocommit=autocommit, **_conninfo(parsed)) as conn:
        yield conn


def ensure_databases(endpoints: Endpoints) -> list[str]:
    """Create the app, Dagster and MLflow databases when missing; enable pgvector in the app.

    Returns the names of the databases that were created.
    """
    created: list[str] = []
    for url in endpoints.databases():
        maintenance = url.set(database="postgres")
        with psycopg_connect(maintenance, autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (url.database,)
            ).fetchone()
            if not exists:
                conn.execute(
                    sql.SQL("create database {}").format(sql.Identifier(str(url.database)))
                )
                created.append(str(url.database))
    with app_engine(endpoints).begin() as conn:
        conn.execute(text("create extension if not exists vector"))
    return created
