"""The scale benchmark's pipeline, run tiny so CI proves every stage still works end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from forecastlab.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "bench" / "byod_scale.py"


def test_every_stage_runs_and_resumes(tmp_path: Path) -> None:
    work = tmp_path / "byod"
    args = [sys.executable, str(SCRIPT), "--stores", "2", "--products", "3", "--days", "150"]
    args += ["--work-dir", str(work)]
    first = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    state = json.loads((work / "state.json").read_text())
    assert list(state["stages"]) == ["export", "load", "features", "backtests", "global"]
    assert state["stages"]["load"]["sales_rows_inserted"] == state["stages"]["export"]["sales_rows"]
    assert all(s["peak_rss_mb"] > 0 and s["wall_s"] >= 0 for s in state["stages"].values())
    # Resumable: a second run finds every stage done and redoes nothing.
    second = subprocess.run([*args, "--stop-server"], capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.count("done earlier") == 5
