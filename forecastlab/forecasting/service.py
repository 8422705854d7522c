"""Train, predict and backtest one series on demand (spec §6.4, §6.5, §7).

The functions behind `POST /forecasting/train`, `/forecasting/predict`, `/backtesting/run` and
the Dagster jobs `POST /jobs` launches: both shells validate with the models of
`forecastlab.forecasting.requests` and call these. Errors are the domain kinds of
`forecastlab.errors` (400 / 404 at the API) with a message that says what to change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from forecastlab.backtest.results import BacktestResult
from forecastlab.backtest.runner import run_backtest
from forecastlab.features import frames
from forecastlab.features.frames import backtest_feature_builder, baseline_price
from forecastlab.features.series import SeriesData, load_series
from forecastlab.forecasting.errors import (
    BacktestLimitError,
    ModelNotFoundError,
    NoDataError,
    PredictRequestError,
    UnavailableFeaturesError,
)
from forecastlab.forecasting.feature_model import FeatureAwareModel
from forecastlab.forecasting.loading import (
    LoadedModel,
    load_run_model,
    model_uri,
    resolve_run_id,
)
from forecastlab.forecasting.newest import forecast_newest
from forecastlab.forecasting.requests import (
    BacktestRequest,
    ForecastPoint,
    PredictRequest,
    PredictResponse,
    TrainRequest,
    TrainResponse,
)
from forecastlab.intervals import Interval, RunCalibration, calibrate_by_backtest, log_calibration
from forecastlab.models import FEATURE_AWARE_TYPES, Forecaster, config_hash, make_forecaster
from forecastlab.registry import ModelRunSpec, log_model_run
from forecastlab.registry.portfolio import forecast_with
from forecastlab.settings import Settings, get_settings

# Marks runs trained on demand (the endpoint or a train job) apart from the pipeline's models.
SOURCE_TAG: Final = "forecastlab.source"
SOURCE_API: Final = "api"
# Observed days shown before the forecast in the run's forecast-vs-actual plot.
PLOT_HISTORY_DAYS: Final = 56

# What training produces and logs: a target-only forecaster or a feature-aware model.
TrainedModel = Forecaster | FeatureAwareModel


@dataclass(frozen=True)
class SeriesForecast:
    """A logged model's forecast of one series: what `predict` answers, what scenarios adjust."""

    model: LoadedModel
    store_id: int
    product_id: int
    forecaster: Any  # what answers this series: the run's model, or the portfolio's member
    origin: date  # the day before the first forecast day
    values: np.ndarray

    @property
    def dates(self) -> list[date]:
        """The forecast days: origin + 1 … origin + horizon."""
        return [self.origin + timedelta(days=step) for step in range(1, self.values.size + 1)]


def train(engine: Engine, request: TrainRequest, settings: Settings | None = None) -> TrainResponse:
    """Fit `request.config` on the grain's observed rows and log it as one MLflow run, with
    the interval calibration of a short backtest of the same configuration on those rows."""
    started = time.perf_counter()
    settings = settings or get_settings()
    forecaster = make_forecaster(request.config, settings)  # a disabled model names its flag
    series = load_series(
        engine,
        request.store_id,
        request.product_id,
        request.train_start_date,
        request.train_end_date,
        plan_days=settings.forecast_max_horizon,  # the holiday calendar of future rows
    )
    if series.n == 0:
        raise NoDataError(
            f"No training data found for store {request.store_id} product {request.product_id} "
            f"between {request.train_start_date} and {request.train_end_date}"
        )
    model = _fit(forecaster, series, request)
    calibration = calibrate_by_backtest(
        series,
        request.config,
        settings,
        feature_frame_version=request.feature_frame_version,
        feature_groups=None if request.feature_groups is None else tuple(request.feature_groups),
    )
    record = log_model_run(_run_spec(model, series, request, settings.forecast_default_horizon))
    series_key = (request.store_id, request.product_id)
    log_calibration(
        record.run_id, RunCalibration(settings.forecast_interval_level, {series_key: calibration})
    )
    return TrainResponse(
        store_id=request.store_id,
        product_id=request.product_id,
        model_type=request.config.model_type,
        run_id=record.run_id,
        model_path=model_uri(record.run_id),
        config_hash=config_hash(request.config),
        n_observations=series.n,
        train_start_date=request.train_start_date,
        train_end_date=request.train_end_date,
        feature_frame_version=_frame_version(model),
        duration_ms=_elapsed_ms(started),
    )


