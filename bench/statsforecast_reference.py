"""Benchmark: `backtest_baselines` against statsforecast's `cross_validation`, same panel.

statsforecast 2.1.1 needs pandas < 3, so it cannot live in the project's environment (pandas
3.1) and is not a project dependency. This script keeps it in an isolated virtual environment
under `bench/.work/statsforecast-venv` (created once with uv if `.tools/uv/bin/uv` exists, else
`python3.11 -m venv` + pip; reused afterwards) and runs it there as a subprocess
(`bench/_statsforecast_child.py`).

One synthetic panel (default 2,000 series x 730 days of positive weekly-seasonal demand with
multiplicative noise) is written to `bench/.work/` as CSV and read by both sides. Compared:
naive / Naive(), seasonal_naive(7) / SeasonalNaive(7), moving_average(7) / WindowAverage(7).
statsforecast's `cross_validation(h=H, n_windows=F, step_size=H)` puts its last window at the
series end; for series of equal length N the §7.2 expanding splitter gives the same cutoffs
with `min_train_size = N - F*H` (then step = H); the cutoffs are checked, not assumed.
Both sides run single-threaded (OMP/OPENBLAS/MKL/NUMBA_NUM_THREADS=1, statsforecast n_jobs=1);
statsforecast's first call is warmed up on a tiny panel and not timed (2.x has no numba; its
kernels are coreforecast's); each side is timed `--repeats` times and the best run counts.
The forecasts must agree within 1e-9 on (unique_id, ds, cutoff), else the exit code is 1.

Usage: .venv/bin/python bench/statsforecast_reference.py [--series 2000 --days 730
       --folds 5 --horizon 28 --repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
for _name in THREAD_VARS:
    os.environ[_name] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from forecastlab.backtest import SplitConfig, backtest_baselines  # noqa: E402
from forecastlab.models import parse_model_config  # noqa: E402

WORK = REPO / "bench" / ".work"
VENV = WORK / "statsforecast-venv"
VENV_PYTHON = VENV / "bin" / "python"
UV = REPO / ".tools" / "uv" / "bin" / "uv"
CHILD = REPO / "bench" / "_statsforecast_child.py"
STATSFORECAST = "statsforecast==2.1.1"
TOLERANCE = 1e-9

# forecastlab model config -> the statsforecast column holding the same forecast.
PAIRS: dict[str, tuple[dict[str, object], str]] = {
    "naive": ({"model_type": "naive"}, "Naive"),
    "seasonal_naive": ({"model_type": "seasonal_naive", "season_length": 7}, "SeasonalNaive"),
    "moving_average": ({"model_type": "moving_average", "window_size": 7}, "WindowAverage"),
}


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command, echoing it; raise on a non-zero exit."""
    print("  $ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, env=env)


def venv_ready() -> bool:
    """Whether the isolated venv exists and imports the pinned statsforecast."""
    if not VENV_PYTHON.exists():
        return False
    probe = "import statsforecast, sys; sys.exit(statsforecast.__version__ != '2.1.1')"
    return subprocess.run([str(VENV_PYTHON), "-c", probe], capture_output=True).returncode == 0


def ensure_venv() -> None:
    """Create the statsforecast venv once (uv if available, else venv + pip), then reuse it."""
    if venv_ready():
        print(f"[setup] reusing {VENV.relative_to(REPO)} ({STATSFORECAST} importable)")
        return
    print(f"[setup] creating {VENV.relative_to(REPO)} with {STATSFORECAST}", flush=True)
    if VENV.exists():
        shutil.rmtree(VENV)
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if UV.exists():
        env = os.environ | {"UV_PYTHON_DOWNLOADS": "never"}
        run([str(UV), "venv", "--python", "3.11", str(VENV)], env=env)
        run([str(UV), "pip", "install", "--python", str(VENV_PYTHON), STATSFORECAST], env=env)
    else:
        print(f"[setup] {UV.relative_to(REPO)} not found: python3.11 -m venv + pip")
        python = shutil.which("python3.11") or sys.executable
        run([python, "-m", "venv", str(VENV)])
        run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", STATSFORECAST])
    if not venv_ready():
        raise SystemExit(f"[setup] {STATSFORECAST} is not importable in {VENV}")
    print(f"[setup] done in {time.perf_counter() - started:.0f} s", flush=True)


def make_panel(n_series: int, days: int, seed: int = 42) -> pd.DataFrame:
    """A long `unique_id, ds, y` frame: level x weekly profile x lognormal noise, all > 0."""
    rng = np.random.default_rng(seed)
    level = rng.gamma(2.0, 5.0, n_series)[:, None] + 1.0
    weekly = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 7)
    y = level * weekly * rng.lognormal(0.0, 0.25, (n_series, days))
    width = len(str(n_series - 1))
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{i:0{width}d}" for i in range(n_series)], days),
            "ds": np.tile(pd.date_range("2023-01-01", periods=days).to_numpy(), n_series),
            "y": y.ravel(),
        }
    )


def read_panel(path: Path) -> pd.DataFrame:
    """Read the panel CSV; pandas 3 parses floats round-trip exactly by default."""
    return pd.read_csv(path, parse_dates=["ds"], dtype={"unique_id": str})


