"""Benchmark: `backtest_baselines` against statsforecast's `cross_validation`, same panels.

statsforecast 2.1.1 needs pandas < 3, so it cannot live in the project's environment (pandas
3.1) and is not a project dependency. This script keeps it in an isolated virtual environment
under `bench/.work/statsforecast-venv` (created once with uv if `.tools/uv/bin/uv` exists, else
`python3.11 -m venv` + pip; reused afterwards) and runs it there as a subprocess
(`bench/_statsforecast_child.py`).

Two suites, each one synthetic panel written to `bench/.work/` as CSV and read by both sides:

* `baselines` (default 2,000 series x 730 days of positive weekly-seasonal demand with
  multiplicative noise): naive / Naive(), seasonal_naive(7) / SeasonalNaive(7),
  moving_average(7) / WindowAverage(7); the forecasts must agree within 1e-9.
* `intermittent` (default 500 series x 365 days of zero-heavy negative-binomial counts, a few
  series that never sell): croston / CrostonClassic(), croston(sba) / CrostonSBA(),
  tsb(0.1, 0.1) / TSB(0.1, 0.1), adida / ADIDA(), imapa / IMAPA(); within 1e-6, and each model
  is also timed alone on both sides.

statsforecast's `cross_validation(h=H, n_windows=F, step_size=H)` puts its last window at the
series end; for series of equal length N the §7.2 expanding splitter gives the same cutoffs
with `min_train_size = N - F*H` (then step = H); the cutoffs are checked, not assumed.
Both sides run single-threaded (OMP/OPENBLAS/MKL/NUMBA_NUM_THREADS=1, statsforecast n_jobs=1);
statsforecast's first call is warmed up on a tiny panel and not timed (2.x has no numba; its
kernels are coreforecast's); each side is timed `--repeats` times and the best run counts.
A forecast differing by more than the suite's tolerance on (unique_id, ds, cutoff) makes the
exit code 1.

Usage: .venv/bin/python bench/statsforecast_reference.py [--suite all|baselines|intermittent]
       [--series 2000 --days 730 --intermittent-series 500 --intermittent-days 365
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
from collections.abc import Callable
from dataclasses import dataclass
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

# Our column -> (the forecastlab model config, the statsforecast column of the same forecast).
Pairs = dict[str, tuple[dict[str, object], str]]
PAIRS: Pairs = {
    "naive": ({"model_type": "naive"}, "Naive"),
    "seasonal_naive": ({"model_type": "seasonal_naive", "season_length": 7}, "SeasonalNaive"),
    "moving_average": ({"model_type": "moving_average", "window_size": 7}, "WindowAverage"),
}
INTERMITTENT_PAIRS: Pairs = {
    "croston": ({"model_type": "croston"}, "CrostonClassic"),
    "croston_sba": ({"model_type": "croston", "variant": "sba"}, "CrostonSBA"),
    "tsb": ({"model_type": "tsb", "alpha_d": 0.1, "alpha_p": 0.1}, "TSB"),
    "adida": ({"model_type": "adida"}, "ADIDA"),
    "imapa": ({"model_type": "imapa"}, "IMAPA"),
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
    return _long(level * weekly * rng.lognormal(0.0, 0.25, (n_series, days)))


def make_intermittent_panel(n_series: int, days: int, seed: int = 42) -> pd.DataFrame:
    """A long `unique_id, ds, y` frame of zero-heavy counts: each series sells on a share of
    days drawn from U(0.03, 0.6), a negative-binomial quantity (>= 1) when it does; every
    50th series never sells. y is float, so both sides read float64."""
    rng = np.random.default_rng(seed)
    sells = rng.random((n_series, days)) < rng.uniform(0.03, 0.6, (n_series, 1))
    sells[::50] = False
    y = np.where(sells, 1 + rng.negative_binomial(2, 0.4, (n_series, days)), 0).astype(float)
    return _long(y)


def _long(y: np.ndarray) -> pd.DataFrame:
    """A (series, day) matrix as the long frame both sides read, series s0.., days from 2023."""
    n_series, days = y.shape
    width = len(str(n_series - 1))
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{i:0{width}d}" for i in range(n_series)], days),
            "ds": np.tile(pd.date_range("2023-01-01", periods=days).to_numpy(), n_series),
            "y": y.ravel(),
        }
    )


@dataclass(frozen=True)
class Suite:
    """One comparison: a panel, the model pairs, the child's model set, the tolerance."""

    name: str
    pairs: Pairs
    make_panel: Callable[[int, int], pd.DataFrame]
    tolerance: float
    per_model: bool  # also time each model alone on both sides


SUITES = {
    "baselines": Suite("baselines", PAIRS, make_panel, TOLERANCE, False),
    "intermittent": Suite("intermittent", INTERMITTENT_PAIRS, make_intermittent_panel, 1e-6, True),
}


def read_panel(path: Path) -> pd.DataFrame:
    """Read the panel CSV; pandas 3 parses floats round-trip exactly by default."""
    return pd.read_csv(path, parse_dates=["ds"], dtype={"unique_id": str})


def _best_of(
    repeats: int, label: str, run: Callable[[], pd.DataFrame]
) -> tuple[list[float], pd.DataFrame]:
    """Run `run` `repeats` times; the timings and the last result."""
    timings: list[float] = []
    result = pd.DataFrame()
    for attempt in range(repeats):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
        print(f"[forecastlab] {label} run {attempt + 1}: {timings[-1]:.3f} s")
    return timings, result


