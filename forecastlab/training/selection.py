"""Leaderboard, validated model selection, and the held-out evidence for promoting a portfolio.

The last backtest fold of every series is held out: candidates are ranked and selection
policies (`forecastlab.training.policies`) assign models on the earlier folds only; the held-out
fold then picks the policy and is the evidence of the promotion gate (`holdout_evidence`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Final

import pandas as pd
from sqlalchemy import Engine, text

from forecastlab.models import make_forecaster
from forecastlab.training.candidates import SEASONAL_NAIVE, SIMPLE_CANDIDATES, candidate_config
from forecastlab.training.ensemble import ensemble_fold_rows
from forecastlab.training.fold_metrics import replace_fold_metrics
from forecastlab.training.policies import (
    SERIES,
    PolicyScore,
    assign_per_segment,
    assign_per_series,
    assign_single_best,
    bias,
    ensemble_name,
    pooled_ranking,
    score_policies,
    segment_rankings,
    wape,
)

ENSEMBLE_SHARD: Final[str] = "ensemble"
FALLBACK: Final[str] = "fallback"
# The gate's default bound on |sum(actual - forecast)| / sum(|actual|), in percent.
MAX_ABS_BIAS: Final[float] = 5.0
# The f-strings below splice only these constant SQL fragments; every value is a bind parameter.

# Per series: which folds are used for selection and which one is held out.
_FOLD_ROLE = """
with last_fold as (
    select store_id, product_id, max(fold) as holdout_fold
    from ml.backtest_fold_metrics group by store_id, product_id
), metrics as (
    select m.*, case when m.fold = l.holdout_fold then 'holdout' else 'selection' end as role
    from ml.backtest_fold_metrics m
    join last_fold l using (store_id, product_id)
)
"""

_POOLED = """
    sum(n_points) as n_points,
    100 * sum(abs_error_sum) / nullif(sum(abs_actual_sum), 0) as wape,
    sum(abs_error_sum) / nullif(sum(n_points), 0) as mae,
    sqrt(sum(sq_error_sum) / nullif(sum(n_points), 0)) as rmse,
    sum(smape_sum) / nullif(sum(n_points), 0) as smape,
    sum(error_sum) / nullif(sum(n_points), 0) as bias
"""


def leaderboard(engine: Engine) -> pd.DataFrame:
    """One row per model: series covered and pooled metrics over every fold, best WAPE first."""
    sql = f"""
        select model, count(distinct (store_id, product_id)) as series, {_POOLED}
        from ml.backtest_fold_metrics
        group by model
        order by wape asc nulls last, mae asc, model
    """
    with engine.connect() as conn:
        return pd.read_sql_query(text(sql), conn)


_TOTALS = f"""
    {_FOLD_ROLE}
    select store_id, product_id, model, fold, role,
           sum(n_points) as n_points, sum(abs_error_sum) as abs_error_sum,
           sum(abs_actual_sum) as abs_actual_sum, sum(error_sum) as error_sum
    from metrics group by store_id, product_id, model, fold, role
"""


def fold_totals(engine: Engine) -> pd.DataFrame:
    """Per (series, candidate, fold): error sums over every bucket, and the fold's role."""
    with engine.connect() as conn:
        return pd.read_sql_query(text(_TOTALS), conn)


@dataclass(frozen=True)
class Selection:
    """What `select_champions` decided: the champions, every policy's score, the winner."""

    champions: pd.DataFrame
    policies: list[PolicyScore]
    chosen: str
    ranking: pd.DataFrame
    ensemble_members: list[str]


