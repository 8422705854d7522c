"""Child of `bench/accuracy.py`: one library's forecasts of the held-out fold, in its own venv.

Runs inside an isolated virtual environment (statsforecast or mlforecast, each with its own
pandas < 3), never in the project's: it imports nothing from `forecastlab`. It reads the
training rows the parent wrote (`unique_id, ds, y`; each series already cut at its held-out
cutoff, so the test days are not in the file; `y` as float64: integer targets would make
statsforecast compute in float32), forecasts `--horizon` days after each series' last row, and
writes the forecasts (`unique_id, ds, <one column per model>`) to `--out` (CSV) and the
timings and versions to `--report` (JSON). Scoring happens in the parent.

* `--library statsforecast`: CrostonClassic, CrostonSBA, CrostonOptimized, TSB(0.1, 0.1),
  ADIDA, IMAPA, WindowAverage(7/14/28/56), SeasonalNaive(7); one `StatsForecast(...).forecast`
  per model (n_jobs=1) so each is timed alone, after an untimed warm-up on a tiny panel.
* `--library mlforecast`: `LGBMRegressor` with its default hyper-parameters (`n_jobs=1`,
  `random_state=0`, `verbosity=-1` are the only arguments) in two feature set-ups: the README
  quick-start's (lags 7 and 14, expanding mean of lag 1, 28-day rolling mean of lag 7, day of
  week, first differences of the target) and plain lags 7/14/28 + day of week; recursive
  `predict(h)`, as mlforecast does by default.

Usage (by the parent): <venv>/bin/python bench/_accuracy_child.py --library statsforecast
       --train T.csv --out F.csv --report R.json --horizon 28
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

SEASON = 7
WINDOWS = (7, 14, 28, 56)
TSB_ALPHA = 0.1


def statsforecast_models() -> dict[str, Any]:
    """The statsforecast models compared, by output column name."""
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        CrostonClassic,
        CrostonOptimized,
        CrostonSBA,
        SeasonalNaive,
        WindowAverage,
    )

    models: dict[str, Any] = {
        "CrostonClassic": CrostonClassic(),
        "CrostonSBA": CrostonSBA(),
        "CrostonOptimized": CrostonOptimized(),
        "TSB": TSB(alpha_d=TSB_ALPHA, alpha_p=TSB_ALPHA),
        "ADIDA": ADIDA(),
        "IMAPA": IMAPA(),
        **{
            f"WindowAverage({w})": WindowAverage(window_size=w, alias=f"WindowAverage({w})")
            for w in WINDOWS
        },
        "SeasonalNaive(7)": SeasonalNaive(season_length=SEASON, alias="SeasonalNaive(7)"),
    }
    return models


def _statsforecast_one(model: Any, train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    from statsforecast import StatsForecast

    out = StatsForecast(models=[model], freq="D", n_jobs=1).forecast(df=train, h=horizon)
    return out.reset_index() if "unique_id" not in out.columns else out


def run_statsforecast(train: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every model's forecasts (one call each, timed) and the timings."""
    days = 4 * max(WINDOWS)
    tiny = pd.DataFrame(
        {
            "unique_id": np.repeat(["w0", "w1"], days),
            "ds": np.tile(pd.date_range("2020-01-01", periods=days).to_numpy(), 2),
            "y": np.tile([0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 1.0], days // 4),
        }
    )
    started = time.perf_counter()
    for model in statsforecast_models().values():
        _statsforecast_one(model, tiny, horizon)
    warm_up_s = time.perf_counter() - started
    print(f"[statsforecast] warm-up on a tiny panel: {warm_up_s:.2f} s (not timed)", flush=True)
    merged: pd.DataFrame | None = None
    timings: dict[str, float] = {}
    for name, model in statsforecast_models().items():
        started = time.perf_counter()
        out = _statsforecast_one(model, train, horizon)
        timings[name] = time.perf_counter() - started
        print(f"[statsforecast] {name}: {timings[name]:.2f} s", flush=True)
        frame = out[["unique_id", "ds", name]]
        merged = frame if merged is None else merged.merge(frame, on=["unique_id", "ds"])
    assert merged is not None
    return merged, {"timings_s": timings, "warm_up_s": warm_up_s}


def mlforecast_setups() -> dict[str, Callable[[], Any]]:
    """The two mlforecast set-ups, by output column name (each a factory of MLForecast)."""
    from lightgbm import LGBMRegressor
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import ExpandingMean, RollingMean
    from mlforecast.target_transforms import Differences

    def regressor() -> Any:
        return LGBMRegressor(n_jobs=1, random_state=0, verbosity=-1)

    def quick_start() -> Any:
        return MLForecast(
            models={"mlforecast LightGBM (README quick-start)": regressor()},
            freq="D",
            lags=[7, 14],
            lag_transforms={1: [ExpandingMean()], 7: [RollingMean(window_size=28)]},
            date_features=["dayofweek"],
            target_transforms=[Differences([1])],
        )

    def plain_lags() -> Any:
        return MLForecast(
            models={"mlforecast LightGBM (lags 7/14/28 + dayofweek)": regressor()},
            freq="D",
            lags=[7, 14, 28],
            date_features=["dayofweek"],
        )

    return {
        "mlforecast LightGBM (README quick-start)": quick_start,
        "mlforecast LightGBM (lags 7/14/28 + dayofweek)": plain_lags,
    }


def run_mlforecast(train: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fit + recursive predict per set-up (fit and predict timed apart)."""
    merged: pd.DataFrame | None = None
    timings: dict[str, float] = {}
    for name, make in mlforecast_setups().items():
        forecaster = make()
        started = time.perf_counter()
        forecaster.fit(train)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        out = forecaster.predict(horizon)
        predict_s = time.perf_counter() - started
        timings[f"{name} fit"] = fit_s
        timings[f"{name} predict"] = predict_s
        print(f"[mlforecast] {name}: fit {fit_s:.1f} s, predict {predict_s:.1f} s", flush=True)
        frame = out[["unique_id", "ds", name]]
        merged = frame if merged is None else merged.merge(frame, on=["unique_id", "ds"])
    assert merged is not None
    return merged, {"timings_s": timings}


def main() -> None:
    """Read the training rows, forecast with one library, write forecasts and the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=("statsforecast", "mlforecast"), required=True)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--horizon", type=int, required=True)
    args = parser.parse_args()

    train = pd.read_csv(args.train, parse_dates=["ds"], dtype={"unique_id": str})
    # Integer targets would make statsforecast compute in float32; the parent's are float64.
    train["y"] = train["y"].astype("float64")
    train = train.sort_values(["unique_id", "ds"], ignore_index=True)
    started = time.perf_counter()
    if args.library == "statsforecast":
        forecasts, report = run_statsforecast(train, args.horizon)
        packages = ("statsforecast", "coreforecast", "pandas", "numpy")
    else:
        forecasts, report = run_mlforecast(train, args.horizon)
        packages = ("mlforecast", "lightgbm", "coreforecast", "pandas", "numpy")
    report["total_s"] = time.perf_counter() - started
    report["rows"] = len(forecasts)
    report["versions"] = {name: version(name) for name in packages}
    forecasts.to_csv(args.out, index=False)
    args.report.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
