"""The warehouse: running the dbt project that builds `staging` and `marts`."""

from forecastlab.warehouse.dbt import (
    DBT_PROJECT_DIR,
    DbtError,
    dbt_env,
    ensure_manifest,
    parse_manifest,
    run_dbt,
)

__all__ = ["DBT_PROJECT_DIR", "DbtError", "dbt_env", "ensure_manifest", "parse_manifest", "run_dbt"]
