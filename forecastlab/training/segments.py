"""Series segments by volume and intermittency, the grain of the per-segment selection policy.

A series' segment is read from its own history up to its held-out fold's cutoff (never from
the days it is judged on); a series with no backtest fold is profiled on all its rows.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

# Mean units per day: low < 1 <= medium < 5 <= high.
VOLUME_EDGES: Final[tuple[float, float]] = (1.0, 5.0)
VOLUME_LABELS: Final[tuple[str, str, str]] = ("low", "medium", "high")
# A series with at least this share of zero days is intermittent.
INTERMITTENT_ZERO_SHARE: Final[float] = 0.5

_PROFILE_SQL = text(
    """
    with cut as (
        select store_id, product_id, max(cutoff) as cutoff
        from ml.backtest_fold_metrics group by store_id, product_id
    )
    select f.store_id, f.product_id, count(*) as rows,
           avg(f.quantity)::float8 as mean_demand,
           avg((f.quantity = 0)::int)::float8 as zero_share
    from marts.fct_sales_features f
    left join cut using (store_id, product_id)
    where cut.cutoff is null or f.date <= cut.cutoff
    group by f.store_id, f.product_id
    order by f.store_id, f.product_id
    """
)


def segment_labels(mean_demand: np.ndarray, zero_share: np.ndarray) -> np.ndarray:
    """`"low/intermittent"`, `"high/regular"`, ... per series."""
    volume = np.asarray(VOLUME_LABELS, dtype=object)[
        np.searchsorted(VOLUME_EDGES, mean_demand, "right")
    ]
    pattern = np.where(np.asarray(zero_share) >= INTERMITTENT_ZERO_SHARE, "intermittent", "regular")
    return volume + "/" + pattern.astype(object)


def series_profiles(engine: Engine) -> pd.DataFrame:
    """Every series of the feature mart: rows, mean_demand, zero_share and its segment."""
    with engine.connect() as conn:
        profiles = pd.read_sql_query(_PROFILE_SQL, conn)
    profiles["segment"] = segment_labels(
        profiles["mean_demand"].to_numpy(float), profiles["zero_share"].to_numpy(float)
    )
    return profiles
