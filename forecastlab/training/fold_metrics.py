"""Per (series, model, fold) error sums: the unit every leaderboard and selection re-aggregates.

Storing sums instead of per-fold ratios lets WAPE be pooled exactly over any set of series and
folds (Σ|A-F| / Σ|A|), which a mean of per-fold WAPEs cannot do. Each row also keeps its
points' absolute errors, sorted: the residuals the prediction intervals are calibrated on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.backtest.buckets import bucket_masks

SUM_COLUMNS = (
    "n_points",
    "abs_error_sum",
    "sq_error_sum",
    "abs_actual_sum",
    "error_sum",
    "smape_sum",
)
# abs_errors: the points' sorted |actual - forecast|, what the intervals are calibrated on;
# forecasts / actuals: the points in horizon-step order.
FOLD_COLUMNS = (
    "store_id", "product_id", "model", "fold", "bucket", "cutoff", *SUM_COLUMNS, "abs_errors",
    "forecasts", "actuals",
)  # fmt: skip


def split_unique_id(unique_id: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`"12/345"` -> (12, 345)."""
    parts = unique_id.astype(str).str.split("/", n=1, expand=True)
    return parts[0].astype("int64"), parts[1].astype("int64")


def bucket_labels(horizon_step: np.ndarray) -> np.ndarray:
    """The horizon bucket (h_1_7, h_8_14, ...) of each lead time."""
    labels = np.full(len(horizon_step), "", dtype=object)
    for bucket, mask in bucket_masks(np.asarray(horizon_step)).items():
        labels[mask] = bucket
    return labels


def fold_sums(cv: pd.DataFrame, models: Sequence[str]) -> pd.DataFrame:
    """Collapse a long CV frame into FOLD_COLUMNS rows: one per series, model, fold and bucket.

    The bucket comes from `horizon_step` unless the frame carries a `bucket` column already.
    """
    frames = []
    buckets = (
        cv["bucket"].to_numpy() if "bucket" in cv else bucket_labels(cv["horizon_step"].to_numpy())
    )
    for model in models:
        if model not in cv.columns:
            continue
        actual = cv["y"].to_numpy(dtype=float)
        forecast = cv[model].to_numpy(dtype=float)
        err = actual - forecast
        denom = np.abs(actual) + np.abs(forecast)
        with np.errstate(divide="ignore", invalid="ignore"):
            smape = np.where(denom == 0, 0.0, 200.0 * np.abs(err) / denom)
        part = pd.DataFrame(
            {
                "unique_id": cv["unique_id"].to_numpy(),
                "fold": cv["fold"].to_numpy(),
                "bucket": buckets,
                "horizon_step": cv["horizon_step"].to_numpy(),
                "actual": actual,
                "forecast": forecast,
                "cutoff": cv["cutoff"].to_numpy(),
                "n_points": 1,
                "abs_error_sum": np.abs(err),
                "sq_error_sum": err**2,
                "abs_actual_sum": np.abs(actual),
                "error_sum": err,
                "smape_sum": smape,
            }
        )
        keys = ["unique_id", "fold", "bucket"]
        # In group order (groupby sorts by the keys too), each group's errors ascending.
        part = part[np.isfinite(forecast)].sort_values([*keys, "abs_error_sum"])
        if part.empty:
            continue
        grouped = part.groupby(keys, sort=True).agg(
            cutoff=("cutoff", "first"), **{c: (c, "sum") for c in SUM_COLUMNS}
        )
        grouped = grouped.reset_index()
        edges = np.cumsum(grouped["n_points"].to_numpy())[:-1]
        errors = np.split(part["abs_error_sum"].to_numpy(), edges)
        grouped["abs_errors"] = [values.tolist() for values in errors]
        in_steps = part.sort_values([*keys, "horizon_step"])
        for column, source in (("forecasts", "forecast"), ("actuals", "actual")):
            grouped[column] = [v.tolist() for v in np.split(in_steps[source].to_numpy(), edges)]
        grouped["model"] = model
        frames.append(grouped)
    if not frames:
        return pd.DataFrame(columns=list(FOLD_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out["store_id"], out["product_id"] = split_unique_id(out["unique_id"])
    out["cutoff"] = pd.to_datetime(out["cutoff"]).dt.date
    return out[list(FOLD_COLUMNS)]


def replace_fold_metrics(engine: Engine, frame: pd.DataFrame, *, shard: str) -> int:
    """Replace everything stored for this shard (delete + insert in one transaction).

    The whole shard, not just the models in `frame`: a candidate dropped from the next
    training round must not linger on the leaderboard.
    """
    rows = frame.assign(shard=shard).to_dict("records") if not frame.empty else []
    with engine.begin() as conn:
        conn.execute(
            text("delete from ml.backtest_fold_metrics where shard = :shard"), {"shard": shard}
        )
        if rows:
            conn.execute(
                text(
                    "insert into ml.backtest_fold_metrics (shard, "
                    + ", ".join(FOLD_COLUMNS)
                    + ") values (:shard, "
                    + ", ".join(f":{c}" for c in FOLD_COLUMNS)
                    + ")"
                ),
                rows,
            )
    return len(rows)
