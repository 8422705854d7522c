"""FeatureSetConfig (§5.1) and the pure feature function (§5.3) on hand-built series."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from forecastlab.features.featureset import (
    FeatureInputs,
    compute_features,
    feature_records,
    warmup_rows,
)
from forecastlab.features.featureset_config import (
    CalendarConfig,
    ExogenousConfig,
    FeatureSetConfig,
    ImputationConfig,
    LagConfig,
    RollingConfig,
    default_feature_set,
)
from forecastlab.models.configs import config_hash

FIRST = date(2025, 1, 1)


def inputs_for(
    dates: list[date],
    quantity: list[float],
    price: list[float] | None = None,
    daily: dict[str, dict[date, float]] | None = None,
) -> FeatureInputs:
    """Sales rows on `dates`; a daily frame over their span (+ the day before), all zero/NaN
    except the given values."""
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(dates),
            "quantity": np.asarray(quantity, dtype=float),
            "unit_price": np.asarray(price if price is not None else [2.0] * len(dates)),
            "total_amount": np.asarray(quantity, dtype=float) * 2.0,
        }
    )
    days = pd.date_range(min(dates) - timedelta(days=1), max(dates))
    frame = pd.DataFrame(
        {"is_holiday": 0.0, "promo_active": 0.0, "is_stockout": 0.0, "on_hand_qty": np.nan},
        index=days,
    )
    for column, values in (daily or {}).items():
        for day, value in values.items():
            frame.loc[pd.Timestamp(day), column] = value
    return FeatureInputs(sales=sales, daily=frame)


def consecutive(n: int, start: date = FIRST) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def config(**groups: object) -> FeatureSetConfig:
    return FeatureSetConfig(name="test", **groups)  # type: ignore[arg-type]


def compute(inputs: FeatureInputs, cfg: FeatureSetConfig, cutoff: date | None = None):
    last = inputs.sales["date"].max().date()
    return compute_features(inputs, cfg, date(2000, 1, 1), cutoff or last)


# --- configuration -------------------------------------------------------------------------


def test_defaults_are_those_of_the_spec():
    cfg = default_feature_set()
    assert cfg.schema_version == "1.0"
    assert cfg.entity_columns == ["store_id", "product_id"]
    assert (cfg.date_column, cfg.target_column, cfg.description) == ("date", "quantity", None)
    assert cfg.lag_config == LagConfig(lags=[1, 7, 14, 28], target_column="quantity")
    assert cfg.lag_config.fill_value is None
    assert cfg.rolling_config.windows == [7, 14, 28]
    assert cfg.rolling_config.aggregations == ["mean", "std"]
    assert cfg.rolling_config.min_periods is None
    calendar = cfg.calendar_config
    assert calendar.include_day_of_week and calendar.include_month and calendar.include_quarter
    assert not calendar.include_year and calendar.use_cyclical_encoding
    exogenous = cfg.exogenous_config
    assert exogenous.price_lags == [7, 28]
    assert exogenous.include_stockout_flag and not exogenous.include_inventory
    assert cfg.imputation_config.strategies == {
        "quantity": "zero",
        "unit_price": "ffill",
        "total_amount": "zero",
    }
    assert FeatureSetConfig(name="bare").lag_config is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "x", "schema_version": "v1"},
        {"name": "x", "schema_version": "1"},
        {"name": "x", "unknown": 1},
        {"name": "x", "lag_config": {"lags": []}},
        {"name": "x", "lag_config": {"lags": [0]}},
        {"name": "x", "lag_config": {"lags": [-1, 7]}},
        {"name": "x", "lag_config": {"lags": [7, 7]}},
        {"name": "x", "lag_config": {"lags": ["7"]}},
        {"name": "x", "lag_config": {"target_column": "revenue"}},
        {"name": "x", "lag_config": {"schema_version": "1.x"}},
        {"name": "x", "rolling_config": {"windows": []}},
        {"name": "x", "rolling_config": {"aggregations": ["median"]}},
        {"name": "x", "rolling_config": {"windows": [3, 7], "min_periods": 4}},
        {"name": "x", "rolling_config": {"min_periods": 0}},
        {"name": "x", "calendar_config": {"include_year": "yes"}},
        {"name": "x", "exogenous_config": {"price_lags": [0]}},
        {"name": "x", "imputation_config": {"strategies": {"quantity": "interpolate"}}},
        {"name": "x", "imputation_config": {"strategies": {"on_hand": "zero"}}},
        {"name": "x", "entity_columns": []},
        {"name": "x", "entity_columns": ["region"]},
        {"name": "x", "date_column": "day"},
    ],
)
def test_invalid_configs_are_rejected(data):
    with pytest.raises(ValidationError):
        FeatureSetConfig.model_validate(data)


def test_configs_are_frozen():
    cfg = default_feature_set()
    with pytest.raises(ValidationError):
        cfg.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        cfg.lag_config.fill_value = 0.0  # type: ignore[union-attr,misc]


def test_the_config_hash_is_the_truncated_sha256_of_the_json_dump():
    cfg = default_feature_set()
    expected = hashlib.sha256(cfg.model_dump_json().encode()).hexdigest()[:16]
    assert config_hash(cfg) == expected
    assert config_hash(default_feature_set()) == expected
    assert config_hash(cfg.model_copy(update={"lag_config": LagConfig(lags=[1])})) != expected
    # schema_version is part of what is hashed
    assert config_hash(cfg.model_copy(update={"schema_version": "1.1"})) != expected


def test_warmup_rows_cover_the_longest_reach():
    assert warmup_rows(default_feature_set()) == 28
    assert warmup_rows(config()) == 0
    assert warmup_rows(config(exogenous_config=ExogenousConfig(price_lags=[]))) == 8
    assert warmup_rows(config(rolling_config=RollingConfig(windows=[90]))) == 90


# --- computation ---------------------------------------------------------------------------


def test_columns_come_in_group_order():
    inputs = inputs_for(consecutive(10), list(range(10)))
    cfg = config(
        exogenous_config=ExogenousConfig(include_inventory=True),
        calendar_config=CalendarConfig(include_year=True, use_cyclical_encoding=False),
        rolling_config=RollingConfig(windows=[2, 3], aggregations=["sum", "max"]),
        lag_config=LagConfig(lags=[2, 1]),
    )
    assert list(compute(inputs, cfg).columns) == [
        "lag_2",
        "lag_1",
        "rolling_sum_2",
        "rolling_max_2",
        "rolling_sum_3",
        "rolling_max_3",
        "day_of_week",
        "month",
        "quarter",
        "year",
        "is_weekend",
        "is_month_end",
        "is_holiday",
        "price_lag_7",
        "price_lag_28",
        "price_pct_change_7d",
        "promo_active",
        "stockout_lag_1",
        "on_hand_lag_1",
    ]


def test_a_config_without_groups_gives_rows_without_features():
    frame = compute(inputs_for(consecutive(3), [1, 2, 3]), config())
    assert len(frame) == 3 and list(frame.columns) == []
    assert feature_records(frame) == [{}, {}, {}]


def test_lags_count_observed_rows_not_days():
    dates = [FIRST, FIRST + timedelta(days=1), FIRST + timedelta(days=5), FIRST + timedelta(10)]
    frame = compute(inputs_for(dates, [10, 20, 30, 40]), config(lag_config=LagConfig(lags=[1, 2])))
    np.testing.assert_array_equal(frame["lag_1"], [np.nan, 10, 20, 30])
    np.testing.assert_array_equal(frame["lag_2"], [np.nan, np.nan, 10, 20])


def test_fill_value_replaces_only_the_leading_nulls():
    cfg = config(lag_config=LagConfig(lags=[2], fill_value=-1.0))
    frame = compute(inputs_for(consecutive(4), [5, 6, 7, 8]), cfg)
    np.testing.assert_array_equal(frame["lag_2"], [-1, -1, 5, 6])


def test_lags_can_read_another_column():
    cfg = config(lag_config=LagConfig(lags=[1], target_column="unit_price"))
    frame = compute(inputs_for(consecutive(3), [1, 1, 1], price=[2.5, 3.0, 3.5]), cfg)
    np.testing.assert_array_equal(frame["lag_1"], [np.nan, 2.5, 3.0])


def test_rolling_windows_end_the_row_before():
    quantity = [4.0, 8.0, 6.0, 10.0, 1.0]
    cfg = config(rolling_config=RollingConfig(windows=[3], aggregations=["mean", "std", "min"]))
    frame = compute(inputs_for(consecutive(5), quantity), cfg)
    np.testing.assert_array_equal(frame["rolling_mean_3"], [np.nan] * 3 + [6.0, 8.0])
    np.testing.assert_allclose(
        frame["rolling_std_3"], [np.nan] * 3 + [np.std([4, 8, 6], ddof=1), 2.0]
    )
    np.testing.assert_array_equal(frame["rolling_min_3"], [np.nan] * 3 + [4.0, 6.0])


def test_min_periods_allows_partial_windows():
    cfg = config(rolling_config=RollingConfig(windows=[3], aggregations=["sum"], min_periods=1))
    frame = compute(inputs_for(consecutive(4), [1, 2, 3, 4]), cfg)
    np.testing.assert_array_equal(frame["rolling_sum_3"], [np.nan, 1, 3, 6])


def test_calendar_columns_with_and_without_cyclical_encoding():
    saturday, holiday = date(2025, 5, 31), date(2025, 6, 2)
    dates = [saturday, date(2025, 6, 1), holiday]
    inputs = inputs_for(dates, [1, 1, 1], daily={"is_holiday": {holiday: 1.0}})
    plain = compute(
        inputs,
        config(calendar_config=CalendarConfig(use_cyclical_encoding=False, include_year=True)),
    )
    assert plain["day_of_week"].tolist() == [5, 6, 0]
    assert plain["month"].tolist() == [5, 6, 6]
    assert plain["quarter"].tolist() == [2, 2, 2]
    assert plain["year"].tolist() == [2025] * 3
    assert plain["is_weekend"].tolist() == [1, 1, 0]
    assert plain["is_month_end"].tolist() == [1, 0, 0]
    assert plain["is_holiday"].tolist() == [0, 0, 1]
    cyclical = compute(inputs, config(calendar_config=CalendarConfig()))
    np.testing.assert_allclose(cyclical["dow_sin"], np.sin(2 * np.pi * np.array([5, 6, 0]) / 7))
    np.testing.assert_allclose(cyclical["month_cos"], np.cos(2 * np.pi * np.array([5, 6, 6]) / 12))
    assert "day_of_week" not in cyclical and "year" not in cyclical


def test_price_features_read_rows_back():
    prices = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0]
    cfg = config(exogenous_config=ExogenousConfig(price_lags=[1, 3], include_promo=False))
    frame = compute(inputs_for(consecutive(10), [1] * 10, price=prices), cfg)
    np.testing.assert_array_equal(frame["price_lag_3"], [np.nan] * 3 + prices[:7])
    # (p[t-1] - p[t-8]) / p[t-8]: row 8 compares 2.0 (row 7) with 1.0 (row 0)
    np.testing.assert_array_equal(
        frame["price_pct_change_7d"], [np.nan] * 8 + [1.0, (3.0 - 2.0) / 2.0]
    )


def test_a_zero_base_price_gives_no_price_change():
    prices = [0.0] + [2.0] * 8
    cfg = config(exogenous_config=ExogenousConfig(price_lags=[]))
    frame = compute(inputs_for(consecutive(9), [1] * 9, price=prices), cfg)
    assert frame["price_pct_change_7d"].isna().all()


def test_promotions_are_same_day_and_inventory_is_yesterdays_snapshot():
    # Day 3 is a stockout day without a sales row: the next row still sees it.
    dates = [FIRST, FIRST + timedelta(days=1), FIRST + timedelta(days=3)]
    stockout_day = FIRST + timedelta(days=2)
    daily = {
        "promo_active": {FIRST + timedelta(days=1): 1.0},
        "is_stockout": {stockout_day: 1.0, FIRST: np.nan},
        "on_hand_qty": {FIRST - timedelta(days=1): 7.0, FIRST: 5.0, stockout_day: 0.0},
    }
    cfg = config(exogenous_config=ExogenousConfig(include_inventory=True, price_lags=[]))
    frame = compute(inputs_for(dates, [3, 2, 4], daily=daily), cfg)
    np.testing.assert_array_equal(frame["promo_active"], [0, 1, 0])
    np.testing.assert_array_equal(frame["stockout_lag_1"], [0, np.nan, 1])
    np.testing.assert_array_equal(frame["on_hand_lag_1"], [7, 5, 0])


def test_rows_after_the_cutoff_are_dropped_before_anything_is_computed():
    inputs = inputs_for(consecutive(6), [1, 2, 3, 4, 100, 200])
    cfg = config(rolling_config=RollingConfig(windows=[2], min_periods=1), lag_config=LagConfig())
    cutoff = FIRST + timedelta(days=3)
    frame = compute(inputs, cfg, cutoff=cutoff)
    assert frame.index.max() == pd.Timestamp(cutoff)
    assert frame.equals(compute(inputs_for(consecutive(4), [1, 2, 3, 4]), cfg))


def test_the_window_start_trims_rows_after_warming_up():
    inputs = inputs_for(consecutive(10), list(range(10)))
    frame = compute_features(
        inputs,
        config(lag_config=LagConfig(lags=[3])),
        FIRST + timedelta(days=5),
        FIRST + timedelta(9),
    )
    assert frame.index.min() == pd.Timestamp(FIRST + timedelta(days=5))
    np.testing.assert_array_equal(frame["lag_3"], [2, 3, 4, 5, 6])


def _with_gaps() -> FeatureInputs:
    inputs = inputs_for(consecutive(6), [1, 2, 3, 4, 5, 6], price=[1, 2, 3, 4, 5, 6])
    inputs.sales.loc[[1, 3], "quantity"] = np.nan
    inputs.sales.loc[[0, 2], "unit_price"] = np.nan
    return inputs


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("zero", [1, 0, 3, 0, 5, 6]),
        ("ffill", [1, 1, 3, 3, 5, 6]),
        ("bfill", [1, 3, 3, 5, 5, 6]),
        ("mean", [1, 3.75, 3, 3.75, 5, 6]),
        ("expanding_mean", [1, 1, 3, 2, 5, 6]),
    ],
)
def test_imputation_fills_before_lagging(strategy, expected):
    cfg = config(
        lag_config=LagConfig(lags=[1]),
        imputation_config=ImputationConfig(strategies={"quantity": strategy}),
    )
    frame = compute(_with_gaps(), cfg)
    np.testing.assert_array_equal(frame["lag_1"], [np.nan, *expected[:-1]])


def test_drop_imputation_removes_rows_and_default_ffills_prices():
    cfg = config(
        exogenous_config=ExogenousConfig(price_lags=[1], include_price_change=False),
        imputation_config=ImputationConfig(strategies={"unit_price": "ffill", "quantity": "drop"}),
    )
    frame = compute(_with_gaps(), cfg)
    kept = pd.to_datetime([FIRST + timedelta(days=d) for d in (0, 2, 4, 5)])
    assert frame.index.tolist() == kept.tolist()
    # Strategies apply in the order given: row 2's price was filled from row 1 before the drop.
    np.testing.assert_array_equal(frame["price_lag_1"], [np.nan, np.nan, 2.0, 5.0])


@pytest.mark.parametrize("strategy", ["bfill", "mean"])
def test_leaky_imputation_logs_a_warning(strategy, caplog):
    cfg = config(imputation_config=ImputationConfig(strategies={"quantity": strategy}))
    with caplog.at_level(logging.WARNING, logger="forecastlab.features.featureset"):
        compute(_with_gaps(), cfg)
    assert any(strategy in record.getMessage() for record in caplog.records)


def test_feature_records_are_json_ready():
    dates = [FIRST, FIRST + timedelta(days=1)]
    cfg = config(
        lag_config=LagConfig(lags=[1]),
        calendar_config=CalendarConfig(include_year=True, use_cyclical_encoding=False),
    )
    records = feature_records(compute(inputs_for(dates, [3, 4]), cfg))
    assert records[0]["lag_1"] is None
    assert records[1]["lag_1"] == 3.0 and isinstance(records[1]["lag_1"], float)
    assert records[0]["year"] == 2025 and isinstance(records[0]["year"], int)
    assert isinstance(records[0]["is_weekend"], int)


# --- leakage ------------------------------------------------------------------------------

PLANNED = {"dow_sin", "dow_cos", "month_sin", "month_cos", "quarter", "is_weekend"}
PLANNED |= {"is_month_end", "is_holiday", "promo_active"}


def random_inputs(rng: np.random.Generator, days: int = 120) -> FeatureInputs:
    """A gappy series with random quantities, prices, promotions and inventory."""
    all_days = consecutive(days)
    kept = sorted(rng.choice(days, size=int(days * 0.8), replace=False))
    dates = [all_days[i] for i in kept]
    inputs = inputs_for(
        dates,
        rng.poisson(20, len(dates)).tolist(),
        price=np.round(rng.uniform(1, 3, len(dates)), 2).tolist(),
    )
    daily = inputs.daily
    for column in ("is_holiday", "promo_active", "is_stockout"):
        daily[column] = (rng.random(len(daily)) < 0.2).astype(float)
    daily["on_hand_qty"] = rng.integers(0, 50, len(daily)).astype(float)
    return inputs


def mutate_from(
    inputs: FeatureInputs, day: pd.Timestamp, rng: np.random.Generator
) -> FeatureInputs:
    """Every sales row and daily fact dated on/after `day` replaced by other values."""
    sales, daily = inputs.sales.copy(), inputs.daily.copy()
    later = sales["date"] >= day
    for column in ("quantity", "unit_price", "total_amount"):
        sales.loc[later, column] = rng.uniform(100, 200, later.sum())
    daily.loc[daily.index >= day] = 1.0 - daily.loc[daily.index >= day].clip(upper=1)
    return FeatureInputs(sales=sales, daily=daily)


def full_config() -> FeatureSetConfig:
    return default_feature_set().model_copy(
        update={
            "rolling_config": RollingConfig(
                windows=[3, 7], aggregations=["mean", "std", "min", "max", "sum"], min_periods=2
            ),
            "exogenous_config": ExogenousConfig(include_inventory=True),
        }
    )


@pytest.mark.parametrize("seed", range(8))
def test_later_rows_never_change_earlier_features(seed):
    rng = np.random.default_rng(seed)
    inputs = random_inputs(rng)
    cfg = full_config()
    before = compute(inputs, cfg)
    for day in rng.choice(before.index[1:], size=5, replace=False):
        after = compute(mutate_from(inputs, day, rng), cfg)
        pd.testing.assert_frame_equal(after[after.index < day], before[before.index < day])
        # The row at `day` itself may only differ in its own calendar/planned attributes.
        observed_based = [c for c in before.columns if c not in PLANNED]
        pd.testing.assert_series_equal(
            after.loc[day, observed_based], before.loc[day, observed_based]
        )
        assert not after.loc[day:].equals(before.loc[day:])
