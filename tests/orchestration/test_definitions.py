"""The code location loads hermetically and its graph matches the reviewed snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from forecastlab.settings import PROJECT_ROOT
from tests.orchestration.graph_snapshot import graph_snapshot

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def test_definitions_load_without_database_or_secrets() -> None:
    # A clean environment: no DATABASE_URL, no DAGSTER_HOME, nothing running. Loading must not
    # touch the database (resources resolve their settings only when a run uses them).
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SSL_CERT_FILE"}}
    env["FORECASTLAB_HOME"] = "/nonexistent/forecastlab-home"
    code = (
        "from orchestration.definitions import defs; "
        "g = defs.resolve_asset_graph(); print(len(list(g.get_all_asset_keys())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip().splitlines()[-1]) > 10


def test_asset_graph_matches_snapshot(defs) -> None:
    current = graph_snapshot(defs)
    rendered = json.dumps(current, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" and not os.environ.get("CI"):
        SNAPSHOT.write_text(rendered)
    assert SNAPSHOT.exists(), (
        f"no snapshot at {SNAPSHOT}; review the graph and run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    )
    expected = json.loads(SNAPSHOT.read_text())
    assert current == expected, (
        "the asset graph changed; if intended, review and run "
        f"UPDATE_SNAPSHOTS=1 pytest {__file__} (never in CI)"
    )


def test_graph_shape_essentials(defs) -> None:
    snap = graph_snapshot(defs)
    features = snap["assets"]["marts/fct_sales_features"]
    assert features["partitioned"]
    assert "raw/sales_daily" in {d for a in snap["assets"].values() for d in a["deps"]}
    assert snap["jobs"]["daily_refresh_job"]["partitioned"]
    assert "marts/fct_sales_features" in snap["jobs"]["daily_refresh_job"]["assets"]
    assert snap["schedules"]["daily_refresh_schedule"]["job"] == "daily_refresh_job"
    # dbt tests arrive as asset checks
    assert any(c.startswith("marts/fct_sales_features:") for c in snap["asset_checks"])


def test_dagster_validates_the_workspace() -> None:
    # What `dagster definitions validate` checks beyond loading (e.g. partition mappings).
    out = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env={**os.environ, "CI": ""},
    )  # fmt: skip
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    assert "All code locations passed validation" in out.stdout + out.stderr