def predict(
    engine: Engine, request: PredictRequest, settings: Settings | None = None
) -> PredictResponse:
    """Forecast `horizon` days of one series with the model a run id or MLflow URI addresses
    (which days: see :func:`forecast_series`)."""
    started = time.perf_counter()
    settings = settings or get_settings()
    run_id = resolve_run_id(request.run_id, request.model_path)
    forecast = forecast_series(
        engine, run_id, request.horizon, request.store_id, request.product_id, settings
    )
    model = forecast.model
    interval = forecast_interval(
        forecast, request.interval_level or settings.forecast_interval_level
    )
    return PredictResponse(
        store_id=request.store_id,
        product_id=request.product_id,
        forecasts=[
            ForecastPoint(date=day, forecast=float(value), lower_bound=lower, upper_bound=upper)
            for day, value, (lower, upper) in zip(
                forecast.dates, forecast.values, interval.pairs(), strict=True
            )
        ],
        model_type=model.model_type,
        config_hash=model.config_hash,
        horizon=request.horizon,
        run_id=run_id,
        model_path=request.model_path or model_uri(run_id),
        duration_ms=_elapsed_ms(started),
        interval_level=interval.level if interval.available else None,
        interval_note=interval.note,
    )


def forecast_series(
    engine: Engine,
    run_id: str,
    horizon: int,
    store_id: int | None = None,
    product_id: int | None = None,
    settings: Settings | None = None,
) -> SeriesForecast:
    """Forecast `horizon` days of one series with the model of a run.

    A single-series model forecasts its own series, the days after its training window; ids
    given must be its own (400). A portfolio or global model needs both ids (400) and
    forecasts from the series' newest rows in the mart, the days after its last observed day,
    with the function the batch forecasts use (`forecast_newest`: the two agree).
    """
    settings = settings or get_settings()
    if horizon > settings.forecast_max_horizon:
        raise PredictRequestError(
            f"horizon {horizon} exceeds forecast_max_horizon ({settings.forecast_max_horizon})"
        )
    model = load_run_model(run_id)
    store_id, product_id = _series_of(model, store_id, product_id)
    if not model.serves_many:
        values = forecast_with(model.forecaster, store_id, product_id, horizon)
        return SeriesForecast(
            model, store_id, product_id, model.forecaster, model.data_window_end, values
        )
    key = (store_id, product_id)
    try:
        newest = forecast_newest(engine, model.forecaster, horizon, [key])
    except KeyError as exc:  # Portfolio.member_for: the model holds no such series
        raise ModelNotFoundError(
            f"{model.model_type} run {model.run_id} has no model for store {store_id} "
            f"product {product_id}"
        ) from exc
    values = newest.frame["forecast"].to_numpy(dtype=float)
    return SeriesForecast(
        model, store_id, product_id, newest.members[key], newest.last_observed[key], values
    )


def backtest(
    engine: Engine, request: BacktestRequest, settings: Settings | None = None
) -> BacktestResult:
    """Time-series cross-validation of one series (spec §7) with the pipeline's runner."""
    settings = settings or get_settings()
    config = request.config
    _check_split_limits(config.split_config.n_splits, config.split_config.gap, settings)
    main = config.model_config_main
    make_forecaster(main, settings)  # the flag check, before any data is read
    series = load_series(
        engine, request.store_id, request.product_id, request.start_date, request.end_date
    )
    if series.n == 0:
        raise NoDataError(
            f"No data found for store {request.store_id} product {request.product_id} "
            f"between {request.start_date} and {request.end_date}"
        )
    return run_backtest(
        series.dates,
        series.quantity,
        config,
        feature_builder=(
            backtest_feature_builder(series) if main.model_type in FEATURE_AWARE_TYPES else None
        ),
        store_id=request.store_id,
        product_id=request.product_id,
        settings=settings,
    )


# --- training --------------------------------------------------------------------------------


def _fit(forecaster: Forecaster, series: SeriesData, request: TrainRequest) -> TrainedModel:
    """Target-only: `fit(y)`. Feature-aware: fit on the historical frame, keep the history."""
    if request.config.model_type not in FEATURE_AWARE_TYPES:
        return forecaster.fit(series.quantity)
    groups = None if request.feature_groups is None else tuple(request.feature_groups)
    try:
        return FeatureAwareModel.fit(
            forecaster,
            series,
            origin=request.train_end_date,
            baseline_price=baseline_price(series),  # D-08, over the training window
            feature_frame_version=request.feature_frame_version,
            feature_groups=groups,
        )
    except NotImplementedError as exc:  # the frame builder has no loader for some groups yet
        raise UnavailableFeaturesError(f"feature groups not available yet: {exc}") from exc


