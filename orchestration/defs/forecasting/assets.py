"""Training and forecasting assets: thin shells over forecastlab.training."""

import dagster as dg
import pandas as pd

from forecastlab.registry import get_alias
from forecastlab.training import backtests, forecasts, portfolio, selection
from forecastlab.training.segments import series_profiles
from forecastlab.training.shards import DEFAULT_SHARDS, shard_keys
from orchestration.defs.forecasting.resources import TrainingResource
from orchestration.defs.metadata import markdown_table
from orchestration.defs.resources import WarehouseResource

FEATURE_MART = dg.AssetKey(["marts", "fct_sales_features"])
GROUP = "forecasting"

shard_partitions = dg.StaticPartitionsDefinition(shard_keys(DEFAULT_SHARDS))


@dg.asset(
    key=["ml", "series_backtests"],
    # Every shard reads the whole history of its series: all daily partitions of the mart.
    deps=[dg.AssetDep(FEATURE_MART, partition_mapping=dg.AllPartitionMapping())],
    partitions_def=shard_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"python", "postgres"},
)
def series_backtests(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, training: TrainingResource
) -> dg.MaterializeResult:
    """Per-fold errors of the baselines (every series) and feature models (a sample), by shard."""
    engine, config = warehouse.engine(), training.config()
    rows: dict[str, int] = {}
    series = 0
    for shard in context.partition_keys:
        summary = backtests.series_backtests(engine, shard, DEFAULT_SHARDS, config)
        context.log.info(f"{shard}: {summary.series} series, rows per model {summary.rows}")
        series += summary.series
        for model, count in summary.rows.items():
            rows[model] = rows.get(model, 0) + count
    return dg.MaterializeResult(
        metadata={
            "series": series,
            "dagster/row_count": sum(rows.values()),
            "rows_per_model": markdown_table(pd.DataFrame(rows.items(), columns=["model", "rows"])),
        }
    )


@dg.asset(key=["ml", "global_backtests"], deps=[FEATURE_MART], group_name=GROUP, kinds={"lightgbm"})
def global_backtests(
    warehouse: WarehouseResource, training: TrainingResource
) -> dg.MaterializeResult:
    """Per-fold errors of the global models (one fit per fold across every series)."""
    summary = backtests.global_backtests(warehouse.engine(), training.config())
    return dg.MaterializeResult(
        metadata={"series": summary.series, "dagster/row_count": sum(summary.rows.values())}
    )


@dg.asset(key=["ml", "leaderboard"], deps=[series_backtests, global_backtests], group_name=GROUP)
def leaderboard(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every candidate's pooled backtest metrics, best WAPE first."""
    board = selection.leaderboard(warehouse.engine())
    best = board.iloc[0] if not board.empty else None
    return dg.MaterializeResult(
        metadata={
            "leaderboard": markdown_table(board),
            "best_model": str(best["model"]) if best is not None else "",
            "best_wape": float(best["wape"]) if best is not None else float("nan"),
        }
    )


@dg.asset(key=["ml", "champions"], deps=[leaderboard], group_name=GROUP, kinds={"postgres"})
def champions(warehouse: WarehouseResource, training: TrainingResource) -> dg.MaterializeResult:
    """Each series' model under the selection policy that won on the held-out fold
    (single best, per segment, per series or top-k ensemble), plus fallbacks for short series."""
    engine = warehouse.engine()
    chosen = selection.select_champions(
        engine, series_profiles(engine), training.config().ensemble_size
    )
    table = chosen.champions
    mix = table["model"].value_counts().rename_axis("model").reset_index(name="series")
    comparison = pd.DataFrame(
        [
            {
                "policy": s.policy,
                "holdout_wape": s.holdout_wape,
                "holdout_bias_pct": s.holdout_bias,
                "series": s.series,
                "chosen": s.policy == chosen.chosen,
            }
            for s in chosen.policies
        ]
    ).sort_values("holdout_wape")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(table),
            "chosen_policy": chosen.chosen,
            "policy_comparison": markdown_table(comparison),
            "ensemble_members": ", ".join(chosen.ensemble_members),
            "fallback_series": int((table["policy"] == selection.FALLBACK).sum()),
            "champion_mix": markdown_table(mix),
        }
    )


