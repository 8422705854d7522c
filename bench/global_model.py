"""Benchmark: one global LightGBM across all series vs per-series LightGBM.

On a freshly seeded embedded PostgreSQL (retail_standard, default 20 stores x 100 products x
365 days, marts built by dbt) it measures

  (a) training cost: `GlobalForecaster.fit` (design matrix + fit + history tails) against a
      bare `lightgbm.LGBMRegressor.fit` with the same parameters on the same matrix (ratio,
      same run);
  (b) accuracy on the held-out last `--holdout` days (WAPE, observed price/promotion of the
      test days): the global model over all series and over a sample of series, and one
      per-series LightGBM (`make_forecaster(LightGBMConfig())` on V1 frames) per sampled
      series, with its fit cost (feature frames + fit) per series.

Usage: .venv/bin/python bench/global_model.py [--stores 20 --products 100 --days 365]
       [--sample 40 --holdout 14] [--write-readme]  # replace "## Global model" in README.md
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.readme import write_section  # noqa: E402
from forecastlab.db.engine import engine_for  # noqa: E402
from forecastlab.features.columns import FEATURE_MART, TARGET_COLUMN  # noqa: E402
from forecastlab.features.frames import (  # noqa: E402
    baseline_price,
    future_frame,
    historical_frame,
)
from forecastlab.features.horizon import SERIES_KEYS, TARGET_INPUTS  # noqa: E402
from forecastlab.features.series import load_series, observed_exogenous  # noqa: E402
from forecastlab.models import LightGBMConfig, make_forecaster  # noqa: E402
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel  # noqa: E402
from forecastlab.warehouse import run_dbt  # noqa: E402

SECTION = "## Global model"
END_DATE = date(2025, 6, 30)


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """100 x sum|A - F| / sum|A| (spec §7.4)."""
    return float(100 * np.abs(actual - forecast).sum() / np.abs(actual).sum())


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def global_model(panel: pd.DataFrame, cutoff: pd.Timestamp, out: dict[str, Any]) -> pd.DataFrame:
    """(a) fit cost vs bare LightGBM; returns the held-out rows with a `global` forecast."""
    train = panel[panel["date"] <= cutoff]
    model = GlobalForecaster()
    model.make_estimator()  # imports lightgbm outside the timed region
    out["global_fit_s"], _ = _timed(lambda: model.fit(train))
    matrix, target, _ = model.training_matrix(train)
    # The very same hyper-parameters and number of trees, without the early-stopping probe.
    bare = model.make_estimator(n_estimators=model.best_iteration_)
    out["bare_fit_s"], _ = _timed(lambda: bare.fit(matrix, target))
    out["fit_ratio"] = out["global_fit_s"] / out["bare_fit_s"]
    out["train_rows"] = len(train)
    test = panel[panel["date"] > cutoff].copy()
    test["step"] = test.groupby(SERIES_KEYS).cumcount() + 1
    requests = test[[*SERIES_KEYS, "date", "step", *TARGET_INPUTS]]
    out["global_predict_s"], test["global"] = _timed(lambda: model.predict_rows(requests))
    out["global_wape_all"] = wape(test[TARGET_COLUMN].to_numpy(float), test["global"].to_numpy())
    return test


def per_series(
    engine: Any,
    test: pd.DataFrame,
    sample: list[tuple[int, int]],
    start: date,
    cutoff: pd.Timestamp,
) -> tuple[float, float, pd.DataFrame]:
    """Per-series LightGBM on V1 frames for each sampled series: (frames s, fit s, forecasts)."""
    frames_s = fit_s = 0.0
    rows = []
    for store_id, product_id in sample:
        started = time.perf_counter()
        series = load_series(engine, store_id, product_id, start, END_DATE)
        n_train = int(np.searchsorted(series.dates, np.datetime64(cutoff.date()), side="right"))
        train = series.take(slice(0, n_train))
        days = series.dates[n_train:]
        baseline = baseline_price(train)
        x_train = historical_frame(train, baseline_price=baseline)
        x_test = future_frame(
            train, days, baseline_price=baseline, exogenous=observed_exogenous(series, days)
        )
        frames_s += time.perf_counter() - started
        started = time.perf_counter()
        model = make_forecaster(LightGBMConfig()).fit(train.quantity, x_train)
        fit_s += time.perf_counter() - started
        rows.append(
            pd.DataFrame(
                {
                    "store_id": store_id,
                    "product_id": product_id,
                    "date": pd.to_datetime(days),
                    "per_series": model.predict(len(days), x_test),
                }
            )
        )
    forecasts = pd.concat(rows, ignore_index=True)
    forecasts["date"] = forecasts["date"].astype(test["date"].dtype)
    return frames_s, fit_s, forecasts


def run(stores: int, products: int, days: int, sample: int, holdout: int, seed: int) -> dict:
    """Seed, build the marts, then measure (a) and (b)."""
    from forecastlab.seeder import build_config, generate
    from tests.support.pg import test_server

    os.environ.pop("DATABASE_URL", None)  # always a fresh embedded server in a short /tmp path
    out: dict[str, Any] = {"stores": stores, "products": products, "days": days, "seed": seed}
    start = END_DATE - timedelta(days=days - 1)
    with test_server() as server:
        endpoints = server.new_endpoints("benchglobal")
        engine = engine_for(endpoints.app_sqlalchemy)
        config = build_config(
            "retail_standard",
            seed=seed,
            stores=stores,
            products=products,
            start_date=start,
            end_date=END_DATE,
            today=END_DATE,
        )
        out["seed_s"], _ = _timed(lambda: generate(engine, config))
        target = Path(tempfile.mkdtemp(prefix="flbench-target-"))
        out["dbt_s"], _ = _timed(
            lambda: run_dbt(["run", "-s", f"+{FEATURE_MART}"], endpoints, target_path=target)
        )
        out["load_panel_s"], panel = _timed(lambda: load_feature_panel(engine))
        out["panel_rows"] = len(panel)
        out["series"] = panel.groupby(SERIES_KEYS).ngroups
        print(f"panel: {len(panel):,} rows, {out['series']} series", flush=True)
        cutoff = pd.Timestamp(END_DATE - timedelta(days=holdout))
        test = global_model(panel, cutoff, out)
        print(
            f"(a) global fit {out['global_fit_s']:.1f}s, bare {out['bare_fit_s']:.1f}s", flush=True
        )
        keys = test[SERIES_KEYS].drop_duplicates().to_numpy()
        chosen = np.random.default_rng(seed).choice(len(keys), min(sample, len(keys)), False)
        picked = [(int(s), int(p)) for s, p in keys[np.sort(chosen)]]
        out["sample"] = len(picked)
        out["per_series_frames_s"], out["per_series_fit_s"], forecasts = per_series(
            engine, test, picked, start, cutoff
        )
        both = test.merge(forecasts, on=[*SERIES_KEYS, "date"])
        actual = both[TARGET_COLUMN].to_numpy(float)
        out["global_wape_sample"] = wape(actual, both["global"].to_numpy())
        out["per_series_wape_sample"] = wape(actual, both["per_series"].to_numpy())
        out["per_series_fit_all_est_s"] = out["per_series_fit_s"] / len(picked) * out["series"]
    return out


def render(r: dict[str, Any]) -> str:
    """The README section for one run."""
    per_fit = r["per_series_fit_s"] / r["sample"]
    per_frames = r["per_series_frames_s"] / r["sample"]
    setup = f"{r['seed_s']:.1f} s / {r['dbt_s']:.1f} s / {r['load_panel_s']:.1f} s"
    per_cost = f"{per_frames:.3f} s / {per_fit:.3f} s"
    fit_all = f"{r['per_series_fit_all_est_s']:.1f} s vs {r['global_fit_s']:.1f} s"
    return f"""{SECTION}