def select_champions(engine: Engine, profiles: pd.DataFrame, ensemble_size: int = 3) -> Selection:
    """Run every selection policy, keep the one that wins on the held-out fold, store its
    assignment in ml.champion (plus a fallback for series too short for any fold) and the
    comparison in ml.selection_policy.

    `profiles` are every series to forecast with its rows and segment (`series_profiles`).
    The top-k ensemble is scored first (its fold rows are written under shard `ensemble`).
    """
    replace_fold_metrics(engine, pd.DataFrame(), shard=ENSEMBLE_SHARD)
    totals = fold_totals(engine)
    if totals.empty:
        raise ValueError("no backtests: materialize ml/series_backtests and ml/global_backtests")
    ranking = pooled_ranking(totals)
    best = str(ranking["model"].iloc[0])
    members = ranking["model"].head(ensemble_size).tolist()
    ensemble = ensemble_name(len(members))
    if len(members) >= 2:
        replace_fold_metrics(
            engine, ensemble_fold_rows(engine, members, ensemble), shard=ENSEMBLE_SHARD
        )
        totals = fold_totals(engine)
    evaluated = totals[SERIES].drop_duplicates()
    rankings = segment_rankings(totals, profiles)
    assignments = {
        "single_best": assign_single_best(evaluated, best),
        "per_segment": assign_per_segment(evaluated, profiles, rankings, best),
        "per_series": assign_per_series(totals, evaluated, best),
    }
    if len(members) >= 2:
        has_ensemble = totals.loc[totals["model"] == ensemble, SERIES].drop_duplicates()
        assignments["ensemble"] = (
            assign_single_best(evaluated, best)
            .merge(has_ensemble.assign(ensemble=ensemble), on=SERIES, how="left")
            .assign(model=lambda f: f["ensemble"].fillna(f["model"]))[[*SERIES, "model"]]
        )
    scores, chosen = score_policies(totals, assignments)
    champions = _champion_rows(totals, assignments[chosen], chosen, profiles)
    champions = pd.concat(
        [champions, _fallbacks(profiles, evaluated, rankings, ranking)], ignore_index=True
    )
    champions["members"] = [members if model == ensemble else None for model in champions["model"]]
    _store(engine, champions, scores, chosen, members)
    return Selection(champions, scores, chosen, ranking, members)


def _champion_rows(
    totals: pd.DataFrame, assignment: pd.DataFrame, policy: str, profiles: pd.DataFrame
) -> pd.DataFrame:
    """The assignment with each series' selection WAPE and seasonal naive's, policy, segment."""
    selection = totals[totals["role"] == "selection"]
    per_model = selection.groupby([*SERIES, "model"], as_index=False)[
        ["abs_error_sum", "abs_actual_sum"]
    ].sum()
    per_model["wape"] = (
        100
        * per_model["abs_error_sum"]
        / per_model["abs_actual_sum"].where(per_model["abs_actual_sum"] > 0)
    )
    own = assignment.merge(per_model[[*SERIES, "model", "wape"]], on=[*SERIES, "model"], how="left")
    snaive = per_model.loc[per_model["model"] == SEASONAL_NAIVE, [*SERIES, "wape"]]
    rows = own.rename(columns={"wape": "selection_wape"}).merge(
        snaive.rename(columns={"wape": "seasonal_naive_wape"}), on=SERIES, how="left"
    )
    rows = rows.merge(profiles[[*SERIES, "segment"]], on=SERIES, how="left")
    return rows.assign(policy=policy).sort_values(SERIES, ignore_index=True)


def _minimum_rows(model: str) -> int:
    """Observed rows a candidate needs to forecast a series (global models: one)."""
    if model.startswith("global_"):
        return 1
    try:
        return make_forecaster(candidate_config(model)).min_observations
    except ValueError:
        return 10**9  # not a single-series candidate (an ensemble): never a fallback


def _fallbacks(
    profiles: pd.DataFrame,
    evaluated: pd.DataFrame,
    rankings: dict[str, list[str]],
    ranking: pd.DataFrame,
) -> pd.DataFrame:
    """Series with no backtest fold: the best candidate of their segment (else the pooled
    ranking) that their history is long enough for; `naive` when none is."""
    short = profiles.merge(evaluated.assign(seen=True), on=SERIES, how="left")
    short = short[short["seen"].isna()]
    pooled = ranking["model"].tolist()
    needs = {m: _minimum_rows(m) for m in {*pooled, *(m for r in rankings.values() for m in r)}}
    models = []
    for segment, rows in zip(short["segment"], short["rows"], strict=True):
        order = [*rankings.get(segment, []), *pooled]
        models.append(next((m for m in order if needs[m] <= rows), "naive"))
    return short[[*SERIES, "segment"]].assign(
        model=models, selection_wape=None, seasonal_naive_wape=None, policy=FALLBACK
    )


