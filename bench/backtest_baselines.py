"""Benchmark: the vectorised panel backtest of the target-only baselines.

(a) `backtest_baselines` on a panel (default 2,000 series x 730 days, 5 baselines x 5
    folds) in model-folds per second, against the single-series runner (`run_backtest`
    per series and model) on a sample of the same series, in the same run; the
    trend-regression kernel (batched Ridge) is timed on its own;
(b) seasonal naive over 1,000,000 short series (120 days, one fold) with wall time and
    peak memory (tracemalloc peak inside the call; process max RSS).

Usage: .venv/bin/python bench/backtest_baselines.py [--series 2000 --days 730 --sample 40]
       [--big-series 1000000 --big-days 120] [--skip-big]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from forecastlab.backtest import (  # noqa: E402
    BacktestConfig,
    SplitConfig,
    backtest_baselines,
    panel_metrics,
    run_backtest,
)
from forecastlab.models import (  # noqa: E402
    MovingAverageConfig,
    NaiveConfig,
    SeasonalAverageConfig,
    SeasonalNaiveConfig,
    TrendRegressionBaselineConfig,
    WeightedMovingAverageConfig,
)

BASELINES = (
    NaiveConfig(),
    SeasonalNaiveConfig(season_length=7),
    MovingAverageConfig(window_size=7),
    WeightedMovingAverageConfig(window_size=7),
    SeasonalAverageConfig(season_length=7, lookback_cycles=4),
)
SPLIT = SplitConfig(n_splits=5, min_train_size=365, horizon=28)


def make_panel(n_series: int, days: int, seed: int = 42) -> pd.DataFrame:
    """A long `unique_id, ds, y` frame of weekly-seasonal Poisson demand, all series full."""
    rng = np.random.default_rng(seed)
    level = rng.gamma(2.0, 5.0, n_series)[:, None]
    weekly = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 7)
    y = rng.poisson(level * weekly).astype(np.float64)
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n_series), days),
            "ds": np.tile(pd.date_range("2023-01-01", periods=days).to_numpy(), n_series),
            "y": y.ravel(),
        }
    )


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def panel_vs_runner(n_series: int, days: int, sample: int) -> None:
    panel = make_panel(n_series, days)
    elapsed, cv = timed(lambda: backtest_baselines(panel, SPLIT, BASELINES))
    folds = int(cv.groupby("unique_id")["fold"].nunique().sum())
    model_folds = folds * len(BASELINES)
    metrics_s, _ = timed(lambda: panel_metrics(cv))
    panel_rate = model_folds / elapsed
    print(f"panel: {n_series:,} series x {days} days, {len(BASELINES)} models, {folds:,} folds")
    print(f"  backtest_baselines {elapsed:.2f} s = {panel_rate:,.0f} model-folds/s")
    print(f"  panel_metrics      {metrics_s:.2f} s ({len(cv):,} cv rows)")

    trend = [TrendRegressionBaselineConfig()]
    trend_s, _ = timed(lambda: backtest_baselines(panel, SPLIT, trend))
    print(f"  trend_regression_baseline alone {trend_s:.2f} s = {folds / trend_s:,.0f} folds/s")

    ids = np.arange(sample)
    subset = panel[panel["unique_id"].isin(ids)]

    def loop() -> int:
        done = 0
        for _, series in subset.groupby("unique_id"):
            for model in BASELINES:
                config = BacktestConfig(
                    split_config=SPLIT, model_config_main=model, include_baselines=False
                )
                result = run_backtest(series["ds"].to_numpy(), series["y"].to_numpy(), config)
                done += len(result.main_model_results.fold_results)
        return done

    loop_s, loop_folds = timed(loop)
    loop_rate = loop_folds / loop_s
    print(f"runner loop on {sample} series: {loop_s:.2f} s = {loop_rate:,.0f} model-folds/s")
    print(f"speed-up panel / runner: {panel_rate / loop_rate:,.0f}x")

    trend_loop_s, _ = timed(
        lambda: [
            run_backtest(
                s["ds"].to_numpy(),
                s["y"].to_numpy(),
                BacktestConfig(
                    split_config=SPLIT, model_config_main=trend[0], include_baselines=False
                ),
            )
            for _, s in subset.groupby("unique_id")
        ]
    )
    trend_loop_rate = sample * SPLIT.n_splits / trend_loop_s
    print(
        f"trend runner loop: {trend_loop_rate:,.0f} folds/s; "
        f"speed-up {folds / trend_s / trend_loop_rate:,.0f}x"
    )


def seasonal_naive_at_scale(n_series: int, days: int) -> None:
    panel = make_panel(n_series, days, seed=7)
    # n_splits=2 cannot fit two 14-day windows after 100 train rows in 120: reduced to one fold.
    split = SplitConfig(n_splits=2, min_train_size=100, horizon=14)
    tracemalloc.start()
    elapsed, cv = timed(lambda: backtest_baselines(panel, split, [SeasonalNaiveConfig()]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    input_mb = panel.memory_usage(deep=True).sum() / 2**20
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seasonal naive: {n_series:,} series x {days} days ({len(panel):,} rows), 1 fold")
    print(f"  {elapsed:.2f} s = {n_series / elapsed:,.0f} series/s, {len(cv):,} cv rows")
    print(f"  input frame {input_mb:,.0f} MiB; tracemalloc peak in call {peak / 2**20:,.0f} MiB;")
    print(f"  process max RSS {rss_mb:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--big-series", type=int, default=1_000_000)
    parser.add_argument("--big-days", type=int, default=120)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    panel_vs_runner(args.series, args.days, args.sample)
    if not args.skip_big:
        seasonal_naive_at_scale(args.big_series, args.big_days)


if __name__ == "__main__":
    main()
