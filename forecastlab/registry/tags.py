"""Run tag keys: where the contract's fields live on an MLflow run (DESIGN "Registry mapping").

Scalar domain fields use plain keys so the MLflow UI and search filters read naturally
(`tags.store_id = '3'`); JSON blobs and lifecycle bookkeeping carry the `forecastlab.` prefix.
"""

from __future__ import annotations

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
ARTIFACT_HASH = "artifact_hash"
ARTIFACT_SIZE_BYTES = "artifact_size_bytes"

MODEL_CONFIG = "forecastlab.model_config"
FEATURE_CONFIG = "forecastlab.feature_config"
RUNTIME_INFO = "forecastlab.runtime_info"
METRICS = "forecastlab.metrics"
STARTED_AT = "forecastlab.started_at"
COMPLETED_AT = "forecastlab.completed_at"
UPDATED_AT = "forecastlab.updated_at"
ERROR_MESSAGE = "forecastlab.error_message"
