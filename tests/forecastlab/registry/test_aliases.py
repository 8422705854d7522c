"""Aliases of `forecastlab-demand`: the contract's rules plus MLflow's reserved names."""

from __future__ import annotations

import uuid

import pytest
from mlflow.tracking import MlflowClient

from forecastlab.registry import (
    REGISTERED_MODEL,
    AliasError,
    AliasNotFoundError,
    RegistryError,
    RunNotFoundError,
    create_run,
    delete_alias,
    get_alias,
    list_aliases,
    load_model,
    log_model_run,
    set_alias,
    transition,
)
from tests.forecastlab.registry.conftest import WINDOW_END, WINDOW_START, last_value_spec


@pytest.fixture(scope="module")
def logged_run_id(mlflow_client: MlflowClient) -> str:
    """One successful single-series model run."""
    return log_model_run(last_value_spec(store_id=7, product_id=7)).run_id


@pytest.mark.parametrize(
    "name", ["latest", "v3", "v10", "Bad", "-dash", "has space", "", "x" * 101]
)
def test_invalid_and_reserved_names_are_rejected(logged_run_id: str, name: str) -> None:
    with pytest.raises(AliasError) as caught:
        set_alias(name, logged_run_id)
    assert caught.value.problem == "invalid_name"


def test_production_is_only_for_portfolios(logged_run_id: str) -> None:
    with pytest.raises(AliasError, match="portfolio") as caught:
        set_alias("production", logged_run_id)
    assert caught.value.problem == "not_portfolio"


def test_unknown_run_is_not_found(mlflow_client: MlflowClient) -> None:
    with pytest.raises(RunNotFoundError):
        set_alias("candidate", uuid.uuid4().hex)


def test_only_successful_runs_can_be_aliased(mlflow_client: MlflowClient) -> None:
    run_id = create_run("naive", {}, WINDOW_START, WINDOW_END, 1, 1).run_id
    transition(run_id, "running")
    transition(run_id, "failed")
    with pytest.raises(AliasError, match="failed") as caught:
        set_alias("candidate", run_id)
    assert caught.value.problem == "not_success"


def test_alias_lifecycle_reuses_the_version_and_keeps_metadata(
    mlflow_client: MlflowClient, logged_run_id: str
) -> None:
    first = set_alias("champion-a", logged_run_id, description="first pick")
    assert (first.run_id, first.run_status, first.model_type) == (logged_run_id, "success", "naive")
    second = set_alias("champion-b", logged_run_id)
    assert second.version == first.version  # one registered version per run
    versions = mlflow_client.search_model_versions(f"run_id = '{logged_run_id}'")
    assert len(versions) == 1

    other = log_model_run(last_value_spec(store_id=8, product_id=8)).run_id
    moved = set_alias("champion-a", other, description="second pick")
    assert moved.run_id == other and moved.version != first.version
    assert moved.created_at == first.created_at and moved.updated_at > first.updated_at
    assert get_alias("champion-a").description == "second pick"
    model = mlflow_client.get_registered_model(REGISTERED_MODEL)
    assert int(model.aliases["champion-a"]) == moved.version

    names = [a.alias_name for a in list_aliases()]
    assert names == sorted(names) and {"champion-a", "champion-b"} <= set(names)

    # Archiving the target is allowed; the alias reports it.
    transition(other, "archived")
    assert get_alias("champion-a").run_status == "archived"

    delete_alias("champion-a")
    with pytest.raises(AliasNotFoundError):
        get_alias("champion-a")
    with pytest.raises(AliasNotFoundError):
        delete_alias("champion-a")
    assert "champion-a" not in {a.alias_name for a in list_aliases()}


def test_a_successful_run_without_a_model_is_aliased_but_not_loadable(
    mlflow_client: MlflowClient,
) -> None:
    run_id = create_run("naive", {}, WINDOW_START, WINDOW_END, 1, 1).run_id
    transition(run_id, "running")
    transition(run_id, "success")
    alias = set_alias("model-less", run_id)
    version = mlflow_client.get_model_version(REGISTERED_MODEL, str(alias.version))
    assert version.source == f"runs:/{run_id}" and version.run_id == run_id
    with pytest.raises(RegistryError, match="no logged model"):
        load_model(f"models:/{REGISTERED_MODEL}@model-less")
    delete_alias("model-less")