@dg.asset(key=["ml", "portfolio_model"], deps=[champions], group_name=GROUP, kinds={"mlflow"})
def portfolio_model(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, training: TrainingResource
) -> dg.MaterializeResult:
    """The champions refit on full history as one MLflow model, aliased `challenger`.

    The global models are fit once here and logged as runs of their own as well.
    """
    engine, config = warehouse.engine(), training.config()
    board = selection.leaderboard(engine)
    globals_ = portfolio.fit_global_models(engine, config)
    global_runs = portfolio.register_global_models(
        engine, globals_, config, board, dagster_run_id=context.run_id
    )
    fitted = portfolio.fit_portfolio(engine, config, globals_)
    evidence = selection.holdout_evidence(engine, config.max_abs_bias)
    record = portfolio.register_portfolio(
        engine,
        fitted,
        config,
        evidence,
        board,
        selection.policy_comparison(engine),
        dagster_run_id=context.run_id,
    )
    alias = get_alias(portfolio.CHALLENGER_ALIAS)
    return dg.MaterializeResult(
        metadata={
            "mlflow_run_id": record.run_id,
            "model_version": alias.version,
            "global_model_runs": ", ".join(f"{k}={r.run_id}" for k, r in global_runs.items()),
            "series": fitted.metadata["series"],
            "selection_policy": str(evidence.policy),
            "holdout_wape": evidence.portfolio_wape,
            "seasonal_naive_holdout_wape": evidence.seasonal_naive_wape,
            "best_simple_holdout_wape": evidence.best_simple_wape,
        }
    )


@dg.asset_check(asset=portfolio_model, blocking=True, name="promotion_gate_on_holdout")
def promotion_gate_on_holdout(
    warehouse: WarehouseResource, training: TrainingResource
) -> dg.AssetCheckResult:
    """Promotion gate on the held-out fold: pooled WAPE strictly below seasonal naive's and the
    best moving-average window's, with |bias| within `max_abs_bias` (5% of actuals)."""
    evidence = selection.holdout_evidence(warehouse.engine(), training.config().max_abs_bias)
    numbers = {k: v for k, v in evidence.as_dict().items() if v is not None}
    failures = evidence.failures()
    return dg.AssetCheckResult(
        passed=evidence.passed,
        metadata=numbers,
        description=(
            "the portfolio beats seasonal naive and the best moving average with bounded bias"
            if evidence.passed
            else "not promoted: " + "; ".join(failures)
        ),
    )


@dg.asset(
    key=["ml", "production_model"], deps=[portfolio_model], group_name=GROUP, kinds={"mlflow"}
)
def production_model() -> dg.MaterializeResult:
    """Alias `production` moved to the challenger (runs only when the promotion gate passed)."""
    challenger = get_alias(portfolio.CHALLENGER_ALIAS)
    record = portfolio.promote(challenger.run_id)
    return dg.MaterializeResult(
        metadata={"mlflow_run_id": record.run_id, "model_version": record.version}
    )


@dg.asset(
    key=["ml", "forecasts"],
    deps=[production_model, FEATURE_MART],
    group_name=GROUP,
    kinds={"postgres"},
)
def batch_forecasts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The next horizon of every series from the production portfolio (the horizon it was
    trained for), forecast from the newest mart rows, with its conformal bounds
    (ml.forecasts)."""
    engine = warehouse.engine()
    out = forecasts.batch_forecasts(engine)  # the horizon production was trained for
    return dg.MaterializeResult(
        metadata={
            **forecasts.forecast_coverage(engine),
            "dagster/row_count": len(out),
            "series": int(out[["store_id", "product_id"]].drop_duplicates().shape[0]),
            "first_date": str(out["date"].min()),
            "last_date": str(out["date"].max()),
            "model_version": str(out["model_version"].iloc[0]),
            "rows_with_bounds": int(out["lower_bound"].notna().sum()),
            "interval_level": float(out["interval_level"].max()),
            "preview": markdown_table(out.head(10)),
        }
    )
