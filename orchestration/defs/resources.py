"""Resources: the warehouse database and the dbt CLI, resolved at run time from the settings."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints, resolve
from forecastlab.db.engine import app_engine
from forecastlab.settings import get_settings
from forecastlab.warehouse.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.defs.forecasting.resources import TrainingResource


class WarehouseResource(dg.ConfigurableResource):
    """The app/warehouse PostgreSQL database (DATABASE_URL, or the embedded default)."""

    def endpoints(self) -> Endpoints:
        """Resolve the database endpoints now (never at import time)."""
        return resolve(get_settings())

    def engine(self) -> Engine:
        """A pooled SQLAlchemy engine on the app database."""
        return app_engine(self.endpoints())


@dg.definitions
def resources() -> dg.Definitions:
    """The same resource classes in every environment; only the environment changes values."""
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(),
            # TRAINING_HORIZON: the horizon of scheduled rounds and the launchpad's default.
            "training": TrainingResource(horizon=get_settings().training_horizon),
            "dbt": DbtCliResource(
                project_dir=str(DBT_PROJECT_DIR),
                profiles_dir=str(DBT_PROJECT_DIR),
                # the venv's dbt, whether or not the venv is on PATH
                dbt_executable=str(dbt_executable()),
            ),
        }
    )
