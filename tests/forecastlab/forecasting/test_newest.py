"""Forecasts from the newest data: a refresh after new days arrive uses them, without refitting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from forecastlab.db.endpoints import Endpoints
from forecastlab.forecasting.newest import forecast_newest
from forecastlab.models import MovingAverageForecaster, SeasonalNaiveForecaster
from forecastlab.models.global_model import GlobalForecaster, load_feature_panel, load_holidays
from forecastlab.registry import Ensemble, Portfolio
from tests.dbt.conftest import Warehouse, new_warehouse, seed

HORIZON = 7


def _targets(warehouse: Warehouse) -> dict[tuple[int, int], pd.Series]:
    """Every series' mart quantities by date."""
    with warehouse.engine.connect() as conn:
        rows = pd.read_sql_query(
            text(
                "select store_id, product_id, date, quantity from marts.fct_sales_features "
                "order by store_id, product_id, date"
            ),
            conn,
        )
    return {
        (int(s), int(p)): g.set_index("date")["quantity"].astype(float)
        for (s, p), g in rows.groupby(["store_id", "product_id"])
    }


@pytest.fixture(scope="module")
def warehouse(
    fresh_database: Callable[[str], Endpoints], tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """retail_standard, 3 stores x 8 products x 90 days, marts built."""
    warehouse = new_warehouse(fresh_database, tmp_path_factory, "newest")
    seed(warehouse.engine, "retail_standard")
    warehouse.dbt("run")
    return warehouse


def test_a_refresh_after_a_new_day_forecasts_from_it(warehouse: Warehouse) -> None:
    """A portfolio of seasonal naive, global and ensemble members, fitted once; one day is
    appended and the marts refreshed. Every series that got the day forecasts from it."""
    from forecastlab.seeder import append

    engine = warehouse.engine
    history = _targets(warehouse)
    shared = GlobalForecaster(n_estimators=20, max_step=HORIZON).fit(
        load_feature_panel(engine), load_holidays(engine)
    )
    kinds = ("seasonal_naive", "global", "ensemble")
    kind = {key: kinds[i % 3] for i, key in enumerate(history)}
    members: dict[tuple[int, int], object] = {}
    for key, y in history.items():
        naive = SeasonalNaiveForecaster(season_length=7).fit(y.to_numpy())
        average = MovingAverageForecaster(window_size=7).fit(y.to_numpy())
        members[key] = {
            "seasonal_naive": naive,
            "global": shared,
            "ensemble": Ensemble([average, shared], ["moving_average_7", "global_lightgbm"]),
        }[kind[key]]
    portfolio = Portfolio(members=members)
    before = forecast_newest(engine, portfolio, HORIZON)
    assert before.last_observed == {key: y.index[-1] for key, y in history.items()}
    for key, y in history.items():
        first = before.frame[before.frame["store_id"].eq(key[0])]
        first = first[first["product_id"].eq(key[1])]
        assert list(first["date"]) == [y.index[-1] + timedelta(days=d) for d in range(1, 8)]

    append(engine, days=1)
    warehouse.dbt("run", "-s", "tag:daily")
    after = forecast_newest(engine, portfolio, HORIZON)
    newest = _targets(warehouse)
    new_day = max(y.index[-1] for y in history.values()) + timedelta(days=1)
    got_the_day = [key for key, y in newest.items() if y.index[-1] == new_day]
    assert {kind[key] for key in got_the_day} == set(kinds)
    for key in newest:
        moved = 1 if key in got_the_day else 0
        assert after.last_observed[key] == before.last_observed[key] + timedelta(days=moved)
        rows = after.frame[
            after.frame["store_id"].eq(key[0]) & after.frame["product_id"].eq(key[1])
        ]
        assert rows["date"].iloc[0] == after.last_observed[key] + timedelta(days=1)
        if kind[key] == "seasonal_naive" and moved:
            # The day that arrived comes back a week later, as the last step.
            assert rows["forecast"].iloc[-1] == newest[key].iloc[-1]
            np.testing.assert_array_equal(rows["forecast"].iloc[:-1], history[key].iloc[-6:])

    refreshed = after.members[next(k for k in got_the_day if kind[k] == "global")]
    assert refreshed.model_ is shared.model_  # the same trees: no refit
    ensemble = after.members[next(k for k in got_the_day if kind[k] == "ensemble")]
    assert ensemble.members[1] is refreshed  # the shared model, refreshed once
    assert pd.Timestamp(refreshed.history_.last_date.max()) == pd.Timestamp(new_day)
    # The fitted object itself is untouched: unrefreshed, it forecasts from the old history.
    key = next(k for k in got_the_day if kind[k] == "seasonal_naive")
    np.testing.assert_array_equal(portfolio.predict(*key, HORIZON), history[key].iloc[-7:])


def test_a_series_without_mart_rows_is_forecast_as_fitted_from_the_newest_day(
    warehouse: Warehouse,
) -> None:
    """A portfolio's default answers a product not sold yet; a series nobody answers is a
    KeyError (the API's 404)."""
    with warehouse.engine.connect() as conn:
        newest = conn.execute(text("select max(date) from marts.fct_sales_features")).scalar()
    default = MovingAverageForecaster(window_size=7).fit(np.full(10, 3.0))
    unseen = forecast_newest(warehouse.engine, Portfolio({}, default=default), HORIZON, [(9, 9)])
    assert unseen.members[(9, 9)] is default
    assert unseen.last_observed[(9, 9)] == newest
    assert (unseen.frame["forecast"] == 3.0).all()
    with pytest.raises(KeyError):
        forecast_newest(warehouse.engine, Portfolio({}), HORIZON, [(1, 1)])
