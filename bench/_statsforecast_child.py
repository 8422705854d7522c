"""Child of `bench/statsforecast_reference.py`: times statsforecast's `cross_validation`.

Runs inside the isolated statsforecast virtual environment (its own pandas < 3), never in
the project's: it imports nothing from `forecastlab`. It reads the panel CSV written by the
parent, warms up on a tiny panel (first-call costs such as lazy imports and any JIT
compilation are not timed; statsforecast 2.x has no numba dependency, its kernels are
coreforecast/C++), times
`StatsForecast(...).cross_validation` `--repeats` times on the panel, writes the forecasts of
the last run to `--out` (CSV) and the timings and versions to `--report` (JSON).

Usage (by the parent): <venv>/bin/python bench/_statsforecast_child.py --panel P.csv
       --out F.csv --report R.json --horizon 28 --folds 5 [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from importlib.metadata import version
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import Naive, SeasonalNaive, WindowAverage  # noqa: E402

SEASON = 7
WINDOW = 7


def make_forecaster() -> StatsForecast:
    """The three baselines compared with forecastlab's naive, seasonal_naive, moving_average."""
    return StatsForecast(
        models=[Naive(), SeasonalNaive(season_length=SEASON), WindowAverage(window_size=WINDOW)],
        freq="D",
        n_jobs=1,
    )


def cross_validate(df: pd.DataFrame, horizon: int, folds: int) -> pd.DataFrame:
    """statsforecast's rolling-origin CV: `folds` windows of `horizon`, stepping by `horizon`."""
    return make_forecaster().cross_validation(df=df, h=horizon, n_windows=folds, step_size=horizon)


def warm_up(horizon: int, folds: int) -> float:
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
    cross_validate(tiny, horizon, folds)
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
    args = parser.parse_args()

    panel = pd.read_csv(
        args.panel, parse_dates=["ds"], dtype={"unique_id": str}, float_precision="round_trip"
    )
    warm_up_s = warm_up(args.horizon, args.folds)
    print(f"[statsforecast] warm-up on a tiny panel: {warm_up_s:.2f} s (not timed)")
    timings: list[float] = []
    cv = pd.DataFrame()
    for run in range(args.repeats):
        started = time.perf_counter()
        cv = cross_validate(panel, args.horizon, args.folds)
        timings.append(time.perf_counter() - started)
        print(f"[statsforecast] cross_validation run {run + 1}: {timings[-1]:.2f} s")
    cv = cv.reset_index() if "unique_id" not in cv.columns else cv
    cv.to_csv(args.out, index=False)
    report = {
        "timings_s": timings,
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
