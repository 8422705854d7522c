"""Calibrate and measure on different folds: the empirical coverage of the intervals.

Each series is calibrated on every backtest fold but its last (the pipeline's own path: fold
errors as `ml.backtest_fold_metrics` stores them, then `calibrations_from_fold_errors`), and
its last fold, which the calibration never saw, is scored against the bounds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecastlab.backtest.buckets import BUCKET_IDS
from forecastlab.intervals.calibration import calibrations_from_fold_errors
from forecastlab.intervals.conformal import bucket_position
from forecastlab.training.fold_metrics import fold_sums, split_unique_id

OVERALL = "all"


def holdout_coverage(cv: pd.DataFrame, model: str, levels: Sequence[float]) -> pd.DataFrame:
    """Coverage of `model`'s intervals on each series' last fold, per level and bucket.

    `cv` is a cross-validation frame (`unique_id, ds, cutoff, fold, horizon_step, y` and a
    forecast column named `model`). One row per (level, bucket), bucket `all` included:
    `points` scored, `with_interval` (share of them that had bounds), `coverage` (share of
    those inside their bounds) and `mean_width` (upper - lower).
    """
    last = cv.groupby("unique_id")["fold"].transform("max")
    calibrated = fold_sums(cv[cv["fold"] < last], [model])
    calibration = calibrations_from_fold_errors(calibrated, levels[0])
    held = cv[(cv["fold"] == last) & np.isfinite(cv[model].to_numpy(dtype=float))]
    store_id, product_id = split_unique_id(held["unique_id"])
    step = held["horizon_step"].to_numpy()
    actual = held["y"].to_numpy(dtype=np.float64)
    rows = []
    for level in levels:
        lower, upper = calibration.bounds(store_id, product_id, step, held[model], level)
        scored = pd.DataFrame(
            {
                "bucket": np.asarray(BUCKET_IDS)[bucket_position(step)],
                "with_interval": np.isfinite(lower),
                "covered": (actual >= lower) & (actual <= upper),
                "width": upper - lower,
            }
        )
        for bucket, part in [*scored.groupby("bucket", sort=False), (OVERALL, scored)]:
            bounded = part[part["with_interval"]]
            rows.append(
                {
                    "model": model,
                    "level": level,
                    "bucket": bucket,
                    "points": len(part),
                    "with_interval": float(part["with_interval"].mean()),
                    "coverage": float(bounded["covered"].mean()) if len(bounded) else np.nan,
                    "mean_width": float(bounded["width"].mean()) if len(bounded) else np.nan,
                }
            )
    return pd.DataFrame(rows)
