"""/registry over the session's real MLflow store (spec §8): runs, verify, aliases, compare.

The registry writes only to MLflow, so the app runs over the session's main databases; every
test isolates its runs by a model_type or model_config of its own (the store is shared).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mlflow.tracking import MlflowClient

from forecastlab.db.endpoints import Endpoints
from forecastlab.registry import (
    PRODUCTION_ALIAS,
    AliasNotFoundError,
    config_hash,
    configure,
    create_run,
    delete_alias,
    get_alias,
    log_model_run,
    set_alias,
)
from serving.main import create_app
from tests.forecastlab.registry.conftest import last_value_spec, local_artifact_dir
from tests.serving.conftest import assert_problem, settings_for


@pytest.fixture(scope="module")
def api(endpoints: Endpoints) -> Iterator[TestClient]:
    """The API over the session's databases (the default duplicate policy, `detect`)."""
    with TestClient(create_app(settings_for(endpoints, endpoints))) as client:
        yield client


@pytest.fixture(scope="module")
def mlflow(endpoints: Endpoints) -> MlflowClient:
    """A plain MLflow client on the same store, to look behind the facade."""
    return configure()


@pytest.fixture(scope="module")
def logged_run_id(mlflow: MlflowClient) -> str:
    """A successful run with a logged model (read-only for the tests that share it)."""
    return log_model_run(last_value_spec(store_id=31, product_id=32)).run_id


