"""A first load's speed: `forecastlab load` into empty raw tables, keys deferred vs in place.

1. Seeds The Forge's `grocery_intermittent` preset (default 40 stores x 200 products x 730
   days, about 5.4M sales rows with their zero days) into a scratch database and exports
   stores, products, calendar and sales as CSV: a real retailer's folder has no inventory,
   prices or promotions files (not timed).
2. Loads the folder into two fresh, empty, migrated databases on the same server, in this
   order: with the raw fact tables' keys and secondary indexes in place during the write
   (the path before deferral, the reference), then with them built once after the rows (the
   default of a first load). Each load runs `load_folder` as the CLI does.
3. Loads the same folder again into the second database: a re-load upserts into populated
   tables with every key in place and must change nothing.

Prints (and with --write-readme records) the "## First load" section of bench/README.md:
the seconds of each stage (read + stage, validate, write), sales rows per second, and the
ratio of the two first loads. Both loads must write identical raw tables (checked by hash).

    nice -n 10 .venv/bin/python bench/load_speed.py [--stores 40 --products 200 --days 730]
        [--write-readme]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.readme import write_section
from bench.window import END, add_window_arguments, window_config

SECTION = "## First load"
PRESET = "grocery_intermittent"
KEPT = ("stores", "products", "calendar", "sales")


def timed_load(engine: Any, folder: Path, *, defer: bool) -> dict[str, Any]:
    """One `load_folder` with per-stage seconds (from its progress callback)."""
    from forecastlab.loader import load_folder

    stages: dict[str, float] = defaultdict(float)
    marks = {"stage": "read + stage", "last": time.perf_counter()}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages[marks["stage"]] += now - marks["last"]  # type: ignore[operator]
        marks["last"] = now
        marks["stage"] = "read + stage" if stage.startswith("read") else stage

    started = time.perf_counter()
    report = load_folder(engine, folder, progress=progress, defer_keys_when_empty=defer)
    total = time.perf_counter() - started
    stages[marks["stage"]] += time.perf_counter() - marks["last"]  # type: ignore[operator]
    sales = next(f for f in report.files if f.table == "raw.sales_daily")
    return {
        "total": total,
        "stages": dict(stages),
        "sales_rows": sales.inserted + sales.updated,
        "unchanged": all(f.inserted + f.updated + f.deleted == 0 for f in report.files),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_window_arguments(parser, stores=40, products=200)
    args = parser.parse_args()

    from forecastlab.db.engine import engine_for
    from forecastlab.loader import export_raw
    from forecastlab.seeder import generate, table_hashes
    from tests.support.pg import test_server

    os.environ.pop("DATABASE_URL", None)  # a fresh embedded server in a short /tmp path
    folder = Path(tempfile.mkdtemp(prefix="flbench-load-"))
    try:
        with test_server() as server:
            source = engine_for(server.new_endpoints("loadsrc").app_sqlalchemy)
            generate(source, window_config(PRESET, args))
            export_raw(source, folder)
            for extra in [f for f in folder.iterdir() if f.stem not in KEPT]:
                extra.unlink()
            source.dispose()
            size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
            print(f"[load] folder: {sorted(f.name for f in folder.iterdir())}, {size_mb:.0f} MB")

            runs = {}
            engines = {}
            for label, defer in (("keys in place", False), ("keys deferred", True)):
                engines[label] = engine_for(server.new_endpoints("load").app_sqlalchemy)
                runs[label] = timed_load(engines[label], folder, defer=defer)
                print(f"[load] {label}: {runs[label]}", flush=True)
            reload = timed_load(engines["keys deferred"], folder, defer=True)
            print(f"[load] re-load: {reload}", flush=True)
            same = table_hashes(engines["keys in place"]) == table_hashes(engines["keys deferred"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section = render(args, size_mb, runs, reload, same)
    print(section)
    if args.write_readme:
        write_section(section)


def render(
    args: argparse.Namespace,
    size_mb: float,
    runs: dict[str, dict[str, Any]],
    reload: dict[str, Any],
    same: bool,
) -> str:
    """The README section of one run."""
    rows = []
    for label, run in [*runs.items(), ("re-load (populated, unchanged)", reload)]:
        stages = run["stages"]
        rate = run["sales_rows"] / run["total"] if run["sales_rows"] else 0
        rows.append(
            f"| {label} | {stages.get('read + stage', 0):.1f} | {stages.get('validate', 0):.1f} "
            f"| {stages.get('write raw.*', 0):.1f} | {run['total']:.1f} | "
            + (f"{rate:,.0f}" if rate else "-")
            + " |"
        )
    reference, deferred = runs["keys in place"], runs["keys deferred"]
    sales = deferred["sales_rows"]
    speedup = reference["total"] / deferred["total"]
    staged = deferred["stages"].get("read + stage", 0) or float("nan")
    verdict = "is met" if sales / deferred["total"] >= 100_000 else "is **not met**"
    return f"""{SECTION}

`bench/load_speed.py` — The Forge's `{PRESET}` preset, {args.stores} stores x {args.products}
products x {args.days} days ending {END} (seed {args.seed}), exported as a retailer's folder
with only stores, products, calendar and sales ({size_mb:.0f} MB of CSV): **{sales:,} sales
rows**. Each first load goes into a fresh, empty, migrated database on the same embedded
PostgreSQL 18, one after the other in the same run; 2 vCPU, measured {date.today()}.

    nice -n 10 .venv/bin/python bench/load_speed.py --write-readme

| load | read + stage s | validate s | write raw.* s | total s | sales rows/s |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

* Deferring the fact tables' keys and indexes to one build after the rows: **{speedup:.2f}x**
  the reference's speed ({sales / deferred["total"]:,.0f} vs
  {reference["sales_rows"] / reference["total"]:,.0f} sales rows/s end to end).
* The goal of 100,000 rows/s {verdict}: reading and staging the CSV alone (pandas chunks,
  checked in Python, then COPY) runs at {sales / staged:,.0f} rows/s, and the write (the
  upsert's INSERT, one build of each key and index, the derived price windows) takes
  {deferred["stages"].get("write raw.*", 0):.0f} s. Faster needs the staging itself to change
  (COPY the text straight into PostgreSQL and check it there).
* Both first loads wrote identical raw tables (table hashes equal: {same}); the re-load into
  the populated database changed nothing ({reload["unchanged"]}), with every key in place.
"""


if __name__ == "__main__":
    main()
