"""Selection policies, scored like models: each assigns every series a candidate on the
selection folds, and the held-out fold says which assignment forecasts best.

Input is one row per (series, candidate, fold) with the fold's error sums and its role
(`selection` or `holdout`). The policies:

* `single_best`: the candidate with the best pooled selection WAPE, for every series;
* `per_segment`: per volume/intermittency segment, the candidate best on that segment's pooled
  selection folds;
* `per_series`: a series keeps the pooled best unless its own best candidate beat it on at
  least :data:`MIN_FOLD_WINS` selection folds (one lucky fold is noise on intermittent data);
* `ensemble`: the mean forecast of the top-k pooled candidates (scored as a candidate of its
  own, `ensemble_top{k}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

SERIES: Final[list[str]] = ["store_id", "product_id"]
POLICIES: Final[tuple[str, ...]] = ("single_best", "per_segment", "per_series", "ensemble")
MIN_FOLD_WINS: Final[int] = 2
# A candidate enters the pooled rankings only if it was backtested on this share of the series
# (per-series feature models on a sample are candidates for their own series only).
POOLED_COVERAGE: Final[float] = 0.9


def ensemble_name(size: int) -> str:
    """The ensemble candidate's name: `ensemble_top3`."""
    return f"ensemble_top{size}"


def wape(frame: pd.DataFrame) -> float:
    """Pooled WAPE in percent (NaN when every actual is zero)."""
    actual = float(frame["abs_actual_sum"].sum())
    return 100.0 * float(frame["abs_error_sum"].sum()) / actual if actual else float("nan")


def bias(frame: pd.DataFrame) -> float:
    """Pooled bias, sum(actual - forecast) / sum(|actual|), in percent (positive = under)."""
    actual = float(frame["abs_actual_sum"].sum())
    return 100.0 * float(frame["error_sum"].sum()) / actual if actual else float("nan")


def pooled_ranking(totals: pd.DataFrame, role: str = "selection") -> pd.DataFrame:
    """Candidates that cover the series (see POOLED_COVERAGE), best pooled WAPE of `role` first:
    model, wape, mae, series."""
    rows = totals[totals["role"] == role]
    n_series = rows[SERIES].drop_duplicates().shape[0]
    grouped = rows.groupby("model")
    board = pd.DataFrame(
        {
            "series": rows.drop_duplicates([*SERIES, "model"]).groupby("model").size(),
            "abs_error_sum": grouped["abs_error_sum"].sum(),
            "abs_actual_sum": grouped["abs_actual_sum"].sum(),
            "n_points": grouped["n_points"].sum(),
        }
    ).reset_index()
    board = board[board["series"] >= POOLED_COVERAGE * n_series]
    board["wape"] = (
        100.0 * board["abs_error_sum"] / board["abs_actual_sum"].where(board["abs_actual_sum"] > 0)
    )
    board["mae"] = board["abs_error_sum"] / board["n_points"]
    return board.sort_values(["wape", "mae", "model"], na_position="last", ignore_index=True)[
        ["model", "wape", "mae", "series"]
    ]


def _series_best(selection: pd.DataFrame) -> pd.DataFrame:
    """Per series, the candidate with the lowest selection error among those with every
    selection fold of the series."""
    per_model = selection.groupby([*SERIES, "model"], as_index=False).agg(
        folds=("fold", "nunique"), abs_error_sum=("abs_error_sum", "sum")
    )
    most = per_model.groupby(SERIES)["folds"].transform("max")
    complete = per_model[per_model["folds"] == most]
    ordered = complete.sort_values([*SERIES, "abs_error_sum", "model"])
    return ordered.drop_duplicates(SERIES)[[*SERIES, "model"]]


def assign_single_best(series: pd.DataFrame, best: str) -> pd.DataFrame:
    """Every series gets the pooled best candidate."""
    return series[SERIES].assign(model=best)


def assign_per_series(totals: pd.DataFrame, series: pd.DataFrame, best: str) -> pd.DataFrame:
    """The pooled best, unless a series' own best beat it on MIN_FOLD_WINS selection folds."""
    selection = totals[totals["role"] == "selection"]
    per_fold = selection.groupby([*SERIES, "fold", "model"], as_index=False)["abs_error_sum"].sum()
    own = _series_best(selection).rename(columns={"model": "own"})
    mine = own.merge(per_fold, left_on=[*SERIES, "own"], right_on=[*SERIES, "model"])
    pooled = per_fold[per_fold["model"] == best].rename(columns={"abs_error_sum": "pooled_error"})
    folds = mine.merge(pooled[[*SERIES, "fold", "pooled_error"]], on=[*SERIES, "fold"], how="left")
    # A fold the pooled best never ran on counts as a win: it has no evidence there.
    folds["win"] = (folds["abs_error_sum"] < folds["pooled_error"]) | folds["pooled_error"].isna()
    wins = folds.groupby(SERIES, as_index=False)["win"].sum()
    frame = series[SERIES].merge(own, on=SERIES, how="left").merge(wins, on=SERIES, how="left")
    switch = (frame["win"].fillna(0) >= MIN_FOLD_WINS) & frame["own"].notna()
    frame["model"] = frame["own"].where(switch, best)
    return frame[[*SERIES, "model"]]


def segment_rankings(totals: pd.DataFrame, segments: pd.DataFrame) -> dict[str, list[str]]:
    """Per segment, the pooled candidates in order of their selection WAPE on that segment."""
    tagged = totals.merge(segments[[*SERIES, "segment"]], on=SERIES)
    return {
        segment: pooled_ranking(rows)["model"].tolist()
        for segment, rows in tagged.groupby("segment")
    }


def assign_per_segment(
    series: pd.DataFrame, segments: pd.DataFrame, rankings: dict[str, list[str]], best: str
) -> pd.DataFrame:
    """Each series gets its segment's best candidate (the pooled best for unknown segments)."""
    frame = series[SERIES].merge(segments[[*SERIES, "segment"]], on=SERIES, how="left")
    frame["model"] = [
        rankings[s][0] if isinstance(s, str) and rankings.get(s) else best for s in frame["segment"]
    ]
    return frame[[*SERIES, "model"]]


@dataclass(frozen=True)
class PolicyScore:
    """One policy on the held-out fold, over the series every policy could be scored on."""

    policy: str
    holdout_wape: float
    holdout_bias: float
    series: int
    mix: dict[str, int]


def score_policies(
    totals: pd.DataFrame, assignments: dict[str, pd.DataFrame]
) -> tuple[list[PolicyScore], str]:
    """Each assignment's pooled held-out WAPE and bias on the common series; the winner
    (lowest WAPE; ties go to the earlier, simpler policy)."""
    holdout = totals[totals["role"] == "holdout"]
    joined = {
        name: assignment.merge(holdout, on=[*SERIES, "model"])
        for name, assignment in assignments.items()
    }
    common = None
    for rows in joined.values():
        keys = rows[SERIES].drop_duplicates()
        common = keys if common is None else common.merge(keys, on=SERIES)
    scores = []
    for name, rows in joined.items():
        scored = rows.merge(common, on=SERIES) if common is not None else rows
        mix = assignments[name]["model"].value_counts().to_dict()
        scores.append(
            PolicyScore(name, wape(scored), bias(scored), 0 if common is None else len(common), mix)
        )
    ranked = sorted(
        (s for s in scores if s.holdout_wape == s.holdout_wape),  # NaN never wins
        key=lambda s: (s.holdout_wape, POLICIES.index(s.policy)),
    )
    return scores, (ranked[0].policy if ranked else scores[0].policy)
