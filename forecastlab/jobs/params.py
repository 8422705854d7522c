"""`{job_type, params}` to the validated request of the matching synchronous endpoint (D-16, D-34).

Train and backtest params come in the flat form of spec §9.1 (`model_type`, the series, the
window and the model's own keys side by side) or as the synchronous endpoint's body (a `config`
key says which). Either way the endpoint's own request model validates them, and errors name
the keys the caller sent. Predict params name a run; the series defaults to the run's own grain,
resolved when the job executes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import InitErrorDetails

from forecastlab.forecasting.requests import MAX_HORIZON, BacktestRequest, TrainRequest
from forecastlab.jobs.contract import JobType

DEFAULT_HORIZON = 14
BODY_SHAPE_KEY = "config"

Path = tuple[str, ...]


class PredictJobRequest(BaseModel):
    """Params of a predict job: the MLflow run, the horizon, optionally the series."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    run_id: str = Field(min_length=1, description="MLflow run id of the trained model.")
    horizon: int = Field(DEFAULT_HORIZON, ge=1, le=MAX_HORIZON)
    store_id: int | None = Field(None, ge=1, description="Default: the run's store.")
    product_id: int | None = Field(None, ge=1, description="Default: the run's product.")


JobRequest = TrainRequest | PredictJobRequest | BacktestRequest

REQUEST_MODELS: dict[JobType, type[BaseModel]] = {
    "train": TrainRequest,
    "predict": PredictJobRequest,
    "backtest": BacktestRequest,
}


@dataclass(frozen=True)
class FlatForm:
    """How a flat params object maps onto a nested request model.

    `fields` places the known keys; every other key belongs to the model configuration at
    `model_path` (a union discriminated on `model_type`).
    """

    model: type[BaseModel]
    fields: Mapping[str, Path]
    model_path: Path
    default_model_type: str | None

    def nest(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The request body the flat params describe."""
        nested: dict[str, Any] = {}
        model_config: dict[str, Any] = {}
        if self.default_model_type is not None:
            model_config["model_type"] = self.default_model_type
        for key, value in params.items():
            if key in self.fields:
                _put(nested, self.fields[key], value)
            else:
                model_config[key] = value
        _put(nested, self.model_path, model_config)
        return nested

    def flat_location(self, location: tuple[int | str, ...]) -> tuple[int | str, ...]:
        """Where an error of the nested request lies in the flat params."""
        depth = len(self.model_path)
        if location[:depth] == self.model_path:
            # Union errors carry the member's tag first: (..., 'seasonal_naive', 'season_length').
            inner = location[depth + 1 :]
            return inner or ("model_type",)
        for key, path in self.fields.items():
            if location[: len(path)] == path:
                return (key, *location[len(path) :])
        return ()  # a container the flat form does not have: the params as a whole


FLAT_FORMS: dict[JobType, FlatForm] = {
    "train": FlatForm(
        model=TrainRequest,
        fields={
            "store_id": ("store_id",),
            "product_id": ("product_id",),
            "start_date": ("train_start_date",),
            "end_date": ("train_end_date",),
            "feature_frame_version": ("feature_frame_version",),
            "feature_groups": ("feature_groups",),
        },
        model_path=("config",),
        default_model_type="naive",
    ),
    "backtest": FlatForm(
        model=BacktestRequest,
        fields={
            "store_id": ("store_id",),
            "product_id": ("product_id",),
            "start_date": ("start_date",),
            "end_date": ("end_date",),
            "strategy": ("config", "split_config", "strategy"),
            "n_splits": ("config", "split_config", "n_splits"),
            "min_train_size": ("config", "split_config", "min_train_size"),
            "gap": ("config", "split_config", "gap"),
            "test_size": ("config", "split_config", "horizon"),
            "include_baselines": ("config", "include_baselines"),
            "store_fold_details": ("config", "store_fold_details"),
        },
        model_path=("config", "model_config_main"),
        default_model_type=None,
    ),
}


def parse_params(job_type: JobType, params: Mapping[str, Any]) -> JobRequest:
    """The validated request of a job; raises pydantic's ValidationError naming the bad keys."""
    form = FLAT_FORMS.get(job_type)
    if form is None or BODY_SHAPE_KEY in params:
        return _validate(REQUEST_MODELS[job_type], params)  # type: ignore[return-value]
    try:
        return _validate(form.model, form.nest(params))  # type: ignore[return-value]
    except ValidationError as exc:
        raise _relocated(exc, form) from None


def request_from_json(job_type: JobType, text: str) -> JobRequest:
    """A request back from the JSON a job's run config carries."""
    return REQUEST_MODELS[job_type].model_validate_json(text)  # type: ignore[return-value]


def _validate(model: type[BaseModel], data: Mapping[str, Any]) -> BaseModel:
    return model.model_validate(dict(data))


def _put(target: dict[str, Any], path: Path, value: Any) -> None:
    *parents, leaf = path
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _relocated(exc: ValidationError, form: FlatForm) -> ValidationError:
    errors: list[InitErrorDetails] = []
    for error in exc.errors():
        detail: InitErrorDetails = {
            "type": error["type"],
            "loc": form.flat_location(error["loc"]),
            "input": error["input"],
        }
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        errors.append(detail)
    return ValidationError.from_exception_data(exc.title, errors)
