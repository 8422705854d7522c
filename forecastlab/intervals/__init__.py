"""Prediction intervals: split conformal on backtest residuals, per horizon bucket.

`conformal` holds the rule (the ⌈(n+1)·level⌉-th smallest absolute residual, with the fallback
to an earlier bucket), `calibration` the per-series residuals and their JSON form,
`backtested` calibrates a model trained on demand, `storage` keeps a calibration with its MLflow
run, and `coverage` measures the intervals on folds the calibration never saw.
"""

from forecastlab.intervals.backtested import CALIBRATION_FOLDS, calibrate_by_backtest
from forecastlab.intervals.calibration import (
    Calibration,
    Interval,
    RunCalibration,
    SourceFold,
    calibrations_from_fold_errors,
)
from forecastlab.intervals.conformal import conformal_rank, half_widths, min_residuals
from forecastlab.intervals.storage import CALIBRATION_ARTIFACT, load_calibration, log_calibration

__all__ = [
    "CALIBRATION_ARTIFACT",
    "CALIBRATION_FOLDS",
    "Calibration",
    "Interval",
    "RunCalibration",
    "SourceFold",
    "calibrate_by_backtest",
    "calibrations_from_fold_errors",
    "conformal_rank",
    "half_widths",
    "load_calibration",
    "log_calibration",
    "min_residuals",
]
