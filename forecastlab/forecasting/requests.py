"""Request and response models of on-demand training, prediction and backtesting.

They live in the domain core, not in `serving`, because two shells validate with them: the
synchronous endpoints and `POST /jobs` (D-16, D-34), whose Dagster jobs take the same models
as run config.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from forecastlab.backtest.runner import BacktestConfig
from forecastlab.features.frames import V2_GROUPS
from forecastlab.models import ModelConfig
from forecastlab.wire import DbId, IsoDate

MAX_HORIZON = 90


class _Strict(BaseModel):
    # Strict JSON types (no "5" -> 5), unknown keys rejected; IsoDate fields parse ISO strings.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _SeriesRequest(_Strict):
    """A request about one series; its ids come first in every body."""

    store_id: DbId
    product_id: DbId


class _Response(BaseModel):
    model_config = ConfigDict(ser_json_inf_nan="null")


def _check_window(start: date, end: date, start_name: str, end_name: str) -> None:
    """Raise ValueError unless `end` is strictly after `start`; the message names both fields."""
    if end <= start:
        raise ValueError(f"{end_name} must be after {start_name}")


class TrainRequest(_SeriesRequest):
    """Body of `POST /forecasting/train` (spec §6.4)."""

    train_start_date: IsoDate
    train_end_date: IsoDate
    config: ModelConfig
    feature_frame_version: Literal[1, 2] = 1
    feature_groups: list[str] | None = None

    @model_validator(mode="after")
    def _window_and_groups(self) -> Self:
        _check_window(
            self.train_start_date, self.train_end_date, "train_start_date", "train_end_date"
        )
        if self.feature_groups is not None:
            if self.feature_frame_version != 2:
                raise ValueError("feature_groups apply to feature_frame_version 2 only")
            unknown = sorted(set(self.feature_groups) - set(V2_GROUPS))
            if unknown:
                raise ValueError(f"unknown feature groups {unknown}; known: {', '.join(V2_GROUPS)}")
        return self


class TrainResponse(_Response):
    """What training produced: the MLflow run (`run_id`) and its model URI (`model_path`)."""

    store_id: int
    product_id: int
    model_type: str
    run_id: str
    model_path: str
    config_hash: str
    n_observations: int
    train_start_date: date
    train_end_date: date
    feature_frame_version: int | None = None
    duration_ms: float


class PredictRequest(_SeriesRequest):
    """Body of `POST /forecasting/predict` (spec §6.5): the model by `run_id` or MLflow URI."""

    horizon: int = Field(ge=1, le=MAX_HORIZON)
    run_id: str | None = None
    model_path: str | None = None
    # Nominal coverage of the bounds; the settings' forecast_interval_level when omitted.
    interval_level: float | None = Field(default=None, ge=0.5, le=0.99)

    @model_validator(mode="after")
    def _one_model(self) -> Self:
        if self.run_id is None and self.model_path is None:
            raise ValueError("give the model as run_id (preferred) or model_path")
        return self


class ForecastPoint(_Response):
    """One forecast day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"date": "2025-07-01", "forecast": 12.0, "lower_bound": None, "upper_bound": None}
            ]
        }
    )

    date: date
    forecast: float
    lower_bound: float | None = None
    upper_bound: float | None = None


class PredictResponse(_Response):
    """The forecast of one series."""

    store_id: int
    product_id: int
    forecasts: list[ForecastPoint]
    model_type: str
    config_hash: str
    horizon: int
    run_id: str | None = None
    model_path: str
    duration_ms: float
    # The level the bounds were computed at (null when no step has bounds), and why bounds are
    # missing or borrowed from a shorter lead time, if they are.
    interval_level: float | None = None
    interval_note: str | None = None


class BacktestRequest(_SeriesRequest):
    """Body of `POST /backtesting/run` (spec §7.1)."""

    start_date: IsoDate
    end_date: IsoDate
    config: BacktestConfig

    @model_validator(mode="after")
    def _window(self) -> Self:
        _check_window(self.start_date, self.end_date, "start_date", "end_date")
        return self
