"""The single-series runner: §7.8 shape, D-04 gap alignment, baselines, D-03 JSON."""

from __future__ import annotations

import json
import logging
import math
import re

import numpy as np
import pandas as pd
import pytest

from forecastlab.backtest import (
    BacktestConfig,
    BacktestDataError,
    FeatureFramesRequiredError,
    ModelBacktestResult,
    SplitConfig,
    run_backtest,
)
from forecastlab.backtest import runner as runner_module
from forecastlab.models import (
    ModelConfigBase,
    ModelError,
    MovingAverageConfig,
    NaiveConfig,
    RegressionConfig,
    SeasonalNaiveConfig,
)


def _series(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=n, freq="D").to_numpy()
    weekly = 5 + 3 * np.sin(2 * np.pi * np.arange(n) / 7)
    return dates, np.round(weekly + rng.normal(0, 1, n), 2)


def _config(main: ModelConfigBase | None = None, **split: object) -> BacktestConfig:
    return BacktestConfig(
        split_config=SplitConfig(**({"n_splits": 3, "min_train_size": 30, "horizon": 14} | split)),
        model_config_main=main or MovingAverageConfig(window_size=7),
    )


def test_result_shape_and_ids() -> None:
    dates, y = _series(92)
    result = run_backtest(dates, y, _config(), store_id=1, product_id=2)
    assert re.fullmatch(r"[0-9a-f]{16}", result.backtest_id)
    assert re.fullmatch(r"[0-9a-f]{16}", result.config_hash)
    assert (result.store_id, result.product_id) == (1, 2)
    assert result.leakage_check_passed
    assert result.duration_ms > 0
    main = result.main_model_results
    assert main.model_type == "moving_average"
    assert (main.feature_aware, main.exogenous_policy) == (False, None)
    assert [f.fold_index for f in main.fold_results] == [0, 1, 2]
    assert [f.split.test_size for f in main.fold_results] == [14, 14, 14]
    assert set(main.metric_std) == {f"{m}_stability" for m in main.aggregated_metrics}
    assert list(main.bucketed_aggregated_metrics) == ["h_1_7", "h_8_14"]
    assert [b.model_type for b in result.baseline_results] == ["naive", "seasonal_naive"]
    assert set(result.comparison_summary) == {"mae", "rmse", "smape", "wape", "bias"}
    fold = main.fold_results[2]
    assert fold.actuals == y[78:92].tolist()
    assert fold.dates[0] == pd.Timestamp(dates[78]).date()


def test_gap_alignment_scores_the_forecast_from_the_train_end() -> None:
    dates, y = _series(60)
    config = _config(NaiveConfig(), n_splits=2, gap=2, horizon=5)
    result = run_backtest(dates, y, config)
    for fold in result.main_model_results.fold_results:
        train_end_value = y[fold.split.train_size - 1]
        assert fold.predictions == [train_end_value] * 5
        # Offsets 3..7 all fall into h_1_7 (gap + j, D-04).
        assert list(fold.horizon_bucket_metrics) == ["h_1_7"]
    seasonal = _seasonal_result(dates, y, gap=2)
    # Seasonal naive from the train end: test position j is step gap + j - 1 (0-based).
    fold = seasonal.fold_results[0]
    train = y[: fold.split.train_size]
    expected = [train[-7 + (2 + j) % 7] for j in range(5)]
    assert fold.predictions == expected


def _seasonal_result(dates: np.ndarray, y: np.ndarray, *, gap: int) -> ModelBacktestResult:
    config = _config(SeasonalNaiveConfig(season_length=7), n_splits=2, gap=gap, horizon=5)
    return run_backtest(dates, y, config).main_model_results


def test_horizon_offsets_decide_the_buckets() -> None:
    dates, y = _series(80)
    result = run_backtest(dates, y, _config(gap=5, horizon=10, n_splits=2))
    fold = result.main_model_results.fold_results[0]
    assert list(fold.horizon_bucket_metrics) == ["h_1_7", "h_8_14", "h_15_28"]
    # Offsets 6, 7 -> the first two test points.
    assert fold.horizon_bucket_metrics["h_1_7"]["mae"] == pytest.approx(
        np.mean(np.abs(np.array(fold.actuals[:2]) - fold.predictions[:2]))
    )


def test_insufficient_data_raises() -> None:
    dates, y = _series(40)
    with pytest.raises(BacktestDataError, match="44 required"):
        run_backtest(dates, y, _config())


def test_without_baselines_there_is_no_comparison() -> None:
    dates, y = _series(92)
    config = _config().model_copy(update={"include_baselines": False})
    result = run_backtest(dates, y, config)
    assert result.baseline_results is None and result.comparison_summary is None


