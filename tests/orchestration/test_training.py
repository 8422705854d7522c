"""The training and forecast assets materialized through Dagster on a small seeded warehouse."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dagster as dg
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.registry import REGISTERED_MODEL, get_alias, get_run, load_model
from forecastlab.training.portfolio import CHALLENGER_ALIAS
from forecastlab.training.shards import shard_keys
from orchestration.defs.forecasting.resources import TrainingResource
from orchestration.runs import run_job
from tests.dbt.conftest import new_warehouse, seed

SMALL = TrainingResource(
    horizon=14,
    n_splits=3,
    min_train_size=30,
    feature_sample=2,
    global_n_estimators=20,
    global_models=["lightgbm", "hgb"],
)
SHARDS = (shard_keys()[0], shard_keys()[-1])


@pytest.fixture(scope="module")
def trained(
    fresh_database: Callable[[str], Endpoints],
    tmp_path_factory: pytest.TempPathFactory,
    defs: dg.Definitions,
) -> Iterator[tuple[Engine, dg.DagsterInstance]]:
    """A seeded + dbt-built warehouse with its own MLflow store, trained once via training_job."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "train")
    seed(warehouse.engine, "retail_standard", seed=5, stores=2, products=4, window_days=180)
    warehouse.dbt("build")
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", warehouse.endpoints.app_libpq)
    mp.setenv("MLFLOW_TRACKING_URI", warehouse.endpoints.mlflow_uri)
    instance = dg.DagsterInstance.ephemeral()
    run_job(
        defs, "training_job", instance=instance, partitions=SHARDS, resources={"training": SMALL}
    )
    yield warehouse.engine, instance
    mp.undo()


def test_every_candidate_is_backtested_and_ranked(
    trained: tuple[Engine, dg.DagsterInstance],
) -> None:
    engine, instance = trained
    with engine.connect() as conn:
        models = {
            r[0] for r in conn.execute(text("select distinct model from ml.backtest_fold_metrics"))
        }
        champions = conn.execute(text("select count(*) from ml.champion")).scalar_one()
    assert {"naive", "seasonal_naive", "global_lightgbm", "global_hgb", "lightgbm"} <= models
    assert champions == 8
    event = instance.get_latest_materialization_event(dg.AssetKey(["ml", "leaderboard"]))
    assert "| model |" in event.asset_materialization.metadata["leaderboard"].value


def test_promoted_portfolio_serves_the_batch_forecasts(
    trained: tuple[Engine, dg.DagsterInstance],
) -> None:
    engine, _ = trained
    production = get_alias("production")
    run = get_run(production.run_id)
    assert run.model_type == "portfolio" and run.status == "success"
    assert run.metrics["holdout_wape"] < run.metrics["seasonal_naive_holdout_wape"]
    assert run.metrics["series"] == 8
    assert {"h_1_7.wape", "h_8_14.wape"} <= set(run.metrics)
    with engine.connect() as conn:
        stored = pd.read_sql_query(
            text("select * from ml.forecasts order by store_id, product_id, step"), conn
        )
    assert len(stored) == 8 * 14  # spans two horizon buckets
    assert (stored["forecast"] >= 0).all()
    assert set(stored["mlflow_run_id"]) == {production.run_id}
    # Loading the production alias gives exactly the forecasts that were stored.
    model = load_model(f"models:/{REGISTERED_MODEL}@production")
    requests = stored[["store_id", "product_id"]].drop_duplicates().assign(horizon=14)
    fresh = model.predict(requests).sort_values(["store_id", "product_id", "step"])
    np.testing.assert_allclose(fresh["forecast"].to_numpy(), stored["forecast"].to_numpy())


def test_the_promotion_gate_blocks_a_portfolio_it_does_not_pass(
    trained: tuple[Engine, dg.DagsterInstance], defs: dg.Definitions
) -> None:
    _, instance = trained
    before = get_alias("production")
    # Only the yardsticks compete and no forecast is exactly unbiased: a gate that tolerates no
    # bias at all must fail, whichever policy wins.
    strict = TrainingResource(
        horizon=7, n_splits=3, min_train_size=30, baseline_models=["seasonal_naive"],
        feature_models=[], global_models=[], max_abs_bias=0.0,
    )  # fmt: skip
    result = run_job(
        defs, "training_job", instance=instance, partitions=SHARDS,
        resources={"training": strict}, check=False,
    )  # fmt: skip
    checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert checks and not checks[0].passed
    numbers = checks[0].metadata
    assert {"portfolio_wape", "seasonal_naive_wape", "best_simple_wape", "portfolio_bias"} <= set(
        numbers
    )
    assert numbers["bias_within_bound"].value is False
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "ml/portfolio_model" in materialized
    assert "ml/production_model" not in materialized
    assert get_alias("production").run_id == before.run_id  # production did not move
    assert get_alias(CHALLENGER_ALIAS).run_id != before.run_id  # the challenger did


def test_model_runs_carry_bucket_metrics_plots_and_provenance(
    trained: tuple[Engine, dg.DagsterInstance],
) -> None:
    import mlflow

    production = get_run(get_alias("production").run_id)
    assert "h_1_7.wape" in production.metrics
    assert production.tags.get("dagster_run_id")
    client = mlflow.MlflowClient()
    artifacts = {a.path for a in client.list_artifacts(production.run_id, "plots")}
    assert artifacts == {"plots/forecast_vs_actual.png"}
    globals_ = mlflow.search_runs(
        experiment_names=["forecastlab"], filter_string="tags.model_type = 'global_lightgbm'"
    )
    assert len(globals_) >= 1
    assert "metrics.h_1_7.wape" in globals_.columns and "metrics.wape" in globals_.columns
