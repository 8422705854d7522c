"""The agents' tools call the platform's own functions and answer the model readably."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from forecastlab.agents.agent_types import AGENT_TYPES
from forecastlab.agents.experiment_tools import compare_metrics
from forecastlab.agents.toolkit import ToolContext
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import BacktestRequest
from forecastlab.rag.indexing import index_document
from forecastlab.settings import Settings
from tests.dbt.conftest import TODAY

EXPERIMENT = AGENT_TYPES["experiment"]
RAG = AGENT_TYPES["rag_assistant"]
START = date(2025, 3, 3)  # the seeded window is 2025-03-03 .. 2025-06-30


def context(engine: Engine, settings: Settings | None = None) -> ToolContext:
    return ToolContext(engine, settings or Settings(), "0" * 32)


def test_every_tool_declares_an_object_schema() -> None:
    for agent in AGENT_TYPES.values():
        names = [tool.name for tool in agent.tools]
        assert len(names) == len(set(names))
        for tool in agent.tools:
            function = tool.declaration()["function"]
            assert function["parameters"]["type"] == "object" and function["description"]
    gated = set(Settings().agent_require_approval)
    assert gated <= {tool.name for tool in EXPERIMENT.tools}


def test_backtests_match_the_backtest_endpoint(agents_engine: Engine) -> None:
    tool = EXPERIMENT.tool("run_backtest")
    assert tool is not None
    arguments = {
        "store_id": 1,
        "product_id": 2,
        "start_date": START.isoformat(),
        "end_date": TODAY.isoformat(),
        "model_type": "moving_average",
        "n_splits": 3,
        "horizon": 7,
    }
    outcome = tool.execute(context(agents_engine), arguments)
    assert not outcome.failed, outcome.result
    direct = service.backtest(
        agents_engine,
        BacktestRequest.model_validate(
            {
                "store_id": 1,
                "product_id": 2,
                "start_date": START.isoformat(),
                "end_date": TODAY.isoformat(),
                "config": {
                    "split_config": {"n_splits": 3, "horizon": 7, "min_train_size": 30},
                    "model_config_main": {"model_type": "moving_average"},
                },
            }
        ),
    )
    result = outcome.result
    assert result["model_type"] == "moving_average" and result["folds"] == 3
    assert result["aggregated_metrics"] == pytest.approx(
        direct.main_model_results.aggregated_metrics
    )
    assert set(result["baselines"]) == {"naive", "seasonal_naive"}
    assert result["leakage_check_passed"] is True


def test_tool_failures_are_results_the_model_can_read(agents_engine: Engine) -> None:
    tool = EXPERIMENT.tool("run_backtest")
    assert tool is not None
    window = {"start_date": START.isoformat(), "end_date": TODAY.isoformat()}
    unknown_model = tool.execute(
        context(agents_engine), {"store_id": 1, "product_id": 2, "model_type": "oracle", **window}
    )
    assert unknown_model.failed and "oracle" in unknown_model.result["error"]
    no_rows = tool.execute(context(agents_engine), {"store_id": 99, "product_id": 2, **window})
    assert no_rows.failed and no_rows.result["error_type"] == "NoDataError"
    bad_json = tool.execute(context(agents_engine), "{not json")
    assert bad_json.result["error_type"] == "invalid_arguments"
    extra = tool.execute(context(agents_engine), {"store_id": 1, "colour": "red"})
    assert extra.result["error_type"] == "invalid_arguments" and "colour" in extra.result["error"]


def test_proposals_use_the_scenario_slice(agents_engine: Engine) -> None:
    tool = EXPERIMENT.tool("propose_scenario")
    assert tool is not None
    promo = tool.execute(
        context(agents_engine),
        {"store_id": 1, "product_id": 2, "horizon": 7, "objective": "clear stock with a promo"},
    ).result
    assert promo["valid"] is True and promo["assumptions"]["promotion"]["kind"] == "pct_off"
    missing = tool.execute(
        context(agents_engine),
        {"store_id": 1, "product_id": 999, "horizon": 7, "objective": "grow"},
    ).result
    assert missing["valid"] is False and missing["missing"] == ["product_id=999"]


def test_backtest_comparison_is_per_metric_and_mae_based() -> None:
    compared = compare_metrics(
        {"mae": 4.0, "wape": 0.2, "rmse": None, "smape": 10.0},
        {"mae": 3.0, "wape": 0.25, "rmse": 5.0, "bias": 1.0, "smape": 10.0},
    )
    assert compared["metrics"] == {
        "mae": {
            "model_a": 4.0,
            "model_b": 3.0,
            "difference": -1.0,
            "percent_change": -25.0,
            "better_model": "b",
        },
        "smape": {
            "model_a": 10.0,
            "model_b": 10.0,
            "difference": 0.0,
            "percent_change": 0.0,
            "better_model": "a",
        },
        "wape": {
            "model_a": 0.2,
            "model_b": 0.25,
            "difference": pytest.approx(0.05),
            "percent_change": pytest.approx(25.0),
            "better_model": "a",
        },
    }
    assert (
        compared["recommendation"] == "Model B improves MAE by 25.0% over model A. Prefer model B."
    )
    assert "Keep model A" in compare_metrics({"mae": 2.0}, {"mae": 3.0})["recommendation"]
    assert "same MAE" in compare_metrics({"mae": 2.0}, {"mae": 2.0})["recommendation"]
    zero = compare_metrics({"mae": 0.0}, {"mae": 1.0})
    assert zero["metrics"]["mae"]["percent_change"] is None
    assert "zero MAE" in zero["recommendation"]


def test_retrieval_reads_the_knowledge_base(agents_engine: Engine) -> None:
    settings = Settings()
    index_document(
        agents_engine,
        settings,
        "markdown",
        "docs/agents-test/backfill.md",
        "# Backfills\n\nTo backfill a partition range, select the partitions in the Dagster UI "
        "and launch a backfill of the feature assets; the marts refresh incrementally.",
    )
    tool = RAG.tool("retrieve_context")
    assert tool is not None
    query = {"query": "How do I backfill partitions?", "threshold": 0.2}
    found = tool.execute(context(agents_engine, settings), query).result["results"]
    assert found[0]["source_path"] == "docs/agents-test/backfill.md"
    assert found[0]["similarity"] >= 0.2
    other_type = {**query, "source_type": "openapi"}
    assert tool.execute(context(agents_engine, settings), other_type).result["results"] == []


def test_citations_and_evidence() -> None:
    format_citations, check_evidence = RAG.tool("format_citations"), RAG.tool("check_evidence")
    assert format_citations is not None and check_evidence is not None
    chunk = {
        "chunk_id": "c1",
        "source_path": "docs/api/jobs.md",
        "source_type": "markdown",
        "similarity": 0.83456,
        "content": "j" * 300,
        "heading": "ignored",
    }
    [citation] = format_citations.execute(context_free(), {"chunks": [chunk]}).result["citations"]
    assert citation["relevance"] == 0.83 and len(citation["snippet"]) == 200
    assert citation["cite_as"] == "[docs/api/jobs.md:c1]"
    strict = context_free(threshold=0.7)
    enough = check_evidence.execute(strict, {"similarities": [0.9, 0.7]}).result
    assert enough == {"sufficient": True, "hits": 2, "mean_relevance": 0.8}
    weak = check_evidence.execute(strict, {"similarities": [0.9, 0.4]}).result
    assert weak["sufficient"] is False
    lenient = context_free(threshold=0.3)  # the offline embedder's default threshold
    assert check_evidence.execute(lenient, {"similarities": [0.9, 0.4]}).result["sufficient"]
    few = check_evidence.execute(context_free(), {"similarities": [0.9], "min_results": 2})
    assert few.result["sufficient"] is False


def context_free(threshold: float | None = None) -> ToolContext:
    """A context for the pure tools, which touch no database."""
    settings = Settings() if threshold is None else Settings(rag_similarity_threshold=threshold)
    return ToolContext(None, settings, "0" * 32)  # type: ignore[arg-type]
