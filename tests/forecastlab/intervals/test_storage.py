"""A calibration kept as its MLflow run's artifact: written once, read back whole."""

from __future__ import annotations

from datetime import date

import mlflow
import numpy as np

from forecastlab.db.endpoints import Endpoints
from forecastlab.intervals import (
    CALIBRATION_ARTIFACT,
    Calibration,
    RunCalibration,
    SourceFold,
    load_calibration,
    log_calibration,
)
from forecastlab.models import NaiveForecaster
from forecastlab.registry import ModelRunSpec, log_model_run


def _logged_run() -> str:
    return log_model_run(
        ModelRunSpec(
            model_type="naive",
            model=NaiveForecaster().fit(np.arange(10.0)),
            model_config={"model_type": "naive"},
            store_id=4,
            product_id=5,
            data_window_start=date(2025, 6, 1),
            data_window_end=date(2025, 6, 10),
        )
    ).run_id


def test_a_calibration_round_trips_through_its_run(endpoints: Endpoints) -> None:
    run_id = _logged_run()
    assert load_calibration(run_id) is None  # logged without one

    calibration = RunCalibration(
        level=0.8,
        series={
            (4, 5): Calibration.from_residuals(
                np.arange(1, 15), np.linspace(-3, 3, 14), folds=[SourceFold(0, date(2025, 6, 3))]
            )
        },
    )
    log_calibration(run_id, calibration)
    assert load_calibration(run_id) == calibration
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(run_id, "calibration")}
    assert artifacts == {CALIBRATION_ARTIFACT}
