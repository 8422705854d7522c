"""The dbt project as Dagster sees it (own module: `dagster-dbt project prepare-and-package`)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from forecastlab.warehouse.dbt import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
