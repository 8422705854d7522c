"""The landing folder: a retailer's export, validated and upserted into raw.* (one shell over
forecastlab.loader), plus a sensor that loads a folder when its files change."""

from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path

import dagster as dg
import pandas as pd

from forecastlab.loader import LoadValidationError, load_folder
from forecastlab.settings import get_settings
from orchestration.defs.metadata import markdown_table
from orchestration.defs.resources import WarehouseResource

GROUP = "sources"
SHOWN_ISSUES = 50


class LandingConfig(dg.Config):
    """Which folder to load (default: LANDING_DIR, else FORECASTLAB_HOME/landing)."""

    path: str | None = None


def landing_folder(config: LandingConfig) -> Path:
    """The folder this run loads."""
    return Path(config.path) if config.path else get_settings().resolved_landing_dir


@dg.asset(key=["raw", "landing_files"], group_name=GROUP, kinds={"csv", "postgres"})
def landing_files(
    context: dg.AssetExecutionContext, config: LandingConfig, warehouse: WarehouseResource
) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
    """Validate the landing folder and upsert it into raw.* (nothing is written when invalid).

    Every raw table the load changed is reported as materialized too, so the dbt marts,
    backtests and forecasts downstream show as stale until the next refresh.
    """
    folder = landing_folder(config)
    if not folder.is_dir():
        raise dg.Failure(
            f"landing folder {folder} does not exist: set LANDING_DIR or the asset's config path"
        )
    try:
        report = load_folder(warehouse.engine(), folder, history_start=get_settings().history_start)
    except LoadValidationError as exc:
        issues = pd.DataFrame(
            [vars(i) for i in exc.issues[:SHOWN_ISSUES]],
            columns=["file", "line", "column", "reason"],
        )
        raise dg.Failure(
            description=f"{exc.total} bad value(s) in {folder}; nothing was written",
            metadata={"rejected": exc.total, "issues": markdown_table(issues)},
        ) from exc
    files = pd.DataFrame([vars(f) for f in report.files])
    changed = files[(files["inserted"] + files["updated"] + files["deleted"]) > 0]
    for table, rows in changed.groupby("table"):
        context.log.info(f"{table}: {rows[['inserted', 'updated', 'deleted']].sum().to_dict()}")
        yield dg.AssetMaterialization(
            asset_key=dg.AssetKey(["raw", str(table).removeprefix("raw.")]),
            description=f"loaded from {folder}",
            metadata={
                "inserted": int(rows["inserted"].sum()),
                "updated": int(rows["updated"].sum()),
                "deleted": int(rows["deleted"].sum()),
            },
        )
    yield dg.MaterializeResult(
        metadata={
            "folder": str(folder),
            "rows_read": int(files["rows_read"].sum()),
            "rejected": 0,
            "first_date": str(report.first_date),
            "last_date": str(report.last_date),
            "report": markdown_table(files),
        }
    )


file_load_job = dg.define_asset_job(
    "file_load_job",
    selection=dg.AssetSelection.assets(landing_files),
    description="Load the landing folder into raw.* (the daily refresh then updates the marts).",
)


def folder_fingerprint(folder: Path) -> str:
    """Changes whenever a data file in the folder is added, removed, resized or rewritten."""
    if not folder.is_dir():
        return ""
    entries = sorted(
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in folder.iterdir()
        if p.suffix in {".csv", ".parquet"}
    )
    return sha256("\n".join(entries).encode()).hexdigest() if entries else ""


@dg.sensor(job=file_load_job, minimum_interval_seconds=60)
def landing_folder_sensor(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Load the landing folder when its files change (once per distinct set of files)."""
    fingerprint = folder_fingerprint(get_settings().resolved_landing_dir)
    if not fingerprint or fingerprint == context.cursor:
        return dg.SkipReason("no new files in the landing folder")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
