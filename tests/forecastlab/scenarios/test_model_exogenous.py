"""Method `model_exogenous` on a trained regression model, over a warehouse of its own.

The small shared warehouse has too few promoted days per series for a tree to split on price
(HistGradientBoosting needs 20 rows a leaf), so these tests seed a year of one store with
frequent promotions; the property test also rewrites that warehouse's rows after the origin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import TrainRequest
from forecastlab.scenarios import ScenarioComparison, SimulationRequest, simulate
from tests.dbt.conftest import TODAY, seed

ORIGIN = TODAY - timedelta(days=30)
HORIZON = 21
WINDOW = {
    "start_date": (ORIGIN + timedelta(days=1)).isoformat(),
    "end_date": (ORIGIN + timedelta(days=HORIZON)).isoformat(),
}


@pytest.fixture(scope="module")
def engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    """A year of one store x two products with frequent promotions (seeded, raw tables only)."""
    engine = engine_for(fresh_database("scenario_exogenous").app_sqlalchemy)
    seed(
        engine,
        "retail_standard",
        seed=3,
        stores=1,
        products=2,
        window_days=365,
        promotion_intensity=0.3,
    )
    return engine


@pytest.fixture(scope="module")
def run_id(engine: Engine, endpoints: Endpoints) -> str:
    """A regression model of store 1 / product 1, trained up to ORIGIN."""
    request = TrainRequest.model_validate(
        {
            "store_id": 1,
            "product_id": 1,
            "train_start_date": (TODAY - timedelta(days=364)).isoformat(),
            "train_end_date": ORIGIN.isoformat(),
            "config": {"model_type": "regression", "max_iter": 100},
        }
    )
    return service.train(engine, request).run_id


def _simulate(engine: Engine, run_id: str, assumptions: dict) -> ScenarioComparison:
    request = SimulationRequest.model_validate(
        {"run_id": run_id, "horizon": HORIZON, "assumptions": assumptions}
    )
    return simulate(engine, request)


PLAN = {
    "price": {"change_pct": -0.3, **WINDOW},
    "promotion": {"kind": "pct_off", **WINDOW},
    "holiday": {"dates": [WINDOW["start_date"]]},
    "inventory": {"on_hand_units": 500},
}


def test_a_price_cut_sells_more(engine: Engine, run_id: str) -> None:
    cut = _simulate(engine, run_id, {"price": {"change_pct": -0.3, **WINDOW}})
    assert cut.method == "model_exogenous"
    assert cut.points[0].date == ORIGIN + timedelta(days=1)
    assert cut.scenario_total_units > cut.baseline_total_units
    assert cut.units_delta > 0 and cut.revenue_delta > 0

    # The history holds discounts only: a tree puts any dearer price with the regular one.
    dearer = _simulate(engine, run_id, {"price": {"change_pct": 0.5, **WINDOW}})
    assert dearer.scenario_total_units <= dearer.baseline_total_units


def test_rows_after_the_origin_never_reach_the_simulation(engine: Engine, run_id: str) -> None:
    before = _simulate(engine, run_id, PLAN).model_dump(exclude={"generated_at"})
    rng = np.random.default_rng(11)
    for _ in range(4):
        _rewrite_the_future(engine, rng)
        after = _simulate(engine, run_id, PLAN).model_dump(exclude={"generated_at"})
        assert after == before


def _rewrite_the_future(engine: Engine, rng: np.random.Generator) -> None:
    """Random changes to every raw input of the series after ORIGIN: sales (quantity, price,
    rows removed), the holiday calendar and promotions."""
    params = {"origin": ORIGIN, "scale": float(rng.uniform(0.2, 5.0)), "seed": float(rng.random())}
    with engine.begin() as conn:
        conn.execute(text("select setseed(:seed)"), params)
        conn.execute(
            text(
                "update raw.sales_daily set quantity = round(quantity * :scale), "
                "unit_price = round((unit_price * (0.5 + random()))::numeric, 2) "
                "where date > :origin"
            ),
            params,
        )
        conn.execute(
            text("delete from raw.sales_daily where date > :origin and random() < 0.2"), params
        )
        conn.execute(
            text("update raw.calendar set is_holiday = random() < 0.5 where date > :origin"),
            params,
        )
        conn.execute(
            text(
                "insert into raw.promotion (product_id, store_id, name, discount_pct, start_date, "
                "end_date, kind) values (1, 1, 'rewritten', 0.5, :origin + 1, :origin + 10, "
                "'markdown')"
            ),
            params,
        )
