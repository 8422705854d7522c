"""dbt models as assets: one @dbt_assets per partitions definition (never mixed)."""

import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from forecastlab.warehouse.dbt import dbt_env
from orchestration.defs.partitions import daily_partitions, partition_dates
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.warehouse.args import DAILY_SELECTOR, daily_build_args
from orchestration.defs.warehouse.project import dbt_project


class ForecastLabDbtTranslator(DagsterDbtTranslator):
    """Groups dbt models by folder (staging / marts); sources map to the raw/* Forge assets."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "forge"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


translator = ForecastLabDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
)


def _point_dbt_at_warehouse(warehouse: WarehouseResource) -> None:
    # dbt runs as a subprocess that inherits this environment; profiles.yml reads env_var() only.
    os.environ.update(dbt_env(warehouse.endpoints()))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    select=DAILY_SELECTOR,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=translator,
    name="dbt_daily_marts",
)
def dbt_daily_marts(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """The date-partitioned incremental marts (fct_sales_daily, fct_sales_features)."""
    _point_dbt_at_warehouse(warehouse)
    start, end = partition_dates(context)
    yield from dbt.cli(daily_build_args(start, end), context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    exclude=DAILY_SELECTOR,
    dagster_dbt_translator=translator,
    name="dbt_models",
)
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """Staging views and dimension tables, rebuilt whole."""
    _point_dbt_at_warehouse(warehouse)
    yield from dbt.cli(["build"], context=context).stream()
