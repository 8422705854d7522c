"""The model registry: a facade over MLflow (DESIGN "Registry mapping (MLflow)").

Runs are MLflow runs of experiment `forecastlab`, models are pyfunc artifacts with a recorded
manifest hash, aliases are aliases of the registered model `forecastlab-demand`. Callers (the
API, Dagster assets) use only this package, never MLflow directly.
"""

from forecastlab.registry.aliases import (
    ALIAS_NAME_MAX_LENGTH,
    ALIAS_NAME_PATTERN,
    PORTFOLIO_MODEL_TYPE,
    PRODUCTION_ALIAS,
    AliasRecord,
    delete_alias,
    get_alias,
    list_aliases,
    set_alias,
    validate_alias_name,
)
from forecastlab.registry.artifacts import (
    VerifyResult,
    is_model_uri,
    load_model,
    run_id_of_model_uri,
    verify,
)
from forecastlab.registry.client import EXPERIMENT_NAME, REGISTERED_MODEL, configure
from forecastlab.registry.compare import RunComparison, compare_runs
from forecastlab.registry.errors import (
    AliasError,
    AliasNotFoundError,
    ArtifactNotFoundError,
    DuplicateRunError,
    InvalidTransitionError,
    RegistryError,
    RunNotFoundError,
    TagTooLongError,
    UnsafeArtifactUriError,
)
from forecastlab.registry.listing import DEFAULT_SORT, SORT_FIELDS, RunPage, SortOrder, list_runs
from forecastlab.registry.modelrun import ModelRunSpec, log_model_run
from forecastlab.registry.portfolio import Ensemble, Portfolio, SeriesForecaster
from forecastlab.registry.runs import (
    STATUS_TAG,
    TRANSITIONS,
    DuplicatePolicy,
    RunRecord,
    Status,
    config_hash,
    create_run,
    get_run,
    transition,
)
from forecastlab.registry.updates import update_run

__all__ = [
    "ALIAS_NAME_MAX_LENGTH",
    "ALIAS_NAME_PATTERN",
    "DEFAULT_SORT",
    "EXPERIMENT_NAME",
    "PORTFOLIO_MODEL_TYPE",
    "PRODUCTION_ALIAS",
    "REGISTERED_MODEL",
    "SORT_FIELDS",
    "STATUS_TAG",
    "TRANSITIONS",
    "AliasError",
    "AliasNotFoundError",
    "AliasRecord",
    "ArtifactNotFoundError",
    "DuplicatePolicy",
    "DuplicateRunError",
    "Ensemble",
    "InvalidTransitionError",
    "ModelRunSpec",
    "Portfolio",
    "RegistryError",
    "RunComparison",
    "RunNotFoundError",
    "RunPage",
    "RunRecord",
    "SeriesForecaster",
    "SortOrder",
    "Status",
    "TagTooLongError",
    "UnsafeArtifactUriError",
    "VerifyResult",
    "compare_runs",
    "config_hash",
    "configure",
    "create_run",
    "delete_alias",
    "get_alias",
    "get_run",
    "is_model_uri",
    "list_aliases",
    "list_runs",
    "load_model",
    "log_model_run",
    "run_id_of_model_uri",
    "set_alias",
    "transition",
    "update_run",
    "validate_alias_name",
    "verify",
]
