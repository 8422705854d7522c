"""Find and load the model a prediction addresses (DESIGN "Predict addressing").

A model is addressed by its MLflow run id, by `runs:/<run_id>/model` or by
`models:/forecastlab-demand@<alias>`. Runs are immutable, so a loaded model is cached per run
id and a repeated prediction never reaches MLflow; an alias moves, so it is resolved anew on
every call and only the run it points at comes from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, Final

from mlflow.exceptions import MlflowException
from pydantic import ValidationError

from forecastlab.forecasting.errors import ModelNotFoundError, PredictRequestError
from forecastlab.intervals import RunCalibration, load_calibration
from forecastlab.models import KNOWN_MODEL_TYPES, config_hash, parse_model_config
from forecastlab.registry import (
    SeriesForecaster,
    get_run,
    is_model_uri,
    load_model,
    run_id_of_model_uri,
)
from forecastlab.registry.runs import MODEL_ARTIFACT_PATH

# Loaded models kept in memory; a portfolio holds every series' model, so keep this small.
MODEL_CACHE_SIZE: Final = 16


@dataclass(frozen=True)
class LoadedModel:
    """A run's fitted forecaster, the bundle metadata logged with it (spec §6.6) and the
    calibration of its prediction intervals (None for runs logged without one)."""

    run_id: str
    forecaster: Any
    bundle: dict[str, Any]
    calibration: RunCalibration | None = None

    @property
    def model_type(self) -> str:
        """The run's model type (a zoo type, a global model or `portfolio`)."""
        return str(self.bundle["model_type"])

    @property
    def serves_many(self) -> bool:
        """Whether the model answers many series (a portfolio or a global model)."""
        return isinstance(self.forecaster, SeriesForecaster)

    @property
    def grain(self) -> tuple[int | None, int | None]:
        """The (store_id, product_id) a single-series model was trained on."""
        return self.bundle.get("store_id"), self.bundle.get("product_id")

    @property
    def data_window_end(self) -> date:
        """The last day of the training window."""
        return date.fromisoformat(self.bundle["train_end_date"])

    @cached_property
    def config_hash(self) -> str:
        """Spec §6.8's forecasting recipe for a zoo model; the registry's hash otherwise."""
        if self.model_type in KNOWN_MODEL_TYPES:
            try:
                return config_hash(parse_model_config(self.bundle["model_config"]))
            except ValidationError:
                pass  # logged with a config the zoo does not validate: keep the registry's hash
        return str(self.bundle["config_hash"])


def model_uri(run_id: str) -> str:
    """The MLflow URI of a run's model."""
    return f"runs:/{run_id}/{MODEL_ARTIFACT_PATH}"


def resolve_run_id(run_id: str | None, model_path: str | None) -> str:
    """The run a request addresses; both given must name the same run (400 otherwise)."""
    # an unsupported URI is a RegistryError (400), an unknown alias AliasNotFoundError (404)
    addressed = None if model_path is None else run_id_of_model_uri(model_path)
    if run_id is not None and addressed is not None and addressed != run_id:
        raise PredictRequestError(
            f"run_id {run_id} and model_path {model_path!r} address different runs "
            f"({addressed}); give one of them"
        )
    resolved = run_id or addressed
    if resolved is None:
        raise PredictRequestError("give the model as run_id (preferred) or model_path")
    return resolved


@lru_cache(maxsize=MODEL_CACHE_SIZE)
def load_run_model(run_id: str) -> LoadedModel:
    """The run's model, loaded once per process; 404 for an unknown run or one without a model."""
    record = get_run(run_id)  # RunNotFoundError: 404
    # A logged model sits at runs:/<run>/model; a run created by POST /registry/runs may have
    # no artifact or one (set by PATCH) that is not a model.
    if record.artifact_uri is None or not is_model_uri(record.artifact_uri):
        raise ModelNotFoundError(f"run {run_id} has no model artifact to predict with")
    try:
        pyfunc = load_model(record.artifact_uri)
    except (MlflowException, OSError) as exc:
        raise ModelNotFoundError(f"the model artifact of run {run_id} cannot be read") from exc
    python_model = pyfunc.unwrap_python_model()
    return LoadedModel(
        run_id, python_model.forecaster, python_model.bundle, load_calibration(run_id)
    )
