"""train_job, predict_job and backtest_job executed by Dagster in process on the small warehouse.

Each run writes its outcome to app.job_result under its Dagster run id: the synchronous
endpoint's body on success, the error (message, class) on failure — and then the run fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import Engine

from forecastlab.db.endpoints import Endpoints
from forecastlab.jobs.contract import JOB_NAMES, JOB_TYPE_TAG, JobType, run_config
from forecastlab.jobs.params import parse_params
from forecastlab.jobs.store import JobOutcome, fetch_outcomes
from forecastlab.registry import get_run
from orchestration.runs import run_job
from tests.dbt.conftest import Warehouse

SERIES = {"store_id": 1, "product_id": 2, "start_date": "2025-03-03", "end_date": "2025-06-30"}


@pytest.fixture(scope="module")
def on_small_warehouse(small_warehouse: Warehouse, endpoints: Endpoints) -> Iterator[Engine]:
    """The warehouse resource resolves DATABASE_URL when a run uses it: point it at the
    session's small warehouse (MLflow stays the session's store, exported by `endpoints`)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", small_warehouse.endpoints.app_libpq)
        yield small_warehouse.engine


@pytest.fixture(scope="module")
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def _launch(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    engine: Engine,
    job_type: JobType,
    params: dict[str, Any],
) -> tuple[dg.ExecuteInProcessResult, JobOutcome]:
    config = run_config(job_type, parse_params(job_type, params), params)
    result = run_job(defs, JOB_NAMES[job_type], instance=instance, run_config=config, check=False)
    return result, fetch_outcomes(engine, [result.run_id])[result.run_id]


@pytest.fixture(scope="module")
def trained(
    defs: dg.Definitions, instance: dg.DagsterInstance, on_small_warehouse: Engine
) -> tuple[dg.ExecuteInProcessResult, JobOutcome]:
    params = {**SERIES, "model_type": "seasonal_naive", "season_length": 7}
    return _launch(defs, instance, on_small_warehouse, "train", params)


def test_train_job_records_the_train_response(
    trained: tuple[dg.ExecuteInProcessResult, JobOutcome], instance: dg.DagsterInstance
) -> None:
    run, outcome = trained
    assert run.success
    assert instance.get_run_by_id(run.run_id).tags[JOB_TYPE_TAG] == "train"
    result = outcome.result
    assert result is not None and outcome.error_type is None
    assert (result["store_id"], result["product_id"]) == (1, 2)
    assert result["model_type"] == "seasonal_naive"
    assert result["train_end_date"] == "2025-06-30"
    assert result["n_observations"] > 0
    logged = get_run(result["run_id"])  # the MLflow run the job created
    assert (logged.model_type, logged.store_id, logged.product_id) == ("seasonal_naive", 1, 2)
    assert result["model_path"] == f"runs:/{result['run_id']}/model"


def test_predict_job_defaults_to_the_runs_series(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    on_small_warehouse: Engine,
    trained: tuple[dg.ExecuteInProcessResult, JobOutcome],
) -> None:
    run_id = trained[1].result["run_id"]  # type: ignore[index]
    run, outcome = _launch(
        defs, instance, on_small_warehouse, "predict", {"run_id": run_id, "horizon": 3}
    )
    assert run.success
    result = outcome.result
    assert result is not None
    assert (result["store_id"], result["product_id"], result["run_id"]) == (1, 2, run_id)
    assert [point["date"] for point in result["forecasts"]] == [
        "2025-07-01",
        "2025-07-02",
        "2025-07-03",
    ]


def test_backtest_job_records_summary_and_full_body(
    defs: dg.Definitions, instance: dg.DagsterInstance, on_small_warehouse: Engine
) -> None:
    params = {**SERIES, "model_type": "moving_average", "window_size": 7, "n_splits": 3}
    run, outcome = _launch(defs, instance, on_small_warehouse, "backtest", params)
    assert run.success
    result = outcome.result
    assert result is not None
    main = result["main_model_results"]
    assert result["model_type"] == main["model_type"] == "moving_average"
    assert result["n_splits"] == len(main["fold_results"]) == 3
    assert result["aggregated_metrics"] == main["aggregated_metrics"]
    assert set(result["aggregated_metrics"]) == {"mae", "rmse", "smape", "wape", "bias"}
    assert len(result["backtest_id"]) == 16
    assert {b["model_type"] for b in result["baseline_results"]} == {"naive", "seasonal_naive"}


@pytest.mark.parametrize(
    ("job_type", "params", "error_type", "message"),
    [
        ("train", {**SERIES, "store_id": 999}, "NoDataError", "No training data found"),
        ("predict", {"run_id": "0" * 32}, "RunNotFoundError", "not found"),
    ],
)
def test_a_failing_job_records_its_error_and_fails(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    on_small_warehouse: Engine,
    job_type: JobType,
    params: dict[str, Any],
    error_type: str,
    message: str,
) -> None:
    run, outcome = _launch(defs, instance, on_small_warehouse, job_type, params)
    assert not run.success
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert outcome.result is None
    assert outcome.error_type == error_type
    assert message in (outcome.error_message or "")
