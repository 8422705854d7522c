"""Logged models: what a run records, the pyfunc round trip in a fresh process, integrity."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import uuid

import numpy as np
import pytest
from mlflow.tracking import MlflowClient

from forecastlab.registry import (
    STATUS_TAG,
    AliasNotFoundError,
    ModelRunSpec,
    Portfolio,
    RegistryError,
    RunNotFoundError,
    create_run,
    get_run,
    load_model,
    log_model_run,
    set_alias,
    verify,
)
from forecastlab.registry.modelrun import PLOT_ARTIFACT
from forecastlab.settings import PROJECT_ROOT
from tests.forecastlab.registry.conftest import (
    WINDOW_END,
    WINDOW_START,
    last_value_spec,
    local_artifact_dir,
    plot_data,
)
from tests.forecastlab.registry.forecasters import (
    GlobalScaled,
    GradientBoosted,
    LastValue,
    feature_frame,
)


def test_a_logged_run_records_params_metrics_tags_and_artifacts(
    mlflow_client: MlflowClient,
) -> None:
    config = {"model_type": "naive", "window": {"size": 7, "weights": [1, 2]}}
    spec = last_value_spec(store_id=4, product_id=9)
    spec.model_config = config
    spec.metrics = {"wape": 0.2, "mae": 1.5}
    spec.bucket_metrics = {"h_1_7": {"wape": 0.1}, "h_8_14": {"wape": 0.3}}
    spec.tags = {"dagster_run_id": "dagster-123"}
    spec.plot = plot_data()
    record = log_model_run(spec)

    again = get_run(record.run_id)
    assert again == record
    assert record.status == "success" and record.tags[STATUS_TAG] == "success"
    assert record.metrics == {"wape": 0.2, "mae": 1.5, "h_1_7.wape": 0.1, "h_8_14.wape": 0.3}
    recipe = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    assert record.config_hash == recipe and record.model_config == config
    assert (record.store_id, record.product_id) == (4, 9)
    assert record.artifact_uri == f"runs:/{record.run_id}/model"
    assert len(record.artifact_hash) == 64 and record.artifact_size_bytes > 0
    assert record.started_at is not None and record.completed_at is not None

    run = mlflow_client.get_run(record.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["window.size"] == "7"
    assert run.data.params["window.weights"] == "[1, 2]"
    assert run.data.metrics["h_1_7.wape"] == 0.1 and run.data.metrics["wape"] == 0.2
    assert run.data.tags["dagster_run_id"] == "dagster-123"
    assert run.data.tags["model_type"] == "naive"
    assert run.data.tags["data_window_start"] == WINDOW_START.isoformat()
    assert run.data.tags["data_window_end"] == WINDOW_END.isoformat()
    assert run.data.tags["code_version"].startswith("0.1.0")
    assert json.loads(run.data.tags["forecastlab.runtime_info"])["numpy_version"]

    plots = {a.path for a in mlflow_client.list_artifacts(record.run_id, "plots")}
    assert PLOT_ARTIFACT in plots
    png = local_artifact_dir(mlflow_client, record.run_id) / PLOT_ARTIFACT
    assert png.read_bytes().startswith(b"\x89PNG")
    model_files = {a.path for a in mlflow_client.list_artifacts(record.run_id, "model")}
    assert {"model/MLmodel", "model/requirements.txt", "model/artifacts"} <= model_files
    assert "model/uv.lock" not in model_files  # independent of the working directory

    # The recorded hash follows the recipe: sha256 over sorted "path<TAB>sha256" lines.
    model_dir = png.parent.parent / "model"
    files = sorted(p for p in model_dir.rglob("*") if p.is_file())
    manifest = "".join(
        f"{p.relative_to(model_dir).as_posix()}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
        for p in files
    )
    assert record.artifact_hash == hashlib.sha256(manifest.encode()).hexdigest()
    assert record.artifact_size_bytes == sum(p.stat().st_size for p in files)


def test_a_logging_failure_leaves_the_run_failed(mlflow_client: MlflowClient) -> None:
    spec = last_value_spec()
    spec.model = lambda h: h  # not picklable by joblib: logging the model fails
    spec.tags = {"marker": "unpicklable"}
    with pytest.raises(Exception, match="pickle"):
        log_model_run(spec)
    [run] = mlflow_client.search_runs(
        [mlflow_client.get_experiment_by_name("forecastlab").experiment_id],
        "tags.marker = 'unpicklable'",
    )
    assert run.info.status == "FAILED"
    assert get_run(run.info.run_id).status == "failed"
    # the run names the error's class; its text (which may quote paths) stays in the logs
    message = get_run(run.info.run_id).error_message
    assert "an internal error occurred" in message and "Error" in message.split(":")[0]


def test_models_round_trip_through_aliases_in_a_fresh_process(
    mlflow_client: MlflowClient,
) -> None:
    naive = log_model_run(last_value_spec(store_id=1, product_id=1, last=7.0))

    y, X = feature_frame(200)
    boosted_model = GradientBoosted().fit(y, X)
    future = feature_frame(5, seed=1)[1]
    boosted = log_model_run(
        ModelRunSpec(
            model_type="regression",
            model=boosted_model,
            model_config={"model_type": "regression", "max_iter": 30},
            store_id=2,
            product_id=5,
            data_window_start=WINDOW_START,
            data_window_end=WINDOW_END,
            feature_frame_version=1,
            feature_columns=list(X.columns),
            history_tail=y[-90:].tolist(),
            baseline_price=9.99,
            input_example=future.assign(store_id=2, product_id=5, horizon=5),
        )
    )
    portfolio = Portfolio(
        {(1, 1): LastValue().fit(np.array([3.0])), (1, 2): LastValue().fit(np.array([8.0]))},
        default=GlobalScaled(),
        metadata={"leaderboard": "test"},
    )
    spec = last_value_spec()
    spec.model_type, spec.model, spec.store_id, spec.product_id = "portfolio", portfolio, None, None
    portfolio_run = log_model_run(spec)

    set_alias("staging", boosted.run_id)
    set_alias("baseline", naive.run_id)
    set_alias("production", portfolio_run.run_id)

    script = textwrap.dedent(
        """
        import json, sys
        import pandas as pd
        from forecastlab.registry import load_model
        requests = json.loads(sys.stdin.read())
        out = {}
        for uri, rows in requests.items():
            model = load_model(uri)
            out[uri] = model.predict(pd.DataFrame(rows)).to_dict("list")
        print(json.dumps(out))
        """
    )
    requests = {
        "models:/forecastlab-demand@staging": future.assign(horizon=5).to_dict("list"),
        "models:/forecastlab-demand@baseline": {"horizon": [3]},
        "models:/forecastlab-demand@production": {
            "store_id": [1, 1, 4],
            "product_id": [1, 2, 7],
            "horizon": [2, 1, 2],
        },
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(requests),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])

    staging = answers["models:/forecastlab-demand@staging"]
    assert staging["forecast"] == boosted_model.predict(5, future).tolist()
    assert staging["step"] == [1, 2, 3, 4, 5]
    assert staging["store_id"] == [2] * 5  # filled in from the model's own grain
    baseline = answers["models:/forecastlab-demand@baseline"]
    assert baseline["forecast"] == [7.0, 7.0, 7.0]
    production = answers["models:/forecastlab-demand@production"]
    assert production["forecast"] == [3.0, 3.0, 8.0, 407.0, 814.0]
    assert production["product_id"] == [1, 1, 2, 7, 7]
    assert production["step"] == [1, 2, 1, 1, 2]

    # The bundle travels with the model (spec §6.6), and a model only answers its own series.
    loaded = load_model(f"runs:/{boosted.run_id}/model")
    bundle = loaded.unwrap_python_model().bundle
    assert bundle["feature_columns"] == ["lag_1", "promo_active"]
    assert bundle["baseline_price"] == 9.99 and len(bundle["history_tail"]) == 90
    with pytest.raises(ValueError, match="trained for store_id 2"):
        loaded.predict(future.assign(horizon=5, store_id=3))


@pytest.mark.parametrize(
    "uri",
    [
        "/tmp/model.joblib",
        "models:/other-model@production",
        "models:/forecastlab-demand/3",
        "runs:/abc/model",
    ],
)
def test_only_registry_uris_load(mlflow_client: MlflowClient, uri: str) -> None:
    with pytest.raises(RegistryError, match="unsupported model URI"):
        load_model(uri)


def test_missing_runs_aliases_and_models_are_reported(mlflow_client: MlflowClient) -> None:
    with pytest.raises(RunNotFoundError):
        load_model(f"runs:/{uuid.uuid4().hex}/model")
    with pytest.raises(AliasNotFoundError):
        load_model("models:/forecastlab-demand@no-such-alias")
    bare = create_run("naive", {}, WINDOW_START, WINDOW_END, 1, 1).run_id
    with pytest.raises(RegistryError, match="no model artifact"):
        verify(bare)


def test_verify_detects_one_changed_byte_in_the_pickled_model(
    mlflow_client: MlflowClient,
) -> None:
    record = log_model_run(last_value_spec())
    ok = verify(record.run_id)
    assert ok.verified and ok.stored_hash == ok.computed_hash == record.artifact_hash

    pickled = local_artifact_dir(mlflow_client, record.run_id) / "model/artifacts"
    [model_file] = [p for p in pickled.iterdir() if p.suffix == ".joblib"]
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    model_file.write_bytes(bytes(data))

    bad = verify(record.run_id)
    assert not bad.verified
    assert bad.stored_hash == record.artifact_hash and bad.computed_hash != bad.stored_hash
    assert (
        bad.error == f"artifact hash mismatch: expected {bad.stored_hash}, got {bad.computed_hash}"
    )