def ours(
    panel: pd.DataFrame, split: SplitConfig, suite: Suite, repeats: int
) -> tuple[list[float], dict[str, list[float]], pd.DataFrame]:
    """Time `backtest_baselines` on all of the suite's models `repeats` times (and each alone,
    for a per-model suite); returns the timings, the per-model timings and the cv frame."""
    # Named configurations: our two Croston variants share a model type.
    models = {name: parse_model_config(config) for name, (config, _) in suite.pairs.items()}
    timings, cv = _best_of(
        repeats, "backtest_baselines", lambda: backtest_baselines(panel, split, models)
    )
    per_model: dict[str, list[float]] = {}
    if suite.per_model:
        for name, config in models.items():
            alone = {name: config}
            per_model[name], _ = _best_of(
                repeats,
                f"{name} alone",
                lambda alone=alone: backtest_baselines(panel, split, alone),
            )
    return timings, per_model, cv


def theirs(
    panel_path: Path, horizon: int, folds: int, repeats: int, suite: Suite
) -> tuple[dict[str, object], pd.DataFrame]:
    """Run the child in the statsforecast venv; returns its report and its cv frame."""
    out = WORK / f"statsforecast_cv_{suite.name}.csv"
    report = WORK / f"statsforecast_report_{suite.name}.json"
    command = [str(VENV_PYTHON), str(CHILD), "--panel", str(panel_path), "--out", str(out)]
    command += ["--report", str(report), "--horizon", str(horizon), "--folds", str(folds)]
    command += ["--repeats", str(repeats), "--models", suite.name]
    command += ["--per-model"] if suite.per_model else []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(command, env=env)
    cv = pd.read_csv(out, parse_dates=["ds", "cutoff"], dtype={"unique_id": str})
    return json.loads(report.read_text()), cv


def compare(ours_cv: pd.DataFrame, sf_cv: pd.DataFrame, pairs: Pairs) -> dict[str, float]:
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
    for ours_name, (_, sf_name) in pairs.items():
        diffs[f"{ours_name} vs {sf_name}"] = float(
            np.abs(merged[ours_name] - merged[sf_name]).max()
        )
    return diffs


def run_suite(suite: Suite, n_series: int, days: int, args: argparse.Namespace) -> bool:
    """Write the suite's panel, time both engines, check agreement, report; True when it agrees."""
    print(f"=== suite {suite.name} ===")
    # statsforecast's windows end at the series end: the first test window starts at
    # N - F*H, which is §7.2's min_train_size; step = (N - min - H) div (F - 1) = H.
    split = SplitConfig(
        strategy="expanding",
        n_splits=args.folds,
        min_train_size=days - args.folds * args.horizon,
        gap=0,
        horizon=args.horizon,
    )
    panel_path = WORK / f"panel_{suite.name}_{n_series}x{days}.csv"
    WORK.mkdir(parents=True, exist_ok=True)
    generated = suite.make_panel(n_series, days)
    generated.to_csv(panel_path, index=False)
    panel = read_panel(panel_path)
    if not np.array_equal(panel["y"].to_numpy(), generated["y"].to_numpy()):
        raise SystemExit("[panel] FAILED: the CSV does not round-trip y exactly")
    zero_share = float((panel["y"] == 0).mean())
    print(
        f"[panel] {n_series:,} series x {days} days = {len(panel):,} rows, "
        f"{zero_share:.0%} zeros -> {panel_path.relative_to(REPO)}; split {split.model_dump()}"
    )
    print(f"[threads] {', '.join(f'{name}=1' for name in THREAD_VARS)}; statsforecast n_jobs=1")

    our_times, our_per_model, our_cv = ours(panel, split, suite, args.repeats)
    report, sf_cv = theirs(panel_path, args.horizon, args.folds, args.repeats, suite)
    diffs = compare(our_cv, sf_cv, suite.pairs)

    n_models = len(suite.pairs)
    model_folds = n_series * args.folds * n_models
    sf_times = [float(t) for t in report["timings_s"]]  # type: ignore[union-attr]
    print(f"statsforecast env: {report['versions']}")
    print(f"model-folds: {n_series:,} series x {args.folds} folds x {n_models} models")
    for label, times in (("forecastlab  ", our_times), ("statsforecast", sf_times)):
        rate = model_folds / min(times)
        print(f"  {label} best {min(times):.3f} s = {rate:,.0f} model-folds/s")
    print(f"  ratio ours / statsforecast (speed): {min(sf_times) / min(our_times):.1f}x")
    sf_per_model: dict[str, list[float]] = report["per_model_s"]  # type: ignore[assignment]
    for name, (_, sf_name) in suite.pairs.items() if suite.per_model else ():
        ours_best, sf_best = min(our_per_model[name]), min(sf_per_model[sf_name])
        print(
            f"  alone: {name} {ours_best:.3f} s, {sf_name} {sf_best:.3f} s, "
            f"speed ratio {sf_best / ours_best:.2f}x"
        )
    for name, value in diffs.items():
        print(f"  max |diff| {name}: {value:.3g}")
    if any(not value <= suite.tolerance for value in diffs.values()):
        print(f"[check] FAILED: forecasts differ by more than {suite.tolerance:g}")
        return False
    print(f"[check] OK: all forecasts agree within {suite.tolerance:g}")
    return True


def main() -> None:
    """Set up the venv, then run the chosen suites; exit 1 when one disagrees."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=["all", *SUITES], default="all")
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--intermittent-series", type=int, default=500)
    parser.add_argument("--intermittent-days", type=int, default=365)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    ensure_venv()
    sizes = {
        "baselines": (args.series, args.days),
        "intermittent": (args.intermittent_series, args.intermittent_days),
    }
    chosen = list(SUITES) if args.suite == "all" else [args.suite]
    agreed = [run_suite(SUITES[name], *sizes[name], args) for name in chosen]
    if not all(agreed):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
