"""The experiment agent's tools (spec §13.1): registry queries, backtests, comparisons, the
gated registry changes and scenario proposals — each one calls the function the API calls."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final, Literal

from pydantic import Field

from forecastlab import registry
from forecastlab.agents.toolkit import Tool, ToolArguments, ToolContext
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import BacktestRequest
from forecastlab.registry import RunRecord
from forecastlab.wire import DbId

RunId = Annotated[str, Field(min_length=1, max_length=64, description="An MLflow run id (32 hex).")]
_TIE: Final = 1e-10


def run_summary(run: RunRecord) -> dict[str, Any]:
    """What the agent needs to know about a run (the full record would flood its context)."""
    return {
        "run_id": run.run_id,
        "status": run.status,
        "model_type": run.model_type,
        "store_id": run.store_id,
        "product_id": run.product_id,
        "data_window_start": run.data_window_start,
        "data_window_end": run.data_window_end,
        "metrics": run.metrics,
        "created_at": run.created_at,
    }


class ListRunsArguments(ToolArguments):
    model_type: str | None = Field(default=None, description="Only runs of this model type.")
    status: registry.Status | None = Field(default=None, description="Only runs in this status.")
    store_id: DbId | None = None
    product_id: DbId | None = None
    limit: int = Field(default=10, ge=1, le=50, description="Newest runs first, at most this many.")


def list_runs(_: ToolContext, args: ListRunsArguments) -> dict[str, Any]:
    """The newest registry runs matching the filters, and how many match in all."""
    page = registry.list_runs(
        model_type=args.model_type,
        status=args.status,
        store_id=args.store_id,
        product_id=args.product_id,
        page_size=args.limit,
    )
    return {"total": page.total, "runs": [run_summary(run) for run in page.runs]}


class RunArguments(ToolArguments):
    run_id: RunId


def get_run(_: ToolContext, args: RunArguments) -> dict[str, Any]:
    """One run with its configuration."""
    run = registry.get_run(args.run_id)
    return {**run_summary(run), "model_config": run.model_config, "config_hash": run.config_hash}


class CompareRunsArguments(ToolArguments):
    run_id_a: RunId
    run_id_b: RunId


def compare_runs(_: ToolContext, args: CompareRunsArguments) -> dict[str, Any]:
    """Config and metric differences of two runs and whether comparing them is fair."""
    comparison = registry.compare_runs(args.run_id_a, args.run_id_b)
    return {
        "run_a": run_summary(comparison.run_a),
        "run_b": run_summary(comparison.run_b),
        "config_diff": comparison.config_diff,
        "metrics_diff": comparison.metrics_diff,
        "comparable": comparison.comparable,
    }


class BacktestArguments(ToolArguments):
    store_id: DbId
    product_id: DbId
    start_date: date
    end_date: date
    model_type: str = Field(default="seasonal_naive", description="A model type of the zoo.")
    n_splits: int = Field(default=5, ge=2, le=20)
    horizon: int = Field(default=7, ge=1, le=90)
    strategy: Literal["expanding", "sliding"] = "expanding"
    min_train_size: int = Field(default=30, ge=7)
    include_baselines: bool = True


def run_backtest(context: ToolContext, args: BacktestArguments) -> dict[str, Any]:
    """Backtest a model (default hyper-parameters) on one series, with the naive baselines."""
    request = BacktestRequest.model_validate(
        {
            "store_id": args.store_id,
            "product_id": args.product_id,
            "start_date": args.start_date,
            "end_date": args.end_date,
            "config": {
                "split_config": {
                    "strategy": args.strategy,
                    "n_splits": args.n_splits,
                    "min_train_size": args.min_train_size,
                    "horizon": args.horizon,
                },
                "model_config_main": {"model_type": args.model_type},
                "include_baselines": args.include_baselines,
                "store_fold_details": False,
            },
        }
    )
    result = service.backtest(context.engine, request, context.settings)
    main = result.main_model_results
    return {
        "backtest_id": result.backtest_id,
        "store_id": result.store_id,
        "product_id": result.product_id,
        "model_type": main.model_type,
        "folds": len(main.fold_results),
        "aggregated_metrics": main.aggregated_metrics,
        "baselines": {
            baseline.model_type: baseline.aggregated_metrics
            for baseline in result.baseline_results or []
        },
        "comparison_summary": result.comparison_summary,
        "leakage_check_passed": result.leakage_check_passed,
    }


class CompareBacktestsArguments(ToolArguments):
    a: dict[str, float | None] = Field(description="aggregated_metrics of backtest A.")
    b: dict[str, float | None] = Field(description="aggregated_metrics of backtest B.")


def compare_backtest_results(_: ToolContext, args: CompareBacktestsArguments) -> dict[str, Any]:
    """Per-metric differences of two backtests (lower is better) and an MAE-based verdict."""
    return compare_metrics(args.a, args.b)


def compare_metrics(a: dict[str, float | None], b: dict[str, float | None]) -> dict[str, Any]:
    """Spec §13.1: difference = b - a, percent_change against |a|, better = a when a <= b."""
    metrics: dict[str, dict[str, Any]] = {}
    for name in sorted(a.keys() & b.keys()):
        value_a, value_b = a[name], b[name]
        if value_a is None or value_b is None:
            continue
        difference = value_b - value_a
        metrics[name] = {
            "model_a": value_a,
            "model_b": value_b,
            "difference": difference,
            "percent_change": difference / abs(value_a) * 100 if abs(value_a) > _TIE else None,
            "better_model": "a" if value_a <= value_b else "b",
        }
    return {"metrics": metrics, "recommendation": _mae_recommendation(metrics.get("mae"))}


def _mae_recommendation(mae: dict[str, Any] | None) -> str:
    if mae is None:
        return "No MAE on both sides: compare the models on the metrics listed."
    value_a, value_b = mae["model_a"], mae["model_b"]
    if abs(value_b - value_a) <= _TIE:
        return f"Both models have the same MAE ({value_a:.4g}); prefer the simpler one."
    if abs(value_a) <= _TIE:
        return "Model A has zero MAE; model B cannot improve on it. Keep model A."
    if abs(value_b) <= _TIE:
        return "Model B has zero MAE, a perfect fit on the test folds. Prefer model B."
    improvement = (value_a - value_b) / abs(value_a) * 100
    if improvement > 0:
        return f"Model B improves MAE by {improvement:.1f}% over model A. Prefer model B."
    return f"Model A's MAE is {-improvement:.1f}% better than model B's. Keep model A."


class CreateAliasArguments(ToolArguments):
    alias_name: str = Field(min_length=1, max_length=100)
    run_id: RunId
    description: str | None = Field(default=None, max_length=500)


def create_alias(_: ToolContext, args: CreateAliasArguments) -> dict[str, Any]:
    """Point a deployment alias at a successful run (gated: needs an operator's approval)."""
    alias = registry.set_alias(args.alias_name, args.run_id, args.description)
    return {
        "alias_name": alias.alias_name,
        "run_id": alias.run_id,
        "version": alias.version,
        "model_type": alias.model_type,
    }


def archive_run(_: ToolContext, args: RunArguments) -> dict[str, Any]:
    """Archive a run (gated: needs an operator's approval)."""
    return run_summary(registry.transition(args.run_id, "archived"))


EXPERIMENT_TOOLS: Final = (
    Tool(
        "list_runs", "List registry runs, newest first, with filters.", ListRunsArguments, list_runs
    ),
    Tool("get_run", "Read one registry run: status, metrics, config.", RunArguments, get_run),
    Tool(
        "run_backtest",
        "Backtest a model type on one store/product series over a date window, with baselines.",
        BacktestArguments,
        run_backtest,
    ),
    Tool(
        "compare_backtest_results",
        "Compare the aggregated_metrics of two backtests metric by metric.",
        CompareBacktestsArguments,
        compare_backtest_results,
    ),
    Tool("compare_runs", "Diff two registry runs.", CompareRunsArguments, compare_runs),
    Tool(
        "create_alias",
        "Point a deployment alias at a successful run. Needs an operator's approval.",
        CreateAliasArguments,
        create_alias,
    ),
    Tool(
        "archive_run",
        "Archive a registry run. Needs an operator's approval.",
        RunArguments,
        archive_run,
    ),
)
