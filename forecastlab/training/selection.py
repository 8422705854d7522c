"""Leaderboard, champion per series, and the held-out evidence for promoting a portfolio.

The last backtest fold of every series is held out: champions are chosen on the earlier folds
only, so the portfolio's score on the held-out fold is an honest estimate (selection never saw it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, text

SEASONAL_NAIVE = "seasonal_naive"

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


def select_champions(engine: Engine) -> pd.DataFrame:
    """Pick each series' champion on its selection folds and store them in ml.champion.

    Ranking: pooled WAPE; on an all-zero selection window WAPE is undefined, so MAE decides
    (an intermittent series then keeps the model that predicts zeros best instead of a random one).
    """
    sql = f"""
        {_FOLD_ROLE}
        , per_model as (
            select store_id, product_id, model,
                   count(distinct fold) as folds, {_POOLED}
            from metrics where role = 'selection'
            group by store_id, product_id, model
        ), complete as (
            -- only models evaluated on every selection fold of the series compete
            select p.* from per_model p
            where p.folds = (select max(q.folds) from per_model q
                             where q.store_id = p.store_id and q.product_id = p.product_id)
        ), ranked as (
            select c.*, row_number() over (
                partition by store_id, product_id
                order by wape asc nulls last, mae asc, model
            ) as rank
            from complete c
        )
        select r.store_id, r.product_id, r.model, r.wape as selection_wape,
               s.wape as seasonal_naive_wape
        from ranked r
        left join complete s
          on s.store_id = r.store_id and s.product_id = r.product_id and s.model = :snaive
        where r.rank = 1
        order by r.store_id, r.product_id
    """
    with engine.begin() as conn:
        champions = pd.read_sql_query(text(sql), conn, params={"snaive": SEASONAL_NAIVE})
        conn.execute(text("delete from ml.champion"))
        if not champions.empty:
            conn.execute(
                text(
                    "insert into ml.champion (store_id, product_id, model, selection_wape, "
                    "seasonal_naive_wape) values (:store_id, :product_id, :model, "
                    ":selection_wape, :seasonal_naive_wape)"
                ),
                champions.astype(object).where(champions.notna(), None).to_dict("records"),
            )
    return champions


@dataclass(frozen=True)
class PromotionEvidence:
    """The portfolio against seasonal naive on the held-out fold of every series."""

    portfolio_wape: float | None
    seasonal_naive_wape: float | None
    series: int
    points: int

    @property
    def passed(self) -> bool:
        """True when the portfolio's pooled WAPE is strictly below seasonal naive's."""
        return (
            self.portfolio_wape is not None
            and self.seasonal_naive_wape is not None
            and self.portfolio_wape < self.seasonal_naive_wape
        )


def holdout_evidence(engine: Engine) -> PromotionEvidence:
    """Pooled held-out WAPE of the champions (as stored in ml.champion) vs seasonal naive."""
    sql = f"""
        {_FOLD_ROLE}
        , champ as (
            select m.* from metrics m
            join ml.champion c using (store_id, product_id, model)
            where m.role = 'holdout'
        ), snaive as (
            select m.* from metrics m
            join ml.champion c using (store_id, product_id)
            where m.role = 'holdout' and m.model = :snaive
        )
        select
            (select 100 * sum(abs_error_sum) / nullif(sum(abs_actual_sum), 0) from champ),
            (select 100 * sum(abs_error_sum) / nullif(sum(abs_actual_sum), 0) from snaive),
            (select count(distinct (store_id, product_id)) from champ),
            (select coalesce(sum(n_points), 0) from champ)
    """
    with engine.connect() as conn:
        row = conn.execute(text(sql), {"snaive": SEASONAL_NAIVE}).one()
    return PromotionEvidence(
        portfolio_wape=None if row[0] is None else float(row[0]),
        seasonal_naive_wape=None if row[1] is None else float(row[1]),
        series=int(row[2]),
        points=int(row[3]),
    )


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