def ours(panel: pd.DataFrame, split: SplitConfig, repeats: int) -> tuple[list[float], pd.DataFrame]:
    """Time `backtest_baselines` `repeats` times; returns the timings and the last cv frame."""
    models = [parse_model_config(config) for config, _ in PAIRS.values()]
    timings: list[float] = []
    cv = pd.DataFrame()
    for attempt in range(repeats):
        started = time.perf_counter()
        cv = backtest_baselines(panel, split, models)
        timings.append(time.perf_counter() - started)
        print(f"[forecastlab] backtest_baselines run {attempt + 1}: {timings[-1]:.3f} s")
    return timings, cv


def theirs(
    panel_path: Path, horizon: int, folds: int, repeats: int
) -> tuple[dict[str, object], pd.DataFrame]:
    """Run the child in the statsforecast venv; returns its report and its cv frame."""
    out, report = WORK / "statsforecast_cv.csv", WORK / "statsforecast_report.json"
    command = [str(VENV_PYTHON), str(CHILD), "--panel", str(panel_path), "--out", str(out)]
    command += ["--report", str(report), "--horizon", str(horizon), "--folds", str(folds)]
    command += ["--repeats", str(repeats)]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(command, env=env)
    cv = pd.read_csv(out, parse_dates=["ds", "cutoff"], dtype={"unique_id": str})
    return json.loads(report.read_text()), cv


def compare(ours_cv: pd.DataFrame, sf_cv: pd.DataFrame) -> dict[str, float]:
    """Check cutoffs and rows match, then the max |difference| per model pair (and y)."""
    our_cutoffs = ours_cv[["unique_id", "cutoff"]].drop_duplicates()
    sf_cutoffs = sf_cv[["unique_id", "cutoff"]].drop_duplicates()
    keys = ["unique_id", "cutoff"]
    same_cutoffs = (
        our_cutoffs.sort_values(keys)
        .reset_index(drop=True)
        .equals(sf_cutoffs.sort_values(keys).reset_index(drop=True))
    )
    first = sf_cutoffs.loc[sf_cutoffs["unique_id"] == sf_cutoffs["unique_id"].iloc[0], "cutoff"]
    print(f"[check] cutoffs of the first series: {[str(c.date()) for c in sorted(first)]}")
    if not same_cutoffs:
        raise SystemExit("[check] FAILED: the fold cutoffs differ between the two engines")
    merged = ours_cv.merge(sf_cv, on=["unique_id", "ds", "cutoff"], suffixes=("", "_sf"))
    if not len(merged) == len(ours_cv) == len(sf_cv):
        raise SystemExit(
            f"[check] FAILED: rows ours {len(ours_cv):,}, statsforecast {len(sf_cv):,}, "
            f"matched {len(merged):,}"
        )
    print(f"[check] cutoffs identical; {len(merged):,} rows matched on (unique_id, ds, cutoff)")
    diffs = {"y": float(np.abs(merged["y"] - merged["y_sf"]).max())}
    for ours_name, (_, sf_name) in PAIRS.items():
        diffs[f"{ours_name} vs {sf_name}"] = float(
            np.abs(merged[ours_name] - merged[sf_name]).max()
        )
    return diffs


def main() -> None:
    """Set up the venv, write the panel, time both engines, check agreement, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    ensure_venv()
    # statsforecast's windows end at the series end: the first test window starts at
    # N - F*H, which is §7.2's min_train_size; step = (N - min - H) div (F - 1) = H.
    split = SplitConfig(
        strategy="expanding",
        n_splits=args.folds,
        min_train_size=args.days - args.folds * args.horizon,
        gap=0,
        horizon=args.horizon,
    )
    panel_path = WORK / f"panel_{args.series}x{args.days}.csv"
    WORK.mkdir(parents=True, exist_ok=True)
    generated = make_panel(args.series, args.days)
    generated.to_csv(panel_path, index=False)
    panel = read_panel(panel_path)
    if not np.array_equal(panel["y"].to_numpy(), generated["y"].to_numpy()):
        raise SystemExit("[panel] FAILED: the CSV does not round-trip y exactly")
    print(
        f"[panel] {args.series:,} series x {args.days} days = {len(panel):,} rows -> "
        f"{panel_path.relative_to(REPO)}; split {split.model_dump()}"
    )
    print(f"[threads] {', '.join(f'{name}=1' for name in THREAD_VARS)}; statsforecast n_jobs=1")

    our_times, our_cv = ours(panel, split, args.repeats)
    report, sf_cv = theirs(panel_path, args.horizon, args.folds, args.repeats)
    diffs = compare(our_cv, sf_cv)

    model_folds = args.series * args.folds * len(PAIRS)
    our_rate = model_folds / min(our_times)
    sf_times = [float(t) for t in report["timings_s"]]  # type: ignore[union-attr]
    sf_rate = model_folds / min(sf_times)
    print(f"statsforecast env: {report['versions']}")
    print(f"model-folds: {args.series:,} series x {args.folds} folds x {len(PAIRS)} models")
    print(f"  forecastlab   best {min(our_times):.3f} s = {our_rate:,.0f} model-folds/s")
    print(f"  statsforecast best {min(sf_times):.3f} s = {sf_rate:,.0f} model-folds/s")
    print(f"  ratio ours / statsforecast: {our_rate / sf_rate:.1f}x")
    for name, value in diffs.items():
        print(f"  max |diff| {name}: {value:.3g}")
    if any(not value <= TOLERANCE for value in diffs.values()):
        print(f"[check] FAILED: forecasts differ by more than {TOLERANCE:g}")
        raise SystemExit(1)
    print(f"[check] OK: all forecasts agree within {TOLERANCE:g}")


if __name__ == "__main__":
    main()