def test_a_failing_baseline_is_skipped_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = runner_module.make_forecaster

    def failing_seasonal(config, settings=None):
        if config.model_type == "seasonal_naive":
            raise ModelError("seasonal_naive needs more data")
        return real(config, settings)

    monkeypatch.setattr(runner_module, "make_forecaster", failing_seasonal)
    dates, y = _series(92)
    with caplog.at_level(logging.WARNING, logger="forecastlab.backtest.runner"):
        result = run_backtest(dates, y, _config())
    assert [b.model_type for b in result.baseline_results] == ["naive"]
    assert "seasonal_naive skipped" in caplog.text
    assert result.comparison_summary["mae"]["seasonal_naive"] is None
    assert "vs_seasonal_pct" not in result.comparison_summary["mae"]
    assert "vs_naive_pct" in result.comparison_summary["mae"]


def test_comparison_uses_the_baseline_results() -> None:
    dates, y = _series(92)
    result = run_backtest(dates, y, _config(SeasonalNaiveConfig(season_length=7)))
    naive = result.baseline_results[0].aggregated_metrics["mae"]
    main = result.main_model_results.aggregated_metrics["mae"]
    entry = result.comparison_summary["mae"]
    assert entry["vs_naive_pct"] == pytest.approx((naive - main) / naive * 100)
    # Main is seasonal naive itself: no improvement over the seasonal baseline.
    assert entry["vs_seasonal_pct"] == 0.0


def test_non_finite_metrics_serialise_as_null() -> None:
    dates = pd.date_range("2024-01-01", periods=44, freq="D").to_numpy()
    y = np.r_[np.ones(30), np.zeros(14)]
    result = run_backtest(dates, y, _config(NaiveConfig(), n_splits=2))
    main = result.main_model_results
    assert math.isnan(main.aggregated_metrics["wape"])  # every fold +inf: none finite
    assert main.fold_results[0].metrics["wape"] == math.inf
    payload = result.to_json_dict()
    assert payload["main_model_results"]["fold_results"][0]["metrics"]["wape"] is None
    assert payload["main_model_results"]["aggregated_metrics"]["wape"] is None
    text = result.model_dump_json()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_store_fold_details_false_empties_the_arrays_only() -> None:
    dates, y = _series(92)
    config = _config().model_copy(update={"store_fold_details": False})
    result = run_backtest(dates, y, config)
    for fold in result.main_model_results.fold_results:
        assert fold.dates == fold.actuals == fold.predictions == []
        assert not math.isnan(fold.metrics["mae"])


def test_feature_aware_model_needs_a_feature_builder() -> None:
    dates, y = _series(92)
    with pytest.raises(FeatureFramesRequiredError, match="feature_builder"):
        run_backtest(dates, y, _config(RegressionConfig(max_iter=10)))


def test_feature_builder_gets_train_and_forecast_positions() -> None:
    dates, y = _series(70)
    calls: list[tuple[np.ndarray, np.ndarray]] = []

    def builder(train_index: np.ndarray, future_index: np.ndarray):
        calls.append((train_index, future_index))
        frame = pd.DataFrame({"t": np.arange(70, dtype=float), "dow": np.arange(70) % 7})
        return frame.iloc[train_index], frame.iloc[future_index]

    config = _config(RegressionConfig(max_iter=10), n_splits=2, gap=2, horizon=5)
    result = run_backtest(dates, y, config, feature_builder=builder)
    main = result.main_model_results
    assert (main.feature_aware, main.exogenous_policy) == (True, "observed")
    # Per fold: the main model asks once; the baselines never do.
    assert len(calls) == 2
    train_index, future_index = calls[0]
    assert train_index.tolist() == list(range(30))
    assert future_index.tolist() == list(range(30, 37))  # gap rows + test window
    assert len(main.fold_results[0].predictions) == 5


def test_feature_builder_returning_none_is_an_error() -> None:
    dates, y = _series(92)
    with pytest.raises(FeatureFramesRequiredError, match="fold 0"):
        run_backtest(
            dates, y, _config(RegressionConfig(max_iter=10)), feature_builder=lambda *_: None
        )


def test_same_config_gives_the_same_metrics() -> None:
    dates, y = _series(120, seed=4)
    config = _config(SeasonalNaiveConfig(season_length=7), strategy="sliding")
    first, second = run_backtest(dates, y, config), run_backtest(dates, y, config)
    assert first.config_hash == second.config_hash
    assert first.backtest_id != second.backtest_id
    strip = {"backtest_id", "duration_ms"}
    assert first.model_dump(exclude=strip) == second.model_dump(exclude=strip)


def test_backtest_config_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError):
        BacktestConfig.model_validate({"model_config_main": {"model_type": "naive"}, "extra": 1})
    parsed = BacktestConfig.model_validate({"model_config_main": {"model_type": "naive"}})
    assert parsed.split_config == SplitConfig()
