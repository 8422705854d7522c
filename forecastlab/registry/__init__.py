"""The model registry: a facade over MLflow (DESIGN "Registry mapping (MLflow)").

Runs are MLflow runs of experiment `forecastlab`, models are pyfunc artifacts with a recorded
manifest hash, aliases are aliases of the registered model `forecastlab-demand`. Callers (the
API, Dagster assets) use only this package, never MLflow directly.
"""

from forecastlab.registry.aliases import (
    PORTFOLIO_MODEL_TYPE,
    PRODUCTION_ALIAS,
    AliasRecord,
    delete_alias,
    get_alias,
    list_aliases,
    set_alias,
    validate_alias_name,
)
from forecastlab.registry.artifacts import VerifyResult, load_model, verify
from forecastlab.registry.client import EXPERIMENT_NAME, REGISTERED_MODEL, configure
from forecastlab.registry.errors import (
    AliasError,
    AliasNotFoundError,
    ArtifactNotFoundError,
    InvalidTransitionError,
    RegistryError,
    RunNotFoundError,
)
from forecastlab.registry.modelrun import ModelRunSpec, log_model_run
from forecastlab.registry.portfolio import Portfolio, SeriesForecaster
from forecastlab.registry.runs import (
    STATUS_TAG,
    TRANSITIONS,
    RunRecord,
    config_hash,
    create_run,
    get_run,
    transition,
)

__all__ = [
    "EXPERIMENT_NAME",
    "PORTFOLIO_MODEL_TYPE",
    "PRODUCTION_ALIAS",
    "REGISTERED_MODEL",
    "STATUS_TAG",
    "TRANSITIONS",
    "AliasError",
    "AliasNotFoundError",
    "AliasRecord",
    "ArtifactNotFoundError",
    "InvalidTransitionError",
    "ModelRunSpec",
    "Portfolio",
    "RegistryError",
    "RunNotFoundError",
    "RunRecord",
    "SeriesForecaster",
    "VerifyResult",
    "config_hash",
    "configure",
    "create_run",
    "delete_alias",
    "get_alias",
    "get_run",
    "list_aliases",
    "load_model",
    "log_model_run",
    "set_alias",
    "transition",
    "validate_alias_name",
    "verify",
]
