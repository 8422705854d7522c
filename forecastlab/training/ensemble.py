"""The top-k ensemble as a candidate: the mean of its members' stored backtest forecasts.

Members' forecasts are read back from ml.backtest_fold_metrics (kept per fold row in step
order), averaged point by point where every member forecast the same points, and collapsed into
fold rows of their own, so the ensemble sits on the leaderboard, in selection and in interval
calibration like any other candidate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.training.fold_metrics import fold_sums

_MEMBER_ROWS_SQL = text(
    "select store_id, product_id, model, fold, bucket, cutoff, forecasts, actuals "
    "from ml.backtest_fold_metrics where model = any(:models) and forecasts is not null"
)
_KEYS = ["store_id", "product_id", "fold", "bucket"]


def ensemble_cv(engine: Engine, members: Sequence[str], name: str) -> pd.DataFrame:
    """A long CV frame (unique_id, fold, bucket, horizon_step, cutoff, y, `name`) of the
    members' mean forecast, on the fold rows every member has with the same points."""
    with engine.connect() as conn:
        rows = pd.read_sql_query(_MEMBER_ROWS_SQL, conn, params={"models": list(members)})
    rows["points"] = rows["forecasts"].map(len)
    shape = rows.groupby(_KEYS)["points"].agg(["size", "nunique"])
    complete = shape[(shape["size"] == len(members)) & (shape["nunique"] == 1)].index
    rows = rows.set_index(_KEYS).loc[complete].reset_index()
    points = rows["points"].to_numpy()
    position = np.arange(points.sum()) - np.repeat(np.cumsum(points) - points, points)
    long = pd.DataFrame(
        {
            **{key: np.repeat(rows[key].to_numpy(), points) for key in (*_KEYS, "cutoff")},
            "position": position,
            "forecast": np.concatenate(rows["forecasts"].tolist()) if len(rows) else [],
            "y": np.concatenate(rows["actuals"].tolist()) if len(rows) else [],
        }
    )
    mean = long.groupby([*_KEYS, "position"], as_index=False).agg(
        cutoff=("cutoff", "first"), y=("y", "first"), forecast=("forecast", "mean")
    )
    return pd.DataFrame(
        {
            "unique_id": mean["store_id"].astype(str) + "/" + mean["product_id"].astype(str),
            "fold": mean["fold"],
            "bucket": mean["bucket"],
            "horizon_step": mean["position"] + 1,  # the order within the bucket row
            "cutoff": mean["cutoff"],
            "y": mean["y"],
            name: mean["forecast"],
        }
    )


def ensemble_fold_rows(engine: Engine, members: Sequence[str], name: str) -> pd.DataFrame:
    """The ensemble's FOLD_COLUMNS rows."""
    return fold_sums(ensemble_cv(engine, members, name), [name])
