"""Benchmark: a retailer-sized history through load -> features -> backtests -> global model.

Stages (each in its own child process, so its wall time and peak RSS are its own; PostgreSQL's
memory is not included — it is a separate server):

  export    seed the Forge into a scratch database and export raw.* as CSV files (the
            "retailer's export"; not timed as part of the pipeline)
  load      `forecastlab.loader.load_folder` into an empty database (validate, then upsert)
  features  `dbt build` (staging, dimensions, fct_sales_daily, fct_sales_features)
  backtests series backtests over every hash shard (baselines for all series, feature
            models for a 50-series sample)
  global    global LightGBM + HGB backtests, then one global LightGBM fit on everything

Resumable: finished stages are recorded in <work dir>/state.json (bench/.work/byod) and
skipped on the next run (`--fresh` starts over). Default size: 50 stores x 100 products x
1,800 days (5,000 series, about 8.8M sales rows). CI runs it tiny (tests/bench).

Usage: .venv/bin/python bench/byod_scale.py [--stores 50 --products 100 --days 1800] [--fresh]
       [--write-readme]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from forecastlab.db.endpoints import Endpoints as EndpointsType

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.readme import write_section  # noqa: E402

DEFAULT_WORK = REPO / "bench" / ".work" / "byod"
SECTION = "## Bring your own data at scale"
STAGES = ("export", "load", "features", "backtests", "global")
END_DATE = date(2025, 6, 30)


def _server_url(work: Path) -> str:
    """The benchmark's own embedded PostgreSQL (started once, reused by every stage)."""
    from forecastlab.db import embedded

    return embedded.start(work / "pg")


def _endpoints(work: Path, name: str) -> EndpointsType:
    from sqlalchemy.engine import make_url

    from forecastlab.db.endpoints import Endpoints
    from forecastlab.db.engine import ensure_databases
    from forecastlab.db.migrate import upgrade

    base = make_url(_server_url(work))
    eps = Endpoints(
        app=base.set(database=f"{name}_app"),
        dagster=base.set(database=f"{name}_dagster"),
        mlflow=base.set(database=f"{name}_mlflow"),
        embedded=True,
    )
    ensure_databases(eps)
    upgrade(eps)
    return eps


def _engine(work: Path, name: str) -> Engine:
    from forecastlab.db.engine import engine_for

    return engine_for(_endpoints(work, name).app_sqlalchemy)


def stage_export(args: argparse.Namespace) -> dict[str, Any]:
    from forecastlab.loader import export_raw
    from forecastlab.seeder import build_config, generate

    engine = _engine(args.work_dir, "byod_source")
    start = END_DATE - timedelta(days=args.days - 1)
    config = build_config(
        "retail_standard",
        seed=42,
        stores=args.stores,
        products=args.products,
        start_date=start,
        end_date=END_DATE,
    )
    result = generate(engine, config)
    files = args.work_dir / "files"
    if files.exists():
        shutil.rmtree(files)
    export_raw(engine, files)
    return {"sales_rows": result.records_created["sales"], "files_mb": _folder_mb(files)}


def stage_load(args: argparse.Namespace) -> dict[str, Any]:
    from forecastlab.loader import load_folder

    report = load_folder(_engine(args.work_dir, "byod"), args.work_dir / "files")
    sales = report.for_table("raw.sales_daily")
    return {
        "sales_rows_inserted": sum(f.inserted for f in sales),
        "rows_read": sum(f.rows_read for f in report.files),
    }


def stage_features(args: argparse.Namespace) -> dict[str, Any]:
    from forecastlab.warehouse import run_dbt

    run_dbt(["build"], _endpoints(args.work_dir, "byod"), target_path=args.work_dir / "dbt")
    return {}


def stage_backtests(args: argparse.Namespace) -> dict[str, Any]:
    from forecastlab.training import backtests
    from forecastlab.training.config import TrainingConfig
    from forecastlab.training.shards import DEFAULT_SHARDS, shard_keys

    engine, config = _engine(args.work_dir, "byod"), TrainingConfig(global_models=())
    series = 0
    for shard in shard_keys():
        series += backtests.series_backtests(engine, shard, DEFAULT_SHARDS, config).series
    return {"series": series}


def stage_global(args: argparse.Namespace) -> dict[str, Any]:
    from forecastlab.models.global_model import GlobalForecaster, load_feature_panel
    from forecastlab.training import backtests
    from forecastlab.training.config import TrainingConfig

    engine = _engine(args.work_dir, "byod")
    summary = backtests.global_backtests(engine, TrainingConfig())
    started = time.perf_counter()
    panel = load_feature_panel(engine)
    GlobalForecaster("lightgbm").fit(panel)
    return {"series": summary.series, "final_fit_s": round(time.perf_counter() - started, 1)}


def _folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def _run_stage_child(stage: str, argv: list[str]) -> dict[str, Any]:
    """Run one stage in a child process (which reports its own peak RSS); add the wall time."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--stage", stage, *argv], stdout=subprocess.PIPE, text=True
    )
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed (exit {proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the pipeline stages that are not done yet and print (or record) the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--days", type=int, default=1800)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--stop-server", action="store_true", help="stop its PostgreSQL at the end")
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = ["--stores", str(args.stores), "--products", str(args.products)]
    size += ["--days", str(args.days)]
    work: Path = args.work_dir
    state_file = work / "state.json"

    if args.stage:  # child: do the work, report peak RSS, print one JSON line
        result = globals()[f"stage_{args.stage}"](args)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(result, default=str))
        return

    if args.fresh and work.exists():
        from forecastlab.db import embedded

        embedded.stop(work / "pg")
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    state = (
        json.loads(state_file.read_text()) if state_file.exists() else {"size": size, "stages": {}}
    )
    if state["size"] != size:
        raise SystemExit(f"{work} holds size {state['size']}; rerun with --fresh")
    for stage in STAGES:
        if stage in state["stages"]:
            print(f"{stage:<10} done earlier: {state['stages'][stage]}")
            continue
        print(f"{stage:<10} running ...", flush=True)
        state["stages"][stage] = _run_stage_child(stage, [*size, "--work-dir", str(work)])
        state_file.write_text(json.dumps(state, indent=2))
        print(f"{stage:<10} {state['stages'][stage]}", flush=True)
    if args.write_readme:
        _write_readme(state, args)
    if args.stop_server:
        from forecastlab.db import embedded

        embedded.stop(work / "pg")


def _write_readme(state: dict[str, Any], args: argparse.Namespace) -> None:
    rows = "\n".join(
        f"| {stage} | {r['wall_s']} | {r['peak_rss_mb']} | "
        + ", ".join(
            f"{k}={v}" for k, v in r.items() if k not in {"wall_s", "peak_rss_mb", "report"}
        )
        + " |"
        for stage, r in state["stages"].items()
    )
    section = (
        f"{SECTION}\n\n`bench/byod_scale.py` — {args.stores} stores x {args.products} products x "
        f"{args.days} days ({args.stores * args.products:,} series) on 2 cores, one embedded "
        "PostgreSQL 18. Each stage runs in its own process; peak RSS is that process's (the "
        "database server's memory is not included).\n\n| stage | wall s | peak RSS MB | notes |\n"
        f"|---|---|---|---|\n{rows}\n"
    )
    write_section(section)


if __name__ == "__main__":
    main()
