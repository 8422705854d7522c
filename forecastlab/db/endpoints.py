"""Resolve where the app, Dagster and MLflow databases live.

One PostgreSQL server holds three databases: the app/warehouse (`forecastlab`), Dagster's
instance storage (`dagster`) and MLflow's backend store (`mlflow`). DATABASE_URL names the
app database on a real server; when it is unset the embedded server is started (or reused).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url

from forecastlab.db import embedded
from forecastlab.settings import Settings

APP_DATABASE = "forecastlab"
DAGSTER_DATABASE = "dagster"
MLFLOW_DATABASE = "mlflow"


class ConfigurationError(RuntimeError):
    """The configured database endpoints cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class Endpoints:
    """Connection URLs for the three databases, in the forms their clients need."""

    app: URL
    dagster: URL
    mlflow: URL | str  # MLflow's database, or the http(s) address of an MLflow server
    embedded: bool

    @property
    def app_sqlalchemy(self) -> str:
        """The app database for SQLAlchemy with psycopg 3."""
        return _render(self.app.set(drivername="postgresql+psycopg"))

    @property
    def app_libpq(self) -> str:
        """The app database as a plain `postgresql://` URL (psql, DATABASE_URL)."""
        return _render(self.app.set(drivername="postgresql"))

    @property
    def dagster_url(self) -> str:
        """Dagster's storage URL; dagster-postgres needs the psycopg2 driver (STACK.md)."""
        return _render(self.dagster.set(drivername="postgresql+psycopg2"))

    @property
    def mlflow_uri(self) -> str:
        """MLflow's tracking URI: its database (tracking and registry in PostgreSQL) or a server."""
        if isinstance(self.mlflow, str):
            return self.mlflow
        return _render(self.mlflow.set(drivername="postgresql+psycopg2"))

    def databases(self) -> list[URL]:
        """The databases this setup owns on its PostgreSQL server(s)."""
        return [u for u in (self.app, self.dagster, self.mlflow) if isinstance(u, URL)]

    def libpq_params(self) -> dict[str, str]:
        """host/port/user/password/dbname of the app database (dbt's profile reads these)."""
        url = self.app
        host = url.host or str(url.query.get("host", "")) or "localhost"
        return {
            "host": host,
            "port": str(url.port or url.query.get("port") or 5432),
            "user": url.username or "postgres",
            "password": url.password or "",
            "dbname": url.database or APP_DATABASE,
        }


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _parse(name: str, value: str) -> URL:
    try:
        url = make_url(value)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise ConfigurationError(
            f"{name} is not a valid database URL ({exc}); expected e.g. "
            "postgresql://user:password@localhost:5432/forecastlab"
        ) from exc
    if not url.drivername.startswith("postgres"):
        raise ConfigurationError(f"{name} must point at PostgreSQL, got {url.drivername!r}")
    if url.drivername == "postgres":
        url = url.set(drivername="postgresql")
    return url


def resolve(settings: Settings, *, start_embedded: bool = True) -> Endpoints:
    """Work out the three database URLs; start the embedded server when it is the default."""
    if settings.database_url:
        app = _parse("DATABASE_URL", settings.database_url)
        is_embedded = False
    else:
        status = embedded.status(settings.pgdata_dir)
        if not status.running and not start_embedded:
            raise ConfigurationError(
                "DATABASE_URL is unset and the embedded PostgreSQL is not running: "
                "run `forecastlab db up` (or set DATABASE_URL to a real server)"
            )
        base = _parse("embedded server URI", embedded.start(settings.pgdata_dir))
        app = base.set(database=APP_DATABASE)
        is_embedded = True
    dagster = (
        _parse("DAGSTER_PG_URL", settings.dagster_pg_url)
        if settings.dagster_pg_url
        else app.set(database=DAGSTER_DATABASE)
    )
    tracking = settings.mlflow_tracking_uri
    mlflow: URL | str
    if tracking and tracking.startswith(("http://", "https://")):
        mlflow = tracking  # a running MLflow server (docker-compose) owns its own database
    elif tracking:
        mlflow = _parse("MLFLOW_TRACKING_URI", tracking)
    else:
        mlflow = app.set(database=MLFLOW_DATABASE)
    return Endpoints(app=app, dagster=dagster, mlflow=mlflow, embedded=is_embedded)
