"""A retailer's own history through Dagster: only the required files, starting in 2014.

The path of docs/runbooks/own-history.md: load the folder, build the dimensions and the daily
marts over the whole history, train, forecast. No calendar, inventory, prices or promotions:
the features those feed are empty or constant, and every model must do without them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.db.stats import date_range
from forecastlab.loader import export_raw, load_folder
from forecastlab.registry import get_alias, get_run
from forecastlab.seeder import build_config, generate
from forecastlab.training.shards import shard_keys
from orchestration.defs.forecasting.resources import TrainingResource
from orchestration.runs import run_job

REQUIRED = {"stores", "products", "sales"}
HORIZON = 14
TRAINING = TrainingResource(
    horizon=HORIZON,
    n_splits=3,
    min_train_size=30,
    feature_sample=2,
    global_n_estimators=20,
    global_models=["lightgbm", "hgb"],
)


@pytest.fixture(scope="module")
def own_history(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """stores, products and sales of a Forge history from 2014-08 to 2014-12 (nothing else)."""
    engine = engine_for(fresh_database("own_history_source").app_sqlalchemy)
    config = build_config(
        "retail_standard",
        seed=9,
        today=date(2014, 12, 31),
        overrides={"stores": 2, "products": 4, "window_days": 150},
    )
    generate(engine, config)
    folder = tmp_path_factory.mktemp("own_history")
    export_raw(engine, folder)
    for extra in [f for f in folder.iterdir() if f.stem not in REQUIRED]:
        extra.unlink()
    assert {f.stem for f in folder.iterdir()} == REQUIRED
    return folder


def test_only_the_required_files_go_through_training_and_forecasts(
    own_history: Path,
    fresh_database: Callable[[str], Endpoints],
    defs: dg.Definitions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoints = fresh_database("own_history")
    monkeypatch.setenv("DATABASE_URL", endpoints.app_libpq)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", endpoints.mlflow_uri)
    monkeypatch.setenv("LANDING_DIR", str(own_history))
    engine = engine_for(endpoints.app_sqlalchemy)
    instance = dg.DagsterInstance.ephemeral()

    run_job(defs, "file_load_job", instance=instance)
    first, last = date_range(engine, "raw.calendar")
    assert first is not None and first < date(2015, 1, 1)  # before the old fixed start, 2020
    run_job(defs, "warehouse_job", instance=instance)
    run_job(defs, "daily_refresh_job", instance=instance, partitions=(first, last))
    shards = (shard_keys()[0], shard_keys()[-1])
    run_job(
        defs, "training_job", instance=instance, partitions=shards, resources={"training": TRAINING}
    )

    with engine.connect() as conn:
        series = conn.execute(
            text(
                "select count(*) from (select distinct store_id, product_id from raw.sales_daily) s"
            )
        ).scalar_one()
        stored = conn.execute(
            text("select count(*), count(distinct (store_id, product_id)) from ml.forecasts")
        ).one()
        models = {
            r[0] for r in conn.execute(text("select distinct model from ml.backtest_fold_metrics"))
        }
    assert stored == (series * HORIZON, series)  # every series, every step
    assert {"global_lightgbm", "global_hgb", "lightgbm"} <= models
    event = instance.get_latest_materialization_event(dg.AssetKey(["ml", "forecasts"]))
    assert event.asset_materialization.metadata["series_without_forecast"].value == 0
    production = get_run(get_alias("production").run_id)
    assert production.model_type == "portfolio"

    # A product launched after training: loaded, its days refreshed, the forecasts refreshed
    # without retraining. The portfolio's default (the global model) answers it.
    first_day, sku = _new_product(own_history, last)
    load_folder(engine, own_history.parent / "new_product")
    run_job(defs, "warehouse_job", instance=instance)
    run_job(defs, "daily_refresh_job", instance=instance, partitions=(first_day, last))
    run_job(defs, "forecast_job", instance=instance)
    with engine.connect() as conn:
        new = conn.execute(
            text(
                "select min(f.date), count(*), max(f.mlflow_run_id) from ml.forecasts f "
                "join raw.product p on p.id = f.product_id where p.sku = :sku"
            ),
            {"sku": sku},
        ).one()
    assert new == (last + timedelta(days=1), HORIZON, production.run_id)
    event = instance.get_latest_materialization_event(dg.AssetKey(["ml", "forecasts"]))
    assert event.asset_materialization.metadata["default_series"].value == 1
    assert event.asset_materialization.metadata["series_without_forecast"].value == 0

    # The features whose source was never loaded are dropped by rule and recorded.
    for kind in ("lightgbm", "hgb"):
        run = _global_run(instance, kind)
        dropped = set(run.model_config["dropped_features"].split(","))
        assert "promo_active" in dropped
        assert "promo_active" not in run.model_config["features"].split(",")


def _new_product(folder: Path, last: date) -> tuple[date, str]:
    """A folder beside `folder` with one new product and its sales over the last 20 days."""
    target = folder.parent / "new_product"
    target.mkdir(exist_ok=True)
    header, first, *_ = (folder / "products.csv").read_text().splitlines()
    sku = "LAUNCHED-1"
    (target / "products.csv").write_text(f"{header}\n{sku},{first.split(',', 1)[1]}\n")
    sales_header, sale, *_ = (folder / "sales.csv").read_text().splitlines()
    store = sale.split(",")[1]
    first_day = last - timedelta(days=19)
    rows = [
        f"{first_day + timedelta(days=d)},{store},{sku},{d % 3},2.50,{d % 3 * 2.5:.2f},in_store"
        for d in range(20)
    ]
    (target / "sales.csv").write_text("\n".join([sales_header, *rows]) + "\n")
    return first_day, sku


def _global_run(instance: dg.DagsterInstance, kind: str):
    """The MLflow run of the global model the training round fitted."""
    event = instance.get_latest_materialization_event(dg.AssetKey(["ml", "portfolio_model"]))
    runs = event.asset_materialization.metadata["global_model_runs"].value
    return get_run(dict(pair.split("=") for pair in runs.split(", "))[f"global_{kind}"])
