"""simulate(): the baseline of `/forecasting/predict`, then heuristic factors or a re-forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from forecastlab.errors import BadRequestError, NotFoundError
from forecastlab.features.frames import baseline_price
from forecastlab.features.series import load_series
from forecastlab.forecasting import service
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.forecasting.requests import ForecastPoint, PredictRequest, TrainResponse
from forecastlab.models import NaiveForecaster, RegressionConfig, make_forecaster
from forecastlab.registry import (
    PORTFOLIO_MODEL_TYPE,
    ModelRunSpec,
    Portfolio,
    create_run,
    log_model_run,
)
from forecastlab.scenarios import SimulationRequest, simulate
from forecastlab.scenarios.simulate import FALLBACK_UNIT_PRICE
from tests.dbt.conftest import TODAY, Warehouse
from tests.forecastlab.scenarios.conftest import START, train

DAY = [TODAY + timedelta(days=step) for step in range(1, 15)]  # DAY[0] = the first forecast day


def _request(run_id: str, horizon: int = 14, **fields: object) -> SimulationRequest:
    return SimulationRequest.model_validate({"run_id": run_id, "horizon": horizon, **fields})


def _predicted_points(
    warehouse: Warehouse, run_id: str, horizon: int = 14, **grain: int
) -> list[ForecastPoint]:
    request = PredictRequest(
        store_id=grain.get("store_id", 1),
        product_id=grain.get("product_id", 2),
        horizon=horizon,
        run_id=run_id,
    )
    return service.predict(warehouse.engine, request).forecasts


def _predicted(warehouse: Warehouse, run_id: str, horizon: int = 14, **grain: int) -> list[float]:
    return [point.forecast for point in _predicted_points(warehouse, run_id, horizon, **grain)]


def _latest_price(warehouse: Warehouse, store_id: int, product_id: int, day: date) -> Decimal:
    with warehouse.engine.connect() as conn:
        return conn.execute(
            text(
                "select unit_price from raw.sales_daily where store_id = :s and product_id = :p "
                "and date <= :d order by date desc limit 1"
            ),
            {"s": store_id, "p": product_id, "d": day},
        ).scalar_one()


def _log_portfolio(members: dict, default: object = None) -> str:
    record = log_model_run(
        ModelRunSpec(
            model_type=PORTFOLIO_MODEL_TYPE,
            model=Portfolio(members=members, default=default),
            model_config={"members": len(members)},
            store_id=None,
            product_id=None,
            data_window_start=START,
            data_window_end=TODAY,
        )
    )
    return record.run_id


# --- heuristic -------------------------------------------------------------------------------


def test_heuristic_on_the_predicted_baseline(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    assumptions = {
        "price": {"change_pct": -0.2, "start_date": DAY[0].isoformat(), "end_date": "2025-07-03"},
        # reversed: 07-03 … 07-05
        "promotion": {"kind": "bogo", "start_date": "2025-07-05", "end_date": "2025-07-03"},
        "holiday": {"dates": ["2025-07-04", "2025-06-30"]},  # the second is history: no effect
        "lifecycle": {"stage": "decline"},
        "inventory": {"on_hand_units": 10_000},
    }
    comparison = simulate(
        small_warehouse.engine, _request(seasonal.run_id, 7, assumptions=assumptions)
    )

    price, bogo, holiday, decline = 0.8**-1.2, 1.40, 1.30, 0.85
    factors = [
        price * decline,  # 07-01
        price * decline,  # 07-02
        price * bogo * decline,  # 07-03
        bogo * holiday * decline,  # 07-04
        bogo * decline,  # 07-05
        decline,
        decline,
    ]
    baseline = _predicted(small_warehouse, seasonal.run_id, 7)
    points = comparison.points
    assert [p.date for p in points] == DAY[:7]
    assert [p.baseline for p in points] == baseline
    np.testing.assert_allclose([p.applied_factor for p in points], factors, rtol=1e-12)
    np.testing.assert_allclose(
        [p.scenario for p in points], np.multiply(baseline, factors), rtol=1e-12
    )
    np.testing.assert_allclose(
        [p.delta for p in points], [p.scenario - p.baseline for p in points], rtol=1e-12
    )
    assert comparison.method == "heuristic"
    assert (comparison.store_id, comparison.product_id) == (1, 2)  # from the run
    assert comparison.model_type == "seasonal_naive"
    assert comparison.baseline_total_units == pytest.approx(sum(baseline))
    assert comparison.coverage_verdict == "covered"

    # the scenario's bounds are the baseline run's conformal bounds scaled by the day's factor
    predicted = _predicted_points(small_warehouse, seasonal.run_id, 7)
    assert comparison.interval_level == 0.8
    for point, base, factor in zip(points, predicted, factors, strict=True):
        assert point.lower_bound == pytest.approx(base.lower_bound * factor)
        assert point.upper_bound == pytest.approx(base.upper_bound * factor)
        assert point.lower_bound <= point.scenario <= point.upper_bound

    price_used = _latest_price(small_warehouse, 1, 2, TODAY)
    assert comparison.unit_price_used == price_used
    assert comparison.scenario_revenue == pytest.approx(
        comparison.scenario_total_units * float(price_used)
    )


def test_no_assumptions_keep_the_baseline(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    comparison = simulate(small_warehouse.engine, _request(seasonal.run_id, 5))
    assert all(p.scenario == p.baseline and p.applied_factor == 1.0 for p in comparison.points)
    assert comparison.units_delta == 0.0 and comparison.revenue_delta == 0.0
    assert comparison.coverage_verdict == "unknown"


def test_the_price_is_the_latest_on_or_before_the_origin(small_warehouse: Warehouse) -> None:
    origin = TODAY - timedelta(days=20)
    run = train(small_warehouse, {"model_type": "naive"}, end=origin)
    comparison = simulate(small_warehouse.engine, _request(run.run_id, 3))
    assert comparison.points[0].date == origin + timedelta(days=1)
    assert comparison.unit_price_used == _latest_price(small_warehouse, 1, 2, origin)


# --- model_exogenous -------------------------------------------------------------------------


def test_a_regression_baseline_is_reforecast(
    small_warehouse: Warehouse, regression: TrainResponse
) -> None:
    window = {"start_date": DAY[0].isoformat(), "end_date": DAY[6].isoformat()}
    assumptions = {"price": {"change_pct": -0.3, **window}, "promotion": {"kind": "bogo", **window}}
    comparison = simulate(
        small_warehouse.engine, _request(regression.run_id, assumptions=assumptions)
    )
    assert comparison.method == "model_exogenous"
    assert comparison.model_type == "regression"
    assert [p.baseline for p in comparison.points] == _predicted(small_warehouse, regression.run_id)
    for point in comparison.points:
        assert point.scenario >= 0.0
        expected = point.scenario / point.baseline if point.baseline else 1.0
        assert point.applied_factor == pytest.approx(expected)
    # days outside the assumption windows get the baseline's own inputs
    assert all(p.scenario == p.baseline for p in comparison.points[7:])

    # a re-forecast keeps the model's residual widths, centred on the new values
    predicted = _predicted_points(small_warehouse, regression.run_id)
    for point, base in zip(comparison.points, predicted, strict=True):
        if point.lower_bound is not None and point.lower_bound > 0 and base.lower_bound > 0:
            width = base.upper_bound - base.forecast
            assert point.upper_bound == pytest.approx(point.scenario + width)
            assert point.lower_bound == pytest.approx(point.scenario - width)

    plain = simulate(small_warehouse.engine, _request(regression.run_id))
    assert all(p.scenario == p.baseline and p.applied_factor == 1.0 for p in plain.points)


def test_lifecycle_and_inventory_do_not_enter_the_model_frame(
    small_warehouse: Warehouse, regression: TrainResponse
) -> None:
    assumptions = {"lifecycle": {"stage": "launch"}, "inventory": {"on_hand_units": 0}}
    comparison = simulate(
        small_warehouse.engine, _request(regression.run_id, assumptions=assumptions)
    )
    assert comparison.method == "model_exogenous"
    assert all(p.scenario == p.baseline and p.applied_factor == 1.0 for p in comparison.points)
    assert comparison.coverage_verdict == "stockout"  # inventory still drives the verdict


# --- series and baseline resolution ----------------------------------------------------------


def test_a_portfolio_needs_the_series_and_reforecasts_a_regression_member(
    small_warehouse: Warehouse,
) -> None:
    regression_series = load_series(small_warehouse.engine, 2, 3, START, TODAY, plan_days=90)
    member = FeatureAwareModel.fit(
        make_forecaster(RegressionConfig(max_iter=50)),
        regression_series,
        origin=pd.Timestamp(regression_series.dates[-1]).date(),
        baseline_price=baseline_price(regression_series),
    )
    naive = NaiveForecaster().fit(load_series(small_warehouse.engine, 1, 3, START, TODAY).quantity)
    run_id = _log_portfolio({(2, 3): member, (1, 3): naive})

    with pytest.raises(BadRequestError, match="give store_id and product_id"):
        simulate(small_warehouse.engine, _request(run_id, 3, store_id=2))

    reforecast = simulate(small_warehouse.engine, _request(run_id, 3, store_id=2, product_id=3))
    assert (reforecast.method, reforecast.model_type) == ("model_exogenous", PORTFOLIO_MODEL_TYPE)
    assert [p.baseline for p in reforecast.points] == _predicted(
        small_warehouse, run_id, 3, store_id=2, product_id=3
    )
    heuristic = simulate(small_warehouse.engine, _request(run_id, 3, store_id=1, product_id=3))
    assert heuristic.method == "heuristic"

    with pytest.raises(NotFoundError, match="store 2 product 1"):
        simulate(small_warehouse.engine, _request(run_id, 3, store_id=2, product_id=1))


def test_a_series_without_sales_is_priced_at_the_fallback(small_warehouse: Warehouse) -> None:
    run_id = _log_portfolio({}, default=NaiveForecaster().fit(np.array([4.0])))
    comparison = simulate(small_warehouse.engine, _request(run_id, 2, store_id=2, product_id=999))
    assert comparison.unit_price_used == FALLBACK_UNIT_PRICE
    assert comparison.baseline_revenue == comparison.baseline_total_units == 8.0
    assert comparison.points[0].date == DAY[0]  # no observed day: the window end is the origin


def test_ids_other_than_a_single_series_run_s_own_are_refused(
    small_warehouse: Warehouse, seasonal: TrainResponse
) -> None:
    own = simulate(small_warehouse.engine, _request(seasonal.run_id, 2, store_id=1, product_id=2))
    assert (own.store_id, own.product_id) == (1, 2)
    with pytest.raises(BadRequestError, match="trained for store 1 product 2, not store 2"):
        simulate(small_warehouse.engine, _request(seasonal.run_id, 2, store_id=2))


@pytest.mark.parametrize("run_id", ["f" * 32, "not-a-run", "0" * 64])
def test_unknown_or_malformed_runs_are_not_found(small_warehouse: Warehouse, run_id: str) -> None:
    with pytest.raises(NotFoundError):
        simulate(small_warehouse.engine, _request(run_id, 2))


def test_a_run_without_a_model_is_not_found(small_warehouse: Warehouse) -> None:
    pending = create_run("naive", {"model_type": "naive"}, START, TODAY, 1, 2)
    with pytest.raises(NotFoundError, match="no model artifact"):
        simulate(small_warehouse.engine, _request(pending.run_id, 2))