def run_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /registry/runs body; a unique model_config keeps it from duplicating."""
    body: dict[str, Any] = {
        "model_type": "seasonal_naive",
        "model_config": {"season_length": 7, "tag": uuid.uuid4().hex},
        "data_window_start": "2025-01-01",
        "data_window_end": "2025-03-31",
        "store_id": 1,
        "product_id": 2,
    }
    return {**body, **overrides}


def create(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """Create a run and return its body."""
    response = client.post("/registry/runs", json=run_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def move(client: TestClient, run_id: str, *statuses: str) -> dict[str, Any]:
    """PATCH the run through `statuses` in order; the last body."""
    body: dict[str, Any] = {}
    for status in statuses:
        response = client.patch(f"/registry/runs/{run_id}", json={"status": status})
        assert response.status_code == 200, response.text
        body = response.json()
    return body


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def succeeded(client: TestClient, **overrides: Any) -> str:
    """A run created through the API and moved to success."""
    run_id = create(client, **overrides)["run_id"]
    move(client, run_id, "running", "success")
    return run_id


# --- POST /registry/runs, GET /registry/runs/{run_id} ---------------------------------------


def test_a_created_run_is_pending_with_every_field(api: TestClient, mlflow: MlflowClient) -> None:
    config = {"season_length": 7, "tag": uuid.uuid4().hex}
    groups = {"lags": ["lag_1", "lag_7"], "calendar": ["dow_sin"]}
    body = create(
        api,
        model_config=config,
        feature_config={"lags": [1, 7]},
        agent_context={"agent_id": "planner", "session_id": "s-1"},
        git_sha="a1b2c3d",
        runtime_info_extras={
            "python_version": "caller-wins",
            "feature_frame_version": 2,
            "feature_groups": groups,
        },
    )
    assert len(body["run_id"]) == 32 and int(body["run_id"], 16) >= 0
    assert body["status"] == "pending"
    assert body["model_config"] == config and body["config_hash"] == config_hash(config)
    assert body["feature_config"] == {"lags": [1, 7]}
    assert (body["data_window_start"], body["data_window_end"]) == ("2025-01-01", "2025-03-31")
    assert (body["store_id"], body["product_id"]) == (1, 2)
    assert body["runtime_info"]["python_version"] == "caller-wins"
    assert {"numpy_version", "pandas_version", "sklearn_version", "joblib_version"} <= set(
        body["runtime_info"]
    )
    assert body["feature_frame_version"] == 2 and body["feature_groups"] == groups
    assert body["model_family"] == "baseline"
    assert body["agent_context"] == {"agent_id": "planner", "session_id": "s-1"}
    assert body["git_sha"] == "a1b2c3d"
    assert body["metrics"] is None  # nullable until PATCHed (spec §1.3)
    assert body["artifact_uri"] is body["artifact_hash"] is body["artifact_size_bytes"] is None
    assert body["started_at"] is None and body["completed_at"] is None
    assert body["error_message"] is None
    assert body["created_at"] and body["updated_at"]

    assert api.get(f"/registry/runs/{body['run_id']}").json() == body
    run = mlflow.get_run(body["run_id"])
    assert run.info.status == "SCHEDULED"
    assert run.data.tags["git_sha"] == "a1b2c3d" and run.data.tags["model_type"] == "seasonal_naive"


def test_computed_fields_follow_the_model_type_and_runtime_info(api: TestClient) -> None:
    tree = create(api, model_type="lightgbm", runtime_info_extras={"feature_frame_version": "2"})
    assert tree["model_family"] == "tree"
    assert tree["feature_frame_version"] is None  # not an int: a V1 / legacy run
    assert tree["feature_groups"] is None
    assert create(api, model_type="prophet_like")["model_family"] == "additive"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"data_window_end": "2024-12-31"}, ""),
        ({"config": {}}, "config"),
        ({"runtime_info": {}}, "runtime_info"),
        ({"store_id": 0}, "store_id"),
        ({"product_id": "2"}, "product_id"),
        ({"model_type": ""}, "model_type"),
        ({"model_type": "x" * 51}, "model_type"),
        ({"git_sha": "f" * 41}, "git_sha"),
        ({"agent_context": {"agent_id": "a", "extra": 1}}, "agent_context.extra"),
        ({"data_window_start": "01/01/2025"}, "data_window_start"),
    ],
)
def test_invalid_create_bodies_are_422(
    api: TestClient, overrides: dict[str, Any], field: str
) -> None:
    body = assert_problem(
        api.post("/registry/runs", json=run_body(**overrides)), 422, "VALIDATION_ERROR"
    )
    assert field in {error["field"] for error in body["errors"]}


def test_model_config_is_required_under_its_wire_name(api: TestClient) -> None:
    body = run_body()
    del body["model_config"]
    problem = assert_problem(api.post("/registry/runs", json=body), 422, "VALIDATION_ERROR")
    assert [e["field"] for e in problem["errors"]] == ["model_config"]


def test_a_model_config_too_large_for_an_mlflow_tag_is_422(api: TestClient) -> None:
    huge = {"weights": list(range(3000))}
    problem = assert_problem(
        api.post("/registry/runs", json=run_body(model_config=huge)), 422, "UNPROCESSABLE_ENTITY"
    )
    assert "model_config" in problem["detail"]


@pytest.mark.parametrize("run_id", [uuid.uuid4().hex, "not-a-run", "0" * 200, "DROP TABLE runs"])
def test_unknown_or_malformed_run_ids_are_404(api: TestClient, run_id: str) -> None:
    assert_problem(api.get(f"/registry/runs/{run_id}"), 404, "NOT_FOUND")
    assert_problem(api.patch(f"/registry/runs/{run_id}", json={}), 404, "NOT_FOUND")
    assert_problem(api.get(f"/registry/runs/{run_id}/verify"), 404, "NOT_FOUND")


# --- duplicate policy ---------------------------------------------------------------------


@pytest.fixture
def api_with(
    client_for: Callable[..., TestClient], endpoints: Endpoints
) -> Callable[[str], TestClient]:
    """An API whose settings carry this registry_duplicate_policy."""
    return lambda policy: client_for(endpoints, registry_duplicate_policy=policy)


def test_deny_rejects_a_duplicate_with_409(api_with: Callable[[str], TestClient]) -> None:
    client = api_with("deny")
    body = run_body()
    first = create(client, **body)
    problem = assert_problem(client.post("/registry/runs", json=body), 409, "CONFLICT")
    assert first["run_id"] in problem["detail"]
    # D-21: a missing feature_frame_version is version 1, so an explicit 1 is the same key...
    same = {**body, "runtime_info_extras": {"feature_frame_version": 1}}
    assert_problem(client.post("/registry/runs", json=same), 409, "CONFLICT")
    # ...while a V2 run, another window or another series is not a duplicate.
    create(client, **{**body, "runtime_info_extras": {"feature_frame_version": 2}})
    create(client, **{**body, "data_window_end": "2025-04-01"})
    create(client, **{**body, "product_id": 3})
    # Archived runs no longer count.
    move(client, first["run_id"], "archived")
    create(client, **body)


@pytest.mark.parametrize("policy", ["allow", "detect"])
def test_allow_and_detect_create_duplicates(
    api_with: Callable[[str], TestClient], policy: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = api_with(policy)
    body = run_body()
    first, second = create(client, **body), create(client, **body)
    assert first["run_id"] != second["run_id"]
    assert first["config_hash"] == second["config_hash"]
    warned = [r for r in caplog.records if "duplicate" in r.getMessage()]
    assert bool(warned) == (policy == "detect")


# --- PATCH /registry/runs/{run_id} ---------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ["running", "success", "archived"],
        ["running", "failed", "archived"],
        ["running", "archived"],
        ["archived"],
    ],
)
def test_every_allowed_transition(api: TestClient, path: list[str]) -> None:
    run_id = create(api)["run_id"]
    for status in path:
        body = move(api, run_id, status)
        assert body["status"] == status
        if status == "running":
            assert body["started_at"] is not None and body["completed_at"] is None
        if status in ("success", "failed"):
            assert _time(body["completed_at"]) >= _time(body["started_at"])
    if path == ["archived"]:
        assert body["started_at"] is None and body["completed_at"] is None


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "pending"),
        ([], "success"),
        ([], "failed"),
        (["running"], "running"),
        (["running"], "pending"),
        (["running", "success"], "running"),
        (["running", "success"], "failed"),
        (["running", "failed"], "success"),
        (["archived"], "archived"),
        (["archived"], "running"),
    ],
)
def test_forbidden_transitions_are_400_and_change_nothing(
    api: TestClient, path: list[str], target: str
) -> None:
    run_id = create(api)["run_id"]
    before = move(api, run_id, *path) if path else api.get(f"/registry/runs/{run_id}").json()
    response = api.patch(
        f"/registry/runs/{run_id}", json={"status": target, "metrics": {"wape": 0.5}}
    )
    problem = assert_problem(response, 400, "BAD_REQUEST")
    assert f"to '{target}'" in problem["detail"] and "allowed:" in problem["detail"]
    assert api.get(f"/registry/runs/{run_id}").json() == before


def test_patch_replaces_metrics_and_sets_artifact_fields(
    api: TestClient, mlflow: MlflowClient
) -> None:
    created = create(api)
    run_id = created["run_id"]
    first = api.patch(
        f"/registry/runs/{run_id}",
        json={"metrics": {"wape": 0.3, "mae": 2, "h_1_7": {"wape": 0.1}, "note": "warm"}},
    ).json()
    assert first["metrics"] == {"wape": 0.3, "mae": 2, "h_1_7": {"wape": 0.1}, "note": "warm"}
    assert _time(first["updated_at"]) >= _time(created["updated_at"])
    logged = mlflow.get_run(run_id).data.metrics
    assert logged == {"wape": 0.3, "mae": 2.0, "h_1_7.wape": 0.1}

    second = api.patch(
        f"/registry/runs/{run_id}",
        json={
            "metrics": {"wape": 0.2},
            "artifact_uri": "model.bin",
            "artifact_hash": "ab" * 32,
            "artifact_size_bytes": 0,
            "error_message": "e" * 2000,
        },
    ).json()
    assert second["metrics"] == {"wape": 0.2}  # the whole dict is replaced
    assert second["artifact_uri"] == "model.bin" and second["artifact_hash"] == "ab" * 32
    assert second["artifact_size_bytes"] == 0 and second["error_message"] == "e" * 2000
    assert mlflow.get_run(run_id).data.metrics["wape"] == 0.2

    # Absent and null fields stay as they are.
    third = api.patch(f"/registry/runs/{run_id}", json={"metrics": None, "artifact_uri": None})
    assert third.status_code == 200
    assert {k: v for k, v in third.json().items() if k != "updated_at"} == {
        k: v for k, v in second.items() if k != "updated_at"
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"runtime_info": {"python_version": "x"}}, "runtime_info"),
        ({"status": "done"}, "status"),
        ({"error_message": "e" * 2001}, "error_message"),
        ({"artifact_size_bytes": -1}, "artifact_size_bytes"),
        ({"artifact_hash": "f" * 65}, "artifact_hash"),
        ({"artifact_uri": "u" * 501}, "artifact_uri"),
        ({"metrics": [1, 2]}, "metrics"),
    ],
)
def test_invalid_patch_bodies_are_422(api: TestClient, body: dict[str, Any], field: str) -> None:
    run_id = create(api)["run_id"]
    problem = assert_problem(
        api.patch(f"/registry/runs/{run_id}", json=body), 422, "VALIDATION_ERROR"
    )
    assert field in {error["field"] for error in problem["errors"]}


# --- GET /registry/runs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed(api: TestClient) -> dict[str, Any]:
    """Five runs of a model type of their own: stores 2, 10, 10, 1 and one with a quote."""
    model_type = f"list-{uuid.uuid4().hex[:8]}"
    ids = {
        "s2": create(api, model_type=model_type, store_id=2, product_id=7)["run_id"],
        "s10": create(api, model_type=model_type, store_id=10, product_id=5)["run_id"],
        "s10b": create(api, model_type=model_type, store_id=10, product_id=6)["run_id"],
        "s1": create(api, model_type=model_type, store_id=1, product_id=9)["run_id"],
    }
    move(api, ids["s10"], "running")
    move(api, ids["s1"], "running", "success")
    odd = f"odd 'quoted' \"type\" {uuid.uuid4().hex[:6]}"
    return {"model_type": model_type, "ids": ids, "odd": odd, "odd_id": create(api, model_type=odd)}


def _list(api: TestClient, **params: Any) -> dict[str, Any]:
    response = api.get("/registry/runs", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_filters_narrow_and_total_counts_the_whole_result(
    api: TestClient, listed: dict[str, Any]
) -> None:
    ids, model_type = listed["ids"], listed["model_type"]
    everything = _list(api, model_type=model_type)
    assert everything["total"] == 4 and {r["run_id"] for r in everything["runs"]} == set(
        ids.values()
    )
    assert (everything["page"], everything["page_size"]) == (1, 20)
    by_store = _list(api, model_type=model_type, store_id=10)
    assert {r["run_id"] for r in by_store["runs"]} == {ids["s10"], ids["s10b"]}
    both = _list(api, model_type=model_type, store_id=10, product_id=6)
    assert [r["run_id"] for r in both["runs"]] == [ids["s10b"]] and both["total"] == 1
    pending = _list(api, model_type=model_type, status="pending")
    assert {r["run_id"] for r in pending["runs"]} == {ids["s2"], ids["s10b"]}
    assert _list(api, model_type=model_type, status="archived") == {
        "runs": [],
        "total": 0,
        "page": 1,
        "page_size": 20,
    }
    odd = _list(api, model_type=listed["odd"])
    assert [r["run_id"] for r in odd["runs"]] == [listed["odd_id"]["run_id"]]


def test_store_and_product_ids_sort_numerically(api: TestClient, listed: dict[str, Any]) -> None:
    ids, model_type = listed["ids"], listed["model_type"]
    ascending = _list(api, model_type=model_type, sort_by="store_id", sort_order="asc")["runs"]
    assert [r["store_id"] for r in ascending] == [1, 2, 10, 10]
    ties = sorted([ids["s10"], ids["s10b"]])
    assert [r["run_id"] for r in ascending[2:]] == ties  # the run id breaks ties
    descending = _list(api, model_type=model_type, sort_by="store_id")["runs"]
    assert [r["store_id"] for r in descending] == [10, 10, 2, 1]
    by_product = _list(api, model_type=model_type, sort_by="product_id", sort_order="asc")
    assert [r["product_id"] for r in by_product["runs"]] == [5, 6, 7, 9]
    by_status = _list(api, model_type=model_type, sort_by="status", sort_order="asc")["runs"]
    assert [r["status"] for r in by_status] == ["pending", "pending", "running", "success"]


def test_runs_without_a_grain_sort_like_nulls(api: TestClient) -> None:
    model_type = f"grain-{uuid.uuid4().hex[:8]}"
    create(api, model_type=model_type, store_id=3)
    create(api, model_type=model_type, store_id=2)
    create_run(model_type, {}, date(2025, 1, 1), date(2025, 3, 31))  # a global model's run
    ascending = _list(api, model_type=model_type, sort_by="store_id", sort_order="asc")
    assert [r["store_id"] for r in ascending["runs"]] == [2, 3, None]
    descending = _list(api, model_type=model_type, sort_by="store_id")
    assert [r["store_id"] for r in descending["runs"]] == [None, 3, 2]
    assert descending["runs"][0]["product_id"] is None


@pytest.mark.parametrize("sort_by", [None, "created_at", "no_such_column", "run_id"])
def test_the_default_order_is_created_at_desc_then_run_id(
    api: TestClient, listed: dict[str, Any], sort_by: str | None
) -> None:
    params = {"model_type": listed["model_type"]}
    if sort_by:
        params["sort_by"] = sort_by
    runs = _list(api, **params)["runs"]
    keys = [(_time(r["created_at"]), r["run_id"]) for r in runs]
    assert keys == sorted(keys, reverse=True)
    ascending = _list(api, **params, sort_order="asc")["runs"]
    if sort_by in (None, "created_at"):
        assert ascending == runs[::-1]
    else:  # an unknown sort_by is the whole default, order included (spec §0.3)
        assert ascending == runs


def test_pages_slice_the_sorted_result(api: TestClient, listed: dict[str, Any]) -> None:
    params = {"model_type": listed["model_type"], "sort_by": "store_id", "sort_order": "asc"}
    first = _list(api, **params, page_size=3)
    second = _list(api, **params, page_size=3, page=2)
    beyond = _list(api, **params, page_size=3, page=5)
    assert [r["store_id"] for r in first["runs"]] == [1, 2, 10]
    assert [r["store_id"] for r in second["runs"]] == [10]
    assert (first["total"], second["total"], beyond["total"]) == (4, 4, 4)
    assert beyond["runs"] == [] and (second["page"], second["page_size"]) == (2, 3)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "query.status"),
        ({"sort_order": "up"}, "query.sort_order"),
        ({"page": 0}, "query.page"),
        ({"page_size": 101}, "query.page_size"),
        ({"store_id": 0}, "query.store_id"),
        ({"product_id": "x"}, "query.product_id"),
    ],
)
def test_invalid_list_parameters_are_422(
    api: TestClient, params: dict[str, Any], field: str
) -> None:
    problem = assert_problem(api.get("/registry/runs", params=params), 422, "VALIDATION_ERROR")
    assert [e["field"] for e in problem["errors"]] == [field]


# --- GET /registry/runs/{run_id}/verify ----------------------------------------------------


def test_a_logged_model_verifies(api: TestClient, logged_run_id: str) -> None:
    body = api.get(f"/registry/runs/{logged_run_id}/verify").json()
    run = api.get(f"/registry/runs/{logged_run_id}").json()
    assert body == {
        "verified": True,
        "run_id": logged_run_id,
        "artifact_uri": f"runs:/{logged_run_id}/model",
        "stored_hash": run["artifact_hash"],
        "computed_hash": run["artifact_hash"],
    }


def test_a_tampered_model_fails_verification(api: TestClient, mlflow: MlflowClient) -> None:
    run_id = log_model_run(last_value_spec(store_id=33, product_id=34)).run_id
    stored = api.get(f"/registry/runs/{run_id}").json()["artifact_hash"]
    mlmodel = local_artifact_dir(mlflow, run_id) / "model" / "MLmodel"
    mlmodel.write_text(mlmodel.read_text() + "\n# edited\n")
    body = api.get(f"/registry/runs/{run_id}/verify").json()
    assert set(body) == {"verified", "run_id", "artifact_uri", "error"}
    assert body["verified"] is False and body["run_id"] == run_id
    assert body["error"].startswith(f"artifact hash mismatch: expected {stored}, got ")


@pytest.mark.parametrize("as_uri", [False, True])
def test_a_patched_file_artifact_verifies_by_its_sha256(
    api: TestClient, mlflow: MlflowClient, tmp_path: Path, as_uri: bool
) -> None:
    run_id = create(api)["run_id"]
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"\x00\x01weights" * 1000)
    mlflow.log_artifact(run_id, str(weights), "data")
    uri = f"runs:/{run_id}/data/weights.bin" if as_uri else "data/weights.bin"
    sha = hashlib.sha256(weights.read_bytes()).hexdigest()
    api.patch(f"/registry/runs/{run_id}", json={"artifact_uri": uri, "artifact_hash": sha})
    body = api.get(f"/registry/runs/{run_id}/verify").json()
    assert body["verified"] is True and body["computed_hash"] == sha
    assert body["artifact_uri"] == uri


def test_verify_needs_a_recorded_artifact_and_hash(api: TestClient) -> None:
    run_id = create(api)["run_id"]
    assert_problem(api.get(f"/registry/runs/{run_id}/verify"), 400, "BAD_REQUEST")
    api.patch(f"/registry/runs/{run_id}", json={"artifact_uri": "model"})
    assert_problem(api.get(f"/registry/runs/{run_id}/verify"), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "uri",
    [
        "../other/model",
        "model/../../escape",
        "runs:/{run_id}/../model",
        "/etc/passwd",
        "file:///etc/passwd",
        "s3://bucket/model",
        "models:/forecastlab-demand@production",
        "runs:/not-a-run-id/model",
        "model//weights",
    ],
)
def test_escaping_artifact_uris_are_400(api: TestClient, uri: str) -> None:
    run_id = create(api)["run_id"]
    api.patch(
        f"/registry/runs/{run_id}",
        json={"artifact_uri": uri.format(run_id=run_id), "artifact_hash": "ab" * 32},
    )
    assert_problem(api.get(f"/registry/runs/{run_id}/verify"), 400, "BAD_REQUEST")


@pytest.mark.parametrize("uri", ["missing/model", f"runs:/{uuid.uuid4().hex}/model"])
def test_an_artifact_missing_from_the_store_is_404(api: TestClient, uri: str) -> None:
    run_id = create(api)["run_id"]
    api.patch(f"/registry/runs/{run_id}", json={"artifact_uri": uri, "artifact_hash": "ab" * 32})
    problem = assert_problem(api.get(f"/registry/runs/{run_id}/verify"), 404, "NOT_FOUND")
    assert "not in the artifact store" in problem["detail"]


# --- /registry/aliases ---------------------------------------------------------------------


def _alias_name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def test_alias_lifecycle(api: TestClient, logged_run_id: str) -> None:
    name = _alias_name()
    created = api.post(
        "/registry/aliases",
        json={"alias_name": name, "run_id": logged_run_id, "description": "first pick"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {
        "alias_name",
        "run_id",
        "run_status",
        "model_type",
        "description",
        "created_at",
        "updated_at",
    }
    assert (body["alias_name"], body["run_id"], body["run_status"]) == (
        name,
        logged_run_id,
        "success",
    )
    assert body["model_type"] == "naive" and body["description"] == "first pick"
    assert api.get(f"/registry/aliases/{name}").json() == body

    other = succeeded(api)
    moved = api.post("/registry/aliases", json={"alias_name": name, "run_id": other})
    assert moved.status_code == 201
    assert moved.json()["run_id"] == other and moved.json()["description"] is None
    assert moved.json()["created_at"] == body["created_at"]  # upsert keeps the creation time

    second = _alias_name()
    api.post("/registry/aliases", json={"alias_name": second, "run_id": logged_run_id})
    listing = api.get("/registry/aliases").json()
    names = [alias["alias_name"] for alias in listing]
    assert names == sorted(names) and {name, second} <= set(names)

    # Archiving the target is allowed; the alias stays and reports it.
    move(api, other, "archived")
    assert api.get(f"/registry/aliases/{name}").json()["run_status"] == "archived"

    deleted = api.delete(f"/registry/aliases/{name}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(api.get(f"/registry/aliases/{name}"), 404, "NOT_FOUND")
    assert_problem(api.delete(f"/registry/aliases/{name}"), 404, "NOT_FOUND")
    assert name not in {alias["alias_name"] for alias in api.get("/registry/aliases").json()}
    api.delete(f"/registry/aliases/{second}")


@pytest.mark.parametrize(
    "name", ["latest", "v3", "v10", "Bad", "-dash", "_x", "has space", "dot.ted", "", "x" * 101]
)
def test_invalid_and_reserved_alias_names_are_422(
    api: TestClient, logged_run_id: str, name: str
) -> None:
    response = api.post("/registry/aliases", json={"alias_name": name, "run_id": logged_run_id})
    problem = assert_problem(response, 422, "VALIDATION_ERROR")
    assert [e["field"] for e in problem["errors"]] == ["alias_name"]


def test_alias_names_at_the_limits_are_accepted(api: TestClient, logged_run_id: str) -> None:
    for name in ("x" * 100, "v1x", "latest-2", "0"):
        response = api.post("/registry/aliases", json={"alias_name": name, "run_id": logged_run_id})
        assert response.status_code == 201, response.text
        api.delete(f"/registry/aliases/{name}")


def test_alias_on_an_unknown_run_is_404(api: TestClient) -> None:
    for run_id in (uuid.uuid4().hex, "not-a-run"):
        response = api.post("/registry/aliases", json={"alias_name": "nope", "run_id": run_id})
        assert_problem(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("path", [[], ["running"], ["running", "failed"], ["archived"]])
def test_alias_on_a_run_that_is_not_success_is_400(api: TestClient, path: list[str]) -> None:
    run_id = create(api)["run_id"]
    status = move(api, run_id, *path)["status"] if path else "pending"
    response = api.post("/registry/aliases", json={"alias_name": _alias_name(), "run_id": run_id})
    problem = assert_problem(response, 400, "BAD_REQUEST")
    assert f"is {status}" in problem["detail"]


def test_production_is_reserved_for_portfolios(api: TestClient, logged_run_id: str) -> None:
    response = api.post(
        "/registry/aliases", json={"alias_name": PRODUCTION_ALIAS, "run_id": logged_run_id}
    )
    assert "portfolio" in assert_problem(response, 400, "BAD_REQUEST")["detail"]

    portfolio = succeeded(api, model_type="portfolio")
    try:
        previous = get_alias(PRODUCTION_ALIAS).run_id
    except AliasNotFoundError:
        previous = None
    try:
        response = api.post(
            "/registry/aliases", json={"alias_name": PRODUCTION_ALIAS, "run_id": portfolio}
        )
        assert response.status_code == 201 and response.json()["model_type"] == "portfolio"
    finally:  # the session's production alias belongs to the pipeline tests
        if previous is None:
            delete_alias(PRODUCTION_ALIAS)
        else:
            set_alias(PRODUCTION_ALIAS, previous)


def test_a_successful_run_without_a_model_can_be_aliased(api: TestClient) -> None:
    run_id = succeeded(api)
    name = _alias_name()
    response = api.post("/registry/aliases", json={"alias_name": name, "run_id": run_id})
    assert response.status_code == 201 and response.json()["run_status"] == "success"
    api.delete(f"/registry/aliases/{name}")


def test_alias_bodies_are_strict(api: TestClient, logged_run_id: str) -> None:
    for body in (
        {"alias_name": "ok", "run_id": logged_run_id, "owner": "me"},
        {"alias_name": "ok", "run_id": logged_run_id, "description": "d" * 501},
        {"alias_name": "ok"},
    ):
        assert_problem(api.post("/registry/aliases", json=body), 422, "VALIDATION_ERROR")


# --- GET /registry/compare/{a}/{b} ---------------------------------------------------------


def test_compare_diffs_configs_and_metrics(api: TestClient) -> None:
    a = create(api, model_config={"season_length": 7, "trim": True, "only_a": 1})["run_id"]
    b = create(api, model_config={"season_length": 14, "trim": True, "only_b": "x"})["run_id"]
    api.patch(f"/registry/runs/{a}", json={"metrics": {"wape": 0.25, "mae": 3, "note": "a"}})
    api.patch(f"/registry/runs/{b}", json={"metrics": {"wape": 0.5, "rmse": 4.0, "note": "b"}})
    body = api.get(f"/registry/compare/{a}/{b}").json()
    assert body["run_a"]["run_id"] == a and body["run_b"]["run_id"] == b
    assert body["config_diff"] == {
        "only_a": {"a": 1, "b": None},
        "only_b": {"a": None, "b": "x"},
        "season_length": {"a": 7, "b": 14},
    }
    assert body["metrics_diff"] == {
        "mae": {"a": 3.0, "b": None, "diff": None},
        "note": {"a": None, "b": None, "diff": None},
        "rmse": {"a": None, "b": 4.0, "diff": None},
        "wape": {"a": 0.25, "b": 0.5, "diff": 0.25},
    }
    assert body["comparable"] is True


@pytest.mark.parametrize(
    ("overrides", "comparable"),
    [
        ({"data_window_start": "2025-03-31", "data_window_end": "2025-05-01"}, True),
        ({"data_window_start": "2025-04-01", "data_window_end": "2025-05-01"}, False),
        ({"store_id": 9}, False),
        ({"product_id": 9}, False),
        ({"runtime_info_extras": {"feature_frame_version": 1}}, True),
        ({"runtime_info_extras": {"feature_frame_version": 2}}, False),
    ],
)
def test_comparable_needs_grain_overlap_and_frame_version(
    api: TestClient, overrides: dict[str, Any], comparable: bool
) -> None:
    a = create(api)["run_id"]
    b = create(api, **overrides)["run_id"]
    assert api.get(f"/registry/compare/{a}/{b}").json()["comparable"] is comparable


def test_compare_with_a_missing_run_is_404(api: TestClient, logged_run_id: str) -> None:
    missing = uuid.uuid4().hex
    assert_problem(api.get(f"/registry/compare/{missing}/{logged_run_id}"), 404, "NOT_FOUND")
    assert_problem(api.get(f"/registry/compare/{logged_run_id}/{missing}"), 404, "NOT_FOUND")
