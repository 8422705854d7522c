"""Child of `bench/statsforecast_reference.py`: times statsforecast's `cross_validation`.

Runs inside the isolated statsforecast virtual environment (its own pandas < 3), never in
the project's: it imports nothing from `forecastlab`. It reads the panel CSV written by the
parent, warms up on a tiny panel (first-call costs such as lazy imports and any JIT
compilation are not timed; statsforecast 2.x has no numba dependency, its kernels are
coreforecast/C++), times
`StatsForecast(...).cross_validation` with the `--models` set `--repeats` times on the panel,
writes the forecasts of the last run to `--out` (CSV) and the timings and versions to
`--report` (JSON). With `--per-model` it also times each model of the set alone.

Usage (by the parent): <venv>/bin/python bench/_statsforecast_child.py --panel P.csv
       --out F.csv --report R.json --horizon 28 --folds 5 [--repeats 3]
       [--models baselines|intermittent] [--per-model]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import (  # noqa: E402
    ADIDA,
    IMAPA,
    TSB,
    CrostonClassic,
    CrostonSBA,
    Naive,
    SeasonalNaive,
    WindowAverage,
)

SEASON = 7
WINDOW = 7

# The model sets the parent compares: the baselines with forecastlab's naive,
# seasonal_naive(7), moving_average(7); the intermittent models with croston (classic, sba),
# tsb(0.1, 0.1), adida, imapa.
MODEL_SETS: dict[str, Callable[[], list[Any]]] = {
    "baselines": lambda: [
        Naive(),
        SeasonalNaive(season_length=SEASON),
        WindowAverage(window_size=WINDOW),
    ],
    "intermittent": lambda: [
        CrostonClassic(),
        CrostonSBA(),
        TSB(alpha_d=0.1, alpha_p=0.1),
        ADIDA(),
        IMAPA(),
    ],
}


def cross_validate(df: pd.DataFrame, horizon: int, folds: int, models: list[Any]) -> pd.DataFrame:
    """statsforecast's rolling-origin CV: `folds` windows of `horizon`, stepping by `horizon`."""
    forecaster = StatsForecast(models=models, freq="D", n_jobs=1)
    return forecaster.cross_validation(df=df, h=horizon, n_windows=folds, step_size=horizon)


def best_of(repeats: int, label: str, run: Callable[[], pd.DataFrame]) -> tuple[list[float], Any]:
    """Run `run` `repeats` times; the timings and the last result."""
    timings: list[float] = []
    result = None
    for attempt in range(repeats):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
        print(f"[statsforecast] {label} run {attempt + 1}: {timings[-1]:.2f} s")
    return timings, result


def warm_up(horizon: int, folds: int, models: list[Any]) -> float:
    """Run the CV once on a tiny panel (first-call costs); returns the seconds, not timed."""
    days = SEASON * 4 + horizon * folds
    tiny = pd.DataFrame(
        {
            "unique_id": np.repeat(["w0", "w1"], days),
            "ds": np.tile(pd.date_range("2020-01-01", periods=days).to_numpy(), 2),
            "y": np.linspace(1.0, 2.0, 2 * days),
        }
    )
    started = time.perf_counter()
    cross_validate(tiny, horizon, folds, models)
    return time.perf_counter() - started


def main() -> None:
    """Read the panel, warm up, time the CV runs, write forecasts and the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--horizon", type=int, required=True)
    parser.add_argument("--folds", type=int, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", choices=sorted(MODEL_SETS), default="baselines")
    parser.add_argument("--per-model", action="store_true", help="also time each model alone")
    args = parser.parse_args()
    make_models = MODEL_SETS[args.models]

    panel = pd.read_csv(
        args.panel, parse_dates=["ds"], dtype={"unique_id": str}, float_precision="round_trip"
    )
    warm_up_s = warm_up(args.horizon, args.folds, make_models())
    print(f"[statsforecast] warm-up on a tiny panel: {warm_up_s:.2f} s (not timed)")
    timings, cv = best_of(
        args.repeats,
        "cross_validation",
        lambda: cross_validate(panel, args.horizon, args.folds, make_models()),
    )
    per_model: dict[str, list[float]] = {}
    if args.per_model:
        for model in make_models():
            per_model[repr(model)], _ = best_of(
                args.repeats,
                f"{model!r} alone",
                lambda model=model: cross_validate(panel, args.horizon, args.folds, [model]),
            )
    cv = cv.reset_index() if "unique_id" not in cv.columns else cv
    cv.to_csv(args.out, index=False)
    report = {
        "timings_s": timings,
        "per_model_s": per_model,
        "warm_up_s": warm_up_s,
        "rows": len(cv),
        "versions": {
            name: version(name) for name in ("statsforecast", "coreforecast", "pandas", "numpy")
        },
        "threads": {name: os.environ[name] for name in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")},
    }
    args.report.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
