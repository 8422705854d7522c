"""Run lifecycle (spec §8.1): transitions, timestamps, and the mirrored MLflow status."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from mlflow.tracking import MlflowClient

from forecastlab.registry import (
    STATUS_TAG,
    DuplicateRunError,
    InvalidTransitionError,
    RunNotFoundError,
    TagTooLongError,
    config_hash,
    create_run,
    get_run,
    transition,
    update_run,
)
from tests.forecastlab.registry.conftest import WINDOW_END, WINDOW_START


def _new_run() -> str:
    return create_run(
        "seasonal_naive",
        {"season_length": 7, "model_type": "seasonal_naive"},
        WINDOW_START,
        WINDOW_END,
        store_id=3,
        product_id=12,
        runtime_info_extras={"feature_frame_version": 2},
    ).run_id


def test_a_created_run_is_pending_with_its_fields(mlflow_client: MlflowClient) -> None:
    record = get_run(_new_run())
    assert record.status == "pending"
    assert mlflow_client.get_run(record.run_id).info.status == "SCHEDULED"
    assert record.tags[STATUS_TAG] == "pending"
    assert (record.store_id, record.product_id) == (3, 12)
    assert (record.data_window_start, record.data_window_end) == (WINDOW_START, WINDOW_END)
    assert record.config_hash == config_hash({"model_type": "seasonal_naive", "season_length": 7})
    assert record.feature_frame_version == 2
    assert set(record.runtime_info) >= {"python_version", "sklearn_version", "joblib_version"}
    assert record.started_at is None and record.completed_at is None


def test_the_lifecycle_moves_status_timestamps_and_mlflow_status(
    mlflow_client: MlflowClient,
) -> None:
    run_id = _new_run()
    with pytest.raises(InvalidTransitionError, match="allowed: running, archived"):
        transition(run_id, "success")  # skipping running
    with pytest.raises(InvalidTransitionError):
        transition(run_id, "pending")  # same state

    running = transition(run_id, "running")
    assert running.status == "running" and running.started_at is not None
    assert mlflow_client.get_run(run_id).info.status == "RUNNING"

    done = transition(run_id, "success")
    assert done.status == "success" and done.completed_at is not None
    assert done.completed_at >= done.started_at
    info = mlflow_client.get_run(run_id).info
    assert info.status == "FINISHED" and info.end_time is not None

    archived = transition(run_id, "archived")
    assert archived.status == "archived"
    assert mlflow_client.get_run(run_id).info.status == "FINISHED"  # archived keeps it
    for target in ("running", "success", "failed", "archived"):
        with pytest.raises(InvalidTransitionError, match="none \\(terminal\\)"):
            transition(run_id, target)


def test_a_failed_run_is_failed_in_mlflow(mlflow_client: MlflowClient) -> None:
    run_id = _new_run()
    transition(run_id, "running")
    assert transition(run_id, "failed").status == "failed"
    assert mlflow_client.get_run(run_id).info.status == "FAILED"


def test_unknown_runs_are_not_found(mlflow_client: MlflowClient) -> None:
    with pytest.raises(RunNotFoundError):
        get_run(uuid.uuid4().hex)
    with pytest.raises(RunNotFoundError):
        transition(uuid.uuid4().hex, "running")


def test_a_run_of_another_experiment_is_not_a_registry_run(mlflow_client: MlflowClient) -> None:
    other = mlflow_client.create_experiment(f"other-{uuid.uuid4().hex[:8]}")
    run = mlflow_client.create_run(other, tags={"model_type": "naive"})
    with pytest.raises(RunNotFoundError):
        get_run(run.info.run_id)


def test_the_duplicate_policy_is_the_callers(mlflow_client: MlflowClient) -> None:
    config = {"model_type": "naive", "tag": uuid.uuid4().hex}

    def make(**kwargs: Any) -> str:
        return create_run("naive", config, WINDOW_START, WINDOW_END, 5, 6, **kwargs).run_id

    first = make(duplicate_policy="deny")
    with pytest.raises(DuplicateRunError) as caught:
        make(duplicate_policy="deny")
    assert caught.value.run_ids == (first,)
    second = make(duplicate_policy="allow")
    third = make()  # detect (the default) creates it anyway
    with pytest.raises(DuplicateRunError) as caught:
        make(duplicate_policy="deny")
    assert set(caught.value.run_ids) == {first, second, third}
    make(duplicate_policy="deny", runtime_info_extras={"feature_frame_version": 2})


def test_json_fields_mlflow_would_truncate_are_refused(mlflow_client: MlflowClient) -> None:
    with pytest.raises(TagTooLongError, match="model_config"):
        create_run("naive", {"w": list(range(3000))}, WINDOW_START, WINDOW_END, 1, 1)
    run_id = _new_run()
    with pytest.raises(TagTooLongError, match="metrics"):
        update_run(run_id, metrics={f"m{i}": i for i in range(1000)})
    assert get_run(run_id).metrics is None  # spec §1.3: null until set


@pytest.mark.parametrize("value", ["2", 2.0, True, None])
def test_only_an_int_is_a_feature_frame_version(mlflow_client: MlflowClient, value: Any) -> None:
    extras = {"feature_frame_version": value}
    record = create_run("naive", {}, WINDOW_START, WINDOW_END, 1, 1, runtime_info_extras=extras)
    assert record.feature_frame_version is None and record.effective_frame_version == 1
    assert record.runtime_info["feature_frame_version"] == value
    assert "feature_frame_version" not in record.tags
