"""Run tag keys: where the contract's fields live on an MLflow run (DESIGN "Registry mapping").

Scalar domain fields use plain keys so the MLflow UI and search filters read naturally
(`tags.store_id = '3'`); JSON blobs and lifecycle bookkeeping carry the `forecastlab.` prefix.
"""

from __future__ import annotations

import json
from typing import Any

from mlflow.utils.validation import MAX_TAG_VAL_LENGTH

from forecastlab.registry.errors import TagTooLongError

STATUS = "forecastlab.status"

MODEL_TYPE = "model_type"
CONFIG_HASH = "config_hash"
STORE_ID = "store_id"
PRODUCT_ID = "product_id"
DATA_WINDOW_START = "data_window_start"
DATA_WINDOW_END = "data_window_end"
FEATURE_FRAME_VERSION = "feature_frame_version"
DAGSTER_RUN_ID = "dagster_run_id"
CODE_VERSION = "code_version"
GIT_SHA = "git_sha"
ARTIFACT_URI = "artifact_uri"
ARTIFACT_HASH = "artifact_hash"
ARTIFACT_SIZE_BYTES = "artifact_size_bytes"

MODEL_CONFIG = "forecastlab.model_config"
FEATURE_CONFIG = "forecastlab.feature_config"
RUNTIME_INFO = "forecastlab.runtime_info"
METRICS = "forecastlab.metrics"
AGENT_CONTEXT = "forecastlab.agent_context"
STARTED_AT = "forecastlab.started_at"
COMPLETED_AT = "forecastlab.completed_at"
UPDATED_AT = "forecastlab.updated_at"
ERROR_MESSAGE = "forecastlab.error_message"


def encode_json(field: str, value: Any) -> str:
    """`value` as the JSON text of a tag; TagTooLongError when MLflow could not keep it whole.

    MLflow silently truncates longer tag values, which would leave unreadable JSON behind.
    """
    text = json.dumps(value, sort_keys=True, default=str)
    if len(text) > MAX_TAG_VAL_LENGTH:
        raise TagTooLongError(field, len(text), MAX_TAG_VAL_LENGTH)
    return text
