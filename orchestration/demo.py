"""`python -m orchestration.demo`: seed -> dbt -> training in Dagster (what `make demo` runs)."""

from __future__ import annotations

import argparse
import time

import dagster as dg

from forecastlab.db.engine import app_engine
from forecastlab.db.stats import date_range
from forecastlab.training.shards import shard_keys
from forecastlab.warehouse.dbt import ensure_manifest


def main(argv: list[str] | None = None) -> None:
    """Seed the preset, write its daily facts, build the dbt marts, then train and forecast."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="retail_standard")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    ensure_manifest()  # the dbt assets read target/manifest.json when definitions load
    from orchestration.definitions import defs
    from orchestration.runs import run_job

    instance = dg.DagsterInstance.get()
    # dagster-postgres opens a new connection per stored event unless told otherwise, and a
    # run over a year of daily partitions stores thousands (one per asset and day): one
    # pooled connection, as the webserver keeps, cuts the demo's Dagster overhead by half.
    # 0 = no statement timeout (the webserver's 15 s is for interactive queries).
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=20)
    forge_config = {"preset": args.preset, "seed": args.seed}

    def step(label: str, job: str, **kwargs: object) -> None:
        started = time.monotonic()
        print(f"-> {label} ...", flush=True)
        result = run_job(defs, job, instance=instance, **kwargs)  # type: ignore[arg-type]
        print(f"   done in {time.monotonic() - started:.1f} s (run {result.run_id})", flush=True)

    step(
        "Forge catalogue",
        "forge_job",
        run_config={"ops": {"forge_catalog": {"config": forge_config}}},
    )
    first, last = date_range(app_engine(), "raw.calendar")
    if first is None or last is None:
        raise SystemExit("the Forge wrote no calendar; nothing to materialize")
    step(f"Forge daily facts {first} .. {last}", "forge_facts_job", partitions=(first, last))
    step("dbt staging + dimensions", "warehouse_job")
    step(f"dbt daily marts {first} .. {last}", "daily_refresh_job", partitions=(first, last))
    shards = shard_keys()
    step("training: backtests, champions, portfolio, forecasts", "training_job",
         partitions=(shards[0], shards[-1]))  # fmt: skip


if __name__ == "__main__":
    main()
