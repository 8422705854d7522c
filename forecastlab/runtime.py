"""What the long-running processes (Dagster, MLflow, the API) need: environment and DAGSTER_HOME."""

from __future__ import annotations

import shutil

from forecastlab.db.endpoints import Endpoints
from forecastlab.settings import PROJECT_ROOT, Settings

DAGSTER_YAML_TEMPLATE = PROJECT_ROOT / "deploy" / "dagster.yaml"


def service_env(settings: Settings, endpoints: Endpoints) -> dict[str, str]:
    """The KEY=VALUE lines `forecastlab env` prints and every service process receives."""
    return {
        "DATABASE_URL": endpoints.app_libpq,
        "DAGSTER_PG_URL": endpoints.dagster_url,
        "MLFLOW_TRACKING_URI": endpoints.mlflow_uri,
        "DAGSTER_HOME": str(settings.resolved_dagster_home),
    }


def prepare_dagster_home(settings: Settings) -> None:
    """Create DAGSTER_HOME with our dagster.yaml (PostgreSQL storage, queued run coordinator)."""
    home = settings.resolved_dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not DAGSTER_YAML_TEMPLATE.exists():
        raise FileNotFoundError(f"missing {DAGSTER_YAML_TEMPLATE}; the checkout is incomplete")
    shutil.copyfile(DAGSTER_YAML_TEMPLATE, home / "dagster.yaml")