def _store(
    engine: Engine,
    champions: pd.DataFrame,
    scores: list[PolicyScore],
    chosen: str,
    members: list[str],
) -> None:
    columns = ("store_id", "product_id", "model", "selection_wape", "seasonal_naive_wape",
               "policy", "segment", "members")  # fmt: skip
    records = champions[list(columns)].astype(object)
    records = records.where(records.notna(), None).to_dict("records")
    with engine.begin() as conn:
        conn.execute(text("delete from ml.champion"))
        conn.execute(text("delete from ml.selection_policy"))
        if records:
            conn.execute(
                text(
                    f"insert into ml.champion ({', '.join(columns)}) "
                    f"values ({', '.join(':' + c for c in columns)})"
                ),
                records,
            )
        conn.execute(
            text(
                "insert into ml.selection_policy (policy, holdout_wape, holdout_bias, series, "
                "chosen, details) values (:policy, :wape, :bias, :series, :chosen, "
                "cast(:details as jsonb))"
            ),
            [
                {
                    "policy": s.policy,
                    "wape": _finite_or_none(s.holdout_wape),
                    "bias": _finite_or_none(s.holdout_bias),
                    "series": s.series,
                    "chosen": s.policy == chosen,
                    "details": json.dumps(
                        {"mix": s.mix, **({"members": members} if s.policy == "ensemble" else {})}
                    ),
                }
                for s in scores
            ],
        )


def policy_comparison(engine: Engine) -> pd.DataFrame:
    """ml.selection_policy: every policy's held-out WAPE and bias, which one was chosen."""
    with engine.connect() as conn:
        return pd.read_sql_query(
            text(
                "select policy, holdout_wape, holdout_bias, series, chosen, details "
                "from ml.selection_policy order by holdout_wape nulls last, policy"
            ),
            conn,
        )


@dataclass(frozen=True)
class PromotionEvidence:
    """The portfolio (the champions) against the yardsticks on the held-out fold, pooled over
    the same series: seasonal naive and the best simple candidate (best moving-average window).
    WAPE and bias in percent of actuals."""

    policy: str | None
    portfolio_wape: float | None
    portfolio_bias: float | None
    seasonal_naive_wape: float | None
    best_simple_model: str | None
    best_simple_wape: float | None
    series: int
    points: int
    max_abs_bias: float = MAX_ABS_BIAS

    @property
    def beats_seasonal_naive(self) -> bool:
        return _below(self.portfolio_wape, self.seasonal_naive_wape)

    @property
    def beats_best_simple(self) -> bool:
        return _below(self.portfolio_wape, self.best_simple_wape)

    @property
    def bias_within_bound(self) -> bool:
        return self.portfolio_bias is not None and abs(self.portfolio_bias) <= self.max_abs_bias

    @property
    def passed(self) -> bool:
        """Strictly better than both yardsticks, with |bias| within its bound."""
        return self.beats_seasonal_naive and self.beats_best_simple and self.bias_within_bound

    def failures(self) -> list[str]:
        """What the gate failed on, in words (empty when it passed)."""
        reasons = []
        if not self.beats_seasonal_naive:
            reasons.append(
                f"WAPE {_fmt(self.portfolio_wape)} is not below seasonal naive's "
                f"{_fmt(self.seasonal_naive_wape)}"
            )
        if not self.beats_best_simple:
            reasons.append(
                f"WAPE {_fmt(self.portfolio_wape)} is not below {self.best_simple_model}'s "
                f"{_fmt(self.best_simple_wape)}"
            )
        if not self.bias_within_bound:
            reasons.append(f"|bias| {_fmt(self.portfolio_bias)}% exceeds {self.max_abs_bias}%")
        return reasons

    def as_dict(self) -> dict[str, Any]:
        """Every number of the check, for metadata and run tags."""
        return {
            **asdict(self),
            "beats_seasonal_naive": self.beats_seasonal_naive,
            "beats_best_simple": self.beats_best_simple,
            "bias_within_bound": self.bias_within_bound,
            "passed": self.passed,
        }


