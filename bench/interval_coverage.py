"""Benchmark: empirical coverage of the split-conformal prediction intervals on unseen folds.

On a freshly seeded embedded PostgreSQL (retail_standard, default 10 stores x 50 products x 365
days, marts built by dbt) every series is backtested over `--folds` expanding folds (horizon 14,
min_train_size 30) by seasonal naive (the panel engine) and the global LightGBM (one fit per
fold). Each series is calibrated on all its folds but the last, exactly as the pipeline
calibrates (fold errors as ml.backtest_fold_metrics stores them), and the last fold, which the
calibration never saw, is scored: the share of actuals inside [lower, upper] per horizon bucket
and overall, at each `--levels` level, and the mean interval width.

Usage: .venv/bin/python bench/interval_coverage.py [--stores 10 --products 50 --days 365]
       [--folds 6 --levels 0.8 0.9] [--write-readme]  # replace "## Prediction intervals"
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.readme import write_section  # noqa: E402
from bench.window import add_window_arguments, window_config  # noqa: E402
from forecastlab.backtest.panel import backtest_baselines  # noqa: E402
from forecastlab.backtest.splitter import SplitConfig  # noqa: E402
from forecastlab.db.engine import engine_for  # noqa: E402
from forecastlab.features.columns import FEATURE_MART  # noqa: E402
from forecastlab.intervals.coverage import holdout_coverage  # noqa: E402
from forecastlab.models import SeasonalNaiveConfig  # noqa: E402
from forecastlab.models.global_model import backtest_global, load_feature_panel  # noqa: E402
from forecastlab.training.backtests import target_panel  # noqa: E402
from forecastlab.warehouse import run_dbt  # noqa: E402

SECTION = "## Prediction intervals"


def backtests(engine: Any, split: SplitConfig, out: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Cross-validation frames of seasonal naive and the global LightGBM, keyed by model."""
    started = time.perf_counter()
    panel = target_panel(engine)[["unique_id", "ds", "y"]]
    snaive = backtest_baselines(panel, split, [SeasonalNaiveConfig(season_length=7)])
    out["snaive_s"] = time.perf_counter() - started
    started = time.perf_counter()
    lightgbm = backtest_global(load_feature_panel(engine), split, "lightgbm")
    out["lightgbm_s"] = time.perf_counter() - started
    out["series"] = snaive["unique_id"].nunique()
    return {"seasonal_naive": snaive, "global_lightgbm": lightgbm}


def run(args: argparse.Namespace) -> tuple[dict[str, Any], pd.DataFrame]:
    """Seed, build the marts, backtest, then calibrate on folds 0..k-2 and score fold k-1."""
    from forecastlab.seeder import generate
    from tests.support.pg import test_server

    os.environ.pop("DATABASE_URL", None)  # always a fresh embedded server in a short /tmp path
    out: dict[str, Any] = vars(args).copy()
    split = SplitConfig(n_splits=args.folds, min_train_size=30, horizon=14)
    with test_server() as server:
        endpoints = server.new_endpoints("benchintervals")
        engine = engine_for(endpoints.app_sqlalchemy)
        config = window_config("retail_standard", args)
        generate(engine, config)
        target = Path(tempfile.mkdtemp(prefix="flbench-target-"))
        run_dbt(["run", "-s", f"+{FEATURE_MART}"], endpoints, target_path=target)
        frames = backtests(engine, split, out)
    print(f"{out['series']} series backtested", flush=True)
    coverage = pd.concat(
        [holdout_coverage(cv, model, args.levels) for model, cv in frames.items()],
        ignore_index=True,
    )
    return out, coverage


def render(r: dict[str, Any], coverage: pd.DataFrame) -> str:
    """The README section for one run."""
    rows = "\n".join(
        f"| {c.model} | {c.level:.0%} | {c.bucket} | {c.points:,} | {c.with_interval:.1%} "
        f"| **{c.coverage:.1%}** | {c.mean_width:.1f} |"
        for c in coverage.itertuples()
    )
    return f"""{SECTION}

`bench/interval_coverage.py` — retail_standard (seed {r["seed"]}), {r["stores"]} stores x
{r["products"]} products x {r["days"]} days, **{r["series"]:,} series**, fresh embedded
PostgreSQL. Every series is backtested over {r["folds"]} expanding folds (horizon 14,
min_train_size 30): seasonal naive with the panel engine ({r["snaive_s"]:.1f} s), the global
LightGBM with one fit per fold ({r["lightgbm_s"]:.1f} s). Each series is calibrated on its folds
0..{r["folds"] - 2} (split conformal per horizon bucket, the pipeline's code path from the
stored fold errors) and scored on fold {r["folds"] - 1}, which the calibration never saw.
`with interval` = share of the scored points that got bounds; `coverage` = share of those whose
actual lies in [lower, upper]; `width` = mean upper - lower (units).
Run: `.venv/bin/python bench/interval_coverage.py --write-readme` (`--stores --products --days
--folds --levels` to vary).

| model | level | bucket | points | with interval | coverage | width |
|---|---|---|---|---|---|---|
{rows}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_window_arguments(parser, stores=10, products=50, days=365)
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--levels", type=float, nargs="+", default=[0.8, 0.9])
    args = parser.parse_args()
    result, coverage = run(args)
    section = render(result, coverage)
    print(section)
    if args.write_readme:
        write_section(section)


if __name__ == "__main__":
    main()
