"""A run's calibration as a JSON artifact of the run itself, so the run stays self-contained.

The artifact sits next to the model directory (`calibration/intervals.json`), not inside it:
the model directory is hashed when it is logged (`/verify`), and the calibration is written
once the run exists. Both the API's training and the pipeline's portfolio write it before they
hand the run out (the train response, the `challenger` alias).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Final

from mlflow.exceptions import MlflowException

from forecastlab.intervals.calibration import RunCalibration
from forecastlab.registry.client import connect

CALIBRATION_ARTIFACT: Final = "calibration/intervals.json"


def log_calibration(run_id: str, calibration: RunCalibration) -> None:
    """Write the calibration as the run's `calibration/intervals.json`."""
    connect().client.log_dict(run_id, calibration.to_json(), CALIBRATION_ARTIFACT)


def load_calibration(run_id: str) -> RunCalibration | None:
    """The run's calibration; None when it has none (logged before intervals, or elsewhere)."""
    client = connect().client
    with tempfile.TemporaryDirectory(prefix="forecastlab-calibration-") as scratch:
        try:
            local = client.download_artifacts(run_id, CALIBRATION_ARTIFACT, scratch)
        except (MlflowException, OSError):
            return None
        return RunCalibration.from_json(json.loads(Path(local).read_text()))