def _below(value: float | None, bound: float | None) -> bool:
    return value is not None and bound is not None and value < bound


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def holdout_evidence(engine: Engine, max_abs_bias: float = MAX_ABS_BIAS) -> PromotionEvidence:
    """The gate's numbers: champions vs seasonal naive vs every moving-average window on the
    held-out fold, over the series that all of them were scored on."""
    totals = fold_totals(engine)
    with engine.connect() as conn:
        champions = pd.read_sql_query(
            text("select store_id, product_id, model, policy from ml.champion"), conn
        )
    holdout = totals[totals["role"] == "holdout"]
    chosen = champions.merge(holdout, on=[*SERIES, "model"])
    yardsticks = {m: holdout[holdout["model"] == m] for m in (SEASONAL_NAIVE, *SIMPLE_CANDIDATES)}
    common = chosen[SERIES].drop_duplicates()
    for rows in yardsticks.values():
        if not rows.empty:
            common = common.merge(rows[SERIES].drop_duplicates(), on=SERIES)
    scored = chosen.merge(common, on=SERIES)
    simple = {
        m: wape(rows.merge(common, on=SERIES))
        for m, rows in yardsticks.items()
        if m != SEASONAL_NAIVE and not rows.empty
    }
    simple = {m: v for m, v in simple.items() if v == v}
    best_simple = min(simple, key=simple.__getitem__) if simple else None
    policies = champions.loc[champions["policy"] != FALLBACK, "policy"].dropna().unique()
    return PromotionEvidence(
        policy=str(policies[0]) if len(policies) else None,
        portfolio_wape=_finite_or_none(wape(scored)),
        portfolio_bias=_finite_or_none(bias(scored)),
        seasonal_naive_wape=_finite_or_none(
            wape(yardsticks[SEASONAL_NAIVE].merge(common, on=SERIES))
        ),
        best_simple_model=best_simple,
        best_simple_wape=simple.get(best_simple) if best_simple else None,
        series=len(common),
        points=int(scored["n_points"].sum()),
        max_abs_bias=max_abs_bias,
    )


def _finite_or_none(value: float) -> float | None:
    return None if value != value else float(value)


_METRIC_NAMES = ("wape", "mae", "rmse", "smape", "bias")


def _bucket_dict(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {
        str(row["bucket"]): {m: float(row[m]) for m in _METRIC_NAMES if pd.notna(row[m])}
        for _, row in frame.iterrows()
    }


def model_bucket_metrics(engine: Engine, model: str) -> dict[str, dict[str, float]]:
    """One model's pooled metrics per horizon bucket over every fold."""
    sql = f"""
        select bucket, {_POOLED}
        from ml.backtest_fold_metrics where model = :model
        group by bucket order by bucket
    """
    with engine.connect() as conn:
        return _bucket_dict(pd.read_sql_query(text(sql), conn, params={"model": model}))


def holdout_bucket_metrics(engine: Engine) -> dict[str, dict[str, float]]:
    """The champions' (= the portfolio's) pooled metrics per horizon bucket on the held-out fold."""
    sql = f"""
        {_FOLD_ROLE}
        select m.bucket, {_POOLED}
        from metrics m join ml.champion c using (store_id, product_id, model)
        where m.role = 'holdout'
        group by m.bucket order by m.bucket
    """
    with engine.connect() as conn:
        return _bucket_dict(pd.read_sql_query(text(sql), conn))