`bench/global_model.py` — retail_standard (seed {r["seed"]}), {r["stores"]} stores x
{r["products"]} products x {r["days"]} days: **{r["panel_rows"]:,} mart rows, {r["series"]:,}
series**, fresh embedded PostgreSQL, 2 cores, LightGBM n_jobs=1 (100 trees, depth 6, lr 0.1 for
both the global and the per-series model). Held out: the last {r["holdout"]} days, forecast
from each series' tail with the observed price/promotion of the test days (no recursion).
Run: `.venv/bin/python bench/global_model.py --write-readme` (`--stores --products --days
--sample --holdout` to scale).

| measure | value |
|---|---|
| seed raw.* / dbt marts / load panel | {setup} |
| (a) `GlobalForecaster.fit` on {r["train_rows"]:,} rows | {r["global_fit_s"]:.2f} s |
| (a) bare `LGBMRegressor.fit`, same matrix and parameters | {r["bare_fit_s"]:.2f} s |
| (a) ratio GlobalForecaster / bare | **{r["fit_ratio"]:.2f}** |
| global predict, every held-out row | {r["global_predict_s"]:.2f} s |
| (b) WAPE global, all {r["series"]:,} series | {r["global_wape_all"]:.1f} % |
| (b) WAPE global, {r["sample"]} sampled series | {r["global_wape_sample"]:.1f} % |
| (b) WAPE per-series LightGBM (V1), same series | {r["per_series_wape_sample"]:.1f} % |
| per-series cost per series: V1 frames (load + build) / fit | {per_cost} |
| per-series fit for all series (extrapolated) vs one global fit | {fit_all} |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--holdout", type=int, default=14)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    result = run(args.stores, args.products, args.days, args.sample, args.holdout, args.seed)
    result["holdout"] = args.holdout
    section = render(result)
    print(section)
    if args.write_readme:
        write_section(section)


if __name__ == "__main__":
    main()