def _run_spec(
    model: TrainedModel, series: SeriesData, request: TrainRequest, plot_horizon: int
) -> ModelRunSpec:
    """The MLflow run of a trained model: config, grain, window and spec §6.6's bundle."""
    spec = ModelRunSpec(
        model_type=request.config.model_type,
        model=model,
        model_config=request.config.model_dump(mode="json"),
        store_id=request.store_id,
        product_id=request.product_id,
        data_window_start=request.train_start_date,
        data_window_end=request.train_end_date,
        n_observations=series.n,
        tags={SOURCE_TAG: SOURCE_API},
        plot=_history_and_forecast(model, series, request.train_end_date, plot_horizon),
    )
    if isinstance(model, FeatureAwareModel):
        spec.feature_frame_version = model.feature_frame_version
        spec.feature_columns = list(model.feature_columns)
        spec.feature_safety_classes = {c: frames.SAFETY_CLASSES[c] for c in model.feature_columns}
        if model.feature_frame_version == 2:
            spec.feature_groups = frames.feature_groups_manifest(model.feature_groups)
        spec.history_tail = model.history.quantity.tolist()
        spec.baseline_price = model.baseline_price
        spec.launch_date = series.launch_date
    return spec


def _history_and_forecast(
    model: TrainedModel, series: SeriesData, origin: date, horizon: int
) -> tuple[list[date], list[float], list[float]]:
    """The run's plot: the last observed days, then the forecast after the training window."""
    shown = series.take(slice(-PLOT_HISTORY_DAYS, None))
    history_days = [pd.Timestamp(day).date() for day in shown.dates]
    forecast_days = [origin + timedelta(days=step) for step in range(1, horizon + 1)]
    nan = [float("nan")]
    return (
        history_days + forecast_days,
        shown.quantity.tolist() + nan * horizon,
        nan * shown.n + np.asarray(model.predict(horizon), dtype=float).tolist(),
    )


def _frame_version(model: TrainedModel) -> int | None:
    return model.feature_frame_version if isinstance(model, FeatureAwareModel) else None


# --- prediction ------------------------------------------------------------------------------


def _series_of(model: LoadedModel, store_id: int | None, product_id: int | None) -> tuple[int, int]:
    """The series to forecast: the one asked for, which a single-series model must own (400)."""
    if model.serves_many:
        if store_id is None or product_id is None:
            raise PredictRequestError(
                f"{model.model_type} run {model.run_id} serves many series: give store_id and "
                "product_id"
            )
        return store_id, product_id
    trained_store, trained_product = model.grain
    if trained_store is None or trained_product is None:
        raise PredictRequestError(f"run {model.run_id} records no store_id/product_id")
    asked = (
        trained_store if store_id is None else store_id,
        trained_product if product_id is None else product_id,
    )
    if asked != (trained_store, trained_product):
        raise PredictRequestError(
            f"run {model.run_id} was trained for store {trained_store} product "
            f"{trained_product}, not store {asked[0]} product {asked[1]}"
        )
    return trained_store, trained_product


def forecast_interval(
    forecast: SeriesForecast, level: float, values: np.ndarray | None = None
) -> Interval:
    """Bounds from the run's calibration (none, with a note, without one) around the forecast,
    or around other `values` of the same series and days (a scenario's re-forecast)."""
    centre = forecast.values if values is None else values
    calibration = forecast.model.calibration
    if calibration is None:
        return Interval.unavailable(
            centre.size,
            level,
            f"no prediction intervals: run {forecast.model.run_id} carries no calibration "
            "(logged before intervals existed, or not trained by the API or the pipeline)",
        )
    return calibration.interval(forecast.store_id, forecast.product_id, centre, level)


# --- backtesting -----------------------------------------------------------------------------


def _check_split_limits(n_splits: int, gap: int, settings: Settings) -> None:
    """Spec §7.1: the schema's bounds, narrowed further by the settings (400)."""
    if n_splits > settings.backtest_max_splits:
        raise BacktestLimitError(
            f"n_splits {n_splits} exceeds backtest_max_splits ({settings.backtest_max_splits})"
        )
    if gap > settings.backtest_max_gap:
        raise BacktestLimitError(
            f"gap {gap} exceeds backtest_max_gap ({settings.backtest_max_gap})"
        )


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
