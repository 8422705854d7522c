"""Seeded raw tables: the catalogue (unpartitioned) and the daily facts (one partition a day)."""

from datetime import date

import dagster as dg

from forecastlab import seeder
from forecastlab.db.stats import raw_row_counts
from orchestration.defs.partitions import daily_partitions, partition_dates
from orchestration.defs.resources import WarehouseResource

CATALOG_TABLES: dict[str, str] = {
    "store": "Stores (natural key: code).",
    "product": "Products (natural key: SKU) with prices, costs and lifecycle columns.",
    "calendar": "One row per day of the seeded window, with US federal and scenario holidays.",
    "price_history": "Price validity windows, chain-wide or store-specific.",
    "promotion": "Promotions per product, chain-wide or store-specific.",
}
DAILY_FACT_TABLES: dict[str, str] = {
    "sales_daily": "Daily sales per store x product (the forecasting target).",
    "inventory_snapshot_daily": "End-of-day inventory per store x product, with stockout flags.",
    "exogenous_signal": "Weather, macro and event signals (when the Forge enables them).",
    "sales_returns": "Returns (when enabled); never subtracted from sales.",
    "replenishment_event": "Purchase-order receipts (when lead-time replenishment is enabled).",
}


class ForgeConfig(dg.Config):
    """What to seed: a preset, a seed, and the optional override knobs (spec §2.7)."""

    preset: str = "retail_standard"
    seed: int = 42
    end_date: str | None = None
    stores: int | None = None
    products: int | None = None
    window_days: int | None = None
    sparsity: float | None = None
    promotion_intensity: float | None = None
    stockout_intensity: float | None = None
    noise_sigma: float | None = None

    def to_seeder_config(self) -> seeder.SeederConfig:
        """The effective Forge configuration (raises SeederConfigError on bad knobs)."""
        knobs = {
            name: getattr(self, name)
            for name in seeder.SeederOverrides.model_fields
            if getattr(self, name, None) is not None
        }
        end = date.fromisoformat(self.end_date) if self.end_date else None
        return seeder.build_config(
            self.preset, seed=self.seed, end_date=end, today=end, overrides=knobs or None
        )


def _table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(_table_key(t), description=d, group_name="forge", kinds={"postgres"})
        for t, d in CATALOG_TABLES.items()
    ],
)
def forge_catalog(
    context: dg.AssetExecutionContext, config: ForgeConfig, warehouse: WarehouseResource
):
    """Re-seed the catalogue with the Forge (replaces every raw table; facts follow per day)."""
    engine = warehouse.engine()
    result = seeder.generate(engine, config.to_seeder_config(), include_facts=False)
    context.log.info(result.message)
    counts = raw_row_counts(engine)
    for table in CATALOG_TABLES:
        yield dg.MaterializeResult(
            asset_key=_table_key(table),
            metadata={
                "dagster/row_count": counts[table],
                "preset": result.preset,
                "seed": result.seed,
                "window": f"{result.start_date} .. {result.end_date}",
            },
        )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            _table_key(t),
            description=d,
            group_name="forge",
            kinds={"postgres"},
            deps=[_table_key(c) for c in CATALOG_TABLES],
        )
        for t, d in DAILY_FACT_TABLES.items()
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def forge_daily_facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Write the Forge's facts for the run's days (re-materializing a day restores it exactly)."""
    engine = warehouse.engine()
    start, end = partition_dates(context)
    result = seeder.regenerate_days(engine, start, end)
    context.log.info(result.message)
    counts = raw_row_counts(engine)
    written = {
        "sales_daily": result.records_created.get("sales", 0),
        "inventory_snapshot_daily": result.records_created.get("inventory", 0),
        "exogenous_signal": result.records_created.get("exogenous_signals", 0),
        "sales_returns": result.records_created.get("sales_returns", 0),
        "replenishment_event": result.records_created.get("replenishment_events", 0),
    }
    for table in DAILY_FACT_TABLES:
        yield dg.MaterializeResult(
            asset_key=_table_key(table),
            metadata={"dagster/row_count": counts[table], "rows_written": written[table]},
        )
