"""A real feature-aware model (LightGBM on V1 frames from the warehouse) through MLflow and back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import pandas as pd

from forecastlab.db.endpoints import Endpoints
from forecastlab.features.frames import (
    V1_COLUMNS,
    baseline_price,
    future_frame,
    historical_frame,
)
from forecastlab.features.series import load_series
from forecastlab.models import LightGBMConfig, make_forecaster
from forecastlab.registry import ModelRunSpec, log_model_run, set_alias, verify
from forecastlab.settings import PROJECT_ROOT
from tests.dbt.conftest import TODAY, Warehouse

HORIZON = 7


def test_lightgbm_on_v1_frames_round_trips_by_alias(
    small_warehouse: Warehouse, endpoints: Endpoints
) -> None:
    # `endpoints` exports the session's MLflow store to this process and the child.
    series = load_series(small_warehouse.engine, 1, 1, TODAY - timedelta(days=400), TODAY)
    baseline = baseline_price(series)
    model = make_forecaster(LightGBMConfig(n_estimators=30))
    model.fit(series.quantity, historical_frame(series, baseline_price=baseline))
    last = pd.Timestamp(series.dates[-1]).date()
    dates = [last + timedelta(days=d) for d in range(1, HORIZON + 1)]
    future = future_frame(series, dates, baseline_price=baseline)
    expected = model.predict(HORIZON, future)

    record = log_model_run(
        ModelRunSpec(
            model_type="lightgbm",
            model=model,
            model_config=LightGBMConfig(n_estimators=30).model_dump(mode="json"),
            store_id=1,
            product_id=1,
            data_window_start=pd.Timestamp(series.dates[0]).date(),
            data_window_end=last,
            feature_frame_version=1,
            feature_columns=list(V1_COLUMNS),
            history_tail=series.quantity[-90:].tolist(),
            baseline_price=baseline,
            n_observations=series.n,
            input_example=future.reset_index(drop=True).assign(
                store_id=1, product_id=1, horizon=HORIZON
            ),
        )
    )
    assert record.feature_frame_version == 1
    assert verify(record.run_id).verified
    set_alias("lgbm-v1", record.run_id)

    request = future.reset_index(drop=True).assign(store_id=1, product_id=1, horizon=HORIZON)
    script = textwrap.dedent(
        """
        import json, sys
        import pandas as pd
        from forecastlab.registry import load_model
        rows = pd.DataFrame(json.loads(sys.stdin.read()))
        out = load_model("models:/forecastlab-demand@lgbm-v1").predict(rows)
        print(json.dumps(out["forecast"].tolist()))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=request.to_json(orient="columns"),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected.tolist()
