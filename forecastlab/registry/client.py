"""The MLflow connection: tracking and registry in one place, the `forecastlab` experiment."""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
from mlflow.environment_variables import MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import RESOURCE_ALREADY_EXISTS, ErrorCode
from mlflow.tracking import MlflowClient

from forecastlab.db.endpoints import resolve
from forecastlab.settings import Settings, get_settings

EXPERIMENT_NAME = "forecastlab"
REGISTERED_MODEL = "forecastlab-demand"


@dataclass(frozen=True)
class Connection:
    """A client bound to the configured tracking URI and the id of the `forecastlab` experiment."""

    uri: str
    client: MlflowClient
    experiment_id: str


# Resolving endpoints may start the embedded server and looking up the experiment is a query:
# do both once per configuration, keyed by the settings that decide them.
_CONNECTIONS: dict[tuple[str | None, str | None, str], Connection] = {}


def connect(settings: Settings | None = None) -> Connection:
    """The connection for these settings (default: the current environment), made once."""
    settings = settings or get_settings()
    # Every prediction of a model not yet cached downloads its artifacts: a progress bar per
    # request would flood a server's log.
    MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.set(False)
    key = (settings.database_url, settings.mlflow_tracking_uri, str(settings.forecastlab_home))
    conn = _CONNECTIONS.get(key)
    if conn is None:
        uri = resolve(settings).mlflow_uri
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        conn = Connection(uri, client, _ensure_experiment(client, uri, settings))
        _CONNECTIONS[key] = conn
    # pyfunc loading and artifact downloads resolve `runs:/` and `models:/` through the global
    # URIs; setting them is a cheap assignment, and another caller may have changed them.
    mlflow.set_tracking_uri(conn.uri)
    mlflow.set_registry_uri(conn.uri)
    return conn


def configure(settings: Settings | None = None) -> MlflowClient:
    """Point MLflow at the configured store and make sure the experiment exists; idempotent."""
    return connect(settings).client


def _ensure_experiment(client: MlflowClient, uri: str, settings: Settings) -> str:
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    if experiment is not None:
        if experiment.lifecycle_stage == "deleted":
            client.restore_experiment(experiment.experiment_id)
        return experiment.experiment_id
    # With a database URI MLflow would write artifacts to ./mlruns of whatever the working
    # directory is (STACK.md); an http server owns its artifact store and needs no location.
    location = None
    if not uri.startswith(("http://", "https://")):
        settings.mlflow_artifact_root.mkdir(parents=True, exist_ok=True)
        location = settings.mlflow_artifact_root.resolve().as_uri()
    try:
        return client.create_experiment(EXPERIMENT_NAME, artifact_location=location)
    except MlflowException as exc:  # another process created it between lookup and create
        if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
            raise
        return client.get_experiment_by_name(EXPERIMENT_NAME).experiment_id
