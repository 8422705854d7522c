"""Application settings (spec §0.4), read from the environment and `.env`.

Settings are built on demand by :func:`get_settings` (never at import time) so that a test or
a CLI command that changes the environment sees its change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob the platform reads; the environment variable is the upper-cased field name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", validate_default=True)

    app_env: Literal["development", "testing", "staging", "production"] = "development"

    # Where the data lives. Unset DATABASE_URL = the embedded PostgreSQL under forecastlab_home.
    database_url: str | None = None
    dagster_pg_url: str | None = None
    mlflow_tracking_uri: str | None = None
    forecastlab_home: Path = Field(default=PROJECT_ROOT / ".forecastlab")
    dagster_home: Path | None = None
    landing_dir: Path | None = None
    # The first day of Dagster's daily partitions: no day before it can be loaded or built
    # into the marts through Dagster. The default covers multi-year histories; set it to
    # your own first day to keep the UI's partition views short (docs/runbooks/backfill.md).
    history_start: date = date(2000, 1, 1)

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8123, ge=1, le=65535)
    dagster_port: int = Field(default=3000, ge=1, le=65535)
    mlflow_port: int = Field(default=5000, ge=1, le=65535)

    feature_max_lookback_days: int = Field(default=1095, ge=1)
    feature_max_lag: int = Field(default=365, ge=1)
    feature_max_window: int = Field(default=90, ge=1)

    # The horizon of a training round (days), unless its run config says otherwise; the
    # forecast refresh uses the horizon the production model was trained for.
    training_horizon: int = Field(default=14, ge=1, le=90)

    forecast_random_seed: int = 42
    forecast_default_horizon: int = Field(default=14, ge=1)
    forecast_max_horizon: int = Field(default=90, ge=1)
    # Nominal coverage of the split-conformal prediction intervals (a request may ask another).
    forecast_interval_level: float = Field(default=0.8, ge=0.5, le=0.99)
    # DESIGN.md: lightgbm is a required dependency here, so it is on by default; the rest opt in.
    forecast_enable_lightgbm: bool = True
    forecast_enable_xgboost: bool = False
    forecast_enable_random_forest: bool = False

    seeder_default_seed: int = Field(default=42, ge=0)
    seeder_default_stores: int = Field(default=10, ge=1, le=100)
    seeder_default_products: int = Field(default=50, ge=1, le=500)
    seeder_batch_size: int = Field(default=1000, ge=1)
    seeder_enable_progress: bool = True
    seeder_allow_production: bool = False
    seeder_require_confirm: bool = True

    dbt_threads: int = Field(default=2, ge=1, le=16)

    # Serving (spec §0.4). The API reaches Dagster's GraphQL endpoint to launch and read jobs.
    dagster_webserver_url: str | None = None
    ingest_batch_size: int = Field(default=1000, ge=1)
    ingest_timeout_seconds: int = Field(default=60, ge=1)
    analytics_max_rows: int = Field(default=10_000, ge=1)
    analytics_max_date_range_days: int = Field(default=730, ge=1)
    backtest_max_splits: int = Field(default=20, ge=2)
    backtest_default_min_train_size: int = Field(default=30, ge=7)
    backtest_max_gap: int = Field(default=30, ge=0)
    registry_duplicate_policy: Literal["allow", "deny", "detect"] = "detect"
    jobs_retention_days: int = Field(default=30, ge=1)

    # RAG (spec §0.4, §12). The default embedder ships with the project and needs no key: the
    # int8 ONNX export of all-MiniLM-L6-v2 (384 dimensions); openai / ollama by configuration.
    rag_embedding_provider: Literal["offline", "openai", "ollama"] = "offline"
    rag_embedding_model: str = "all-MiniLM-L6-v2"
    rag_embedding_dimension: int = Field(default=384, ge=1, le=16_000)
    rag_embedding_batch_size: int = Field(default=100, ge=1, le=2048)
    ollama_base_url: str = "http://localhost:11434"
    ollama_embedding_model: str = "nomic-embed-text"
    rag_chunk_size: int = Field(default=512, ge=16)
    rag_chunk_overlap: int = Field(default=50, ge=0)
    rag_min_chunk_size: int = Field(default=100, ge=1)
    rag_top_k: int = Field(default=5, ge=1, le=50)
    # Spec §0.4 says 0.7, a value for OpenAI's embeddings; relevant chunks score 0.35-0.65 with
    # the offline MiniLM model, so its default is lower. Raise it with a remote provider.
    rag_similarity_threshold: float = Field(default=0.3, ge=-1.0, le=1.0)
    rag_max_context_tokens: int = Field(default=4000, ge=1)
    rag_index_type: Literal["hnsw"] = "hnsw"
    rag_hnsw_m: int = Field(default=16, ge=2, le=100)
    rag_hnsw_ef_construction: int = Field(default=64, ge=4, le=1000)

    # Agents (spec §0.4, §13): models are `provider:model`, reached through the OpenAI SDK at
    # each provider's OpenAI-compatible endpoint.
    agent_default_model: str = "anthropic:claude-sonnet-4-5"
    agent_fallback_model: str | None = "openai:gpt-4o"
    agent_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    agent_max_tokens: int = Field(default=4096, ge=1)
    agent_thinking_budget: int | None = None
    agent_max_tool_calls: int = Field(default=10, ge=1, le=100)
    agent_timeout_seconds: float = Field(default=120, gt=0)
    agent_retry_attempts: int = Field(default=3, ge=0, le=10)
    agent_retry_delay_seconds: float = Field(default=1.0, ge=0)
    agent_require_approval: list[str] = Field(
        default_factory=lambda: ["create_alias", "archive_run", "save_scenario"]
    )
    agent_approval_timeout_minutes: int = Field(default=60, ge=1)
    agent_session_ttl_minutes: int = Field(default=120, ge=1)
    agent_max_sessions_per_user: int = Field(default=5, ge=1)
    agent_enable_streaming: bool = True
    openai_api_key: str = ""
    anthropic_api_key: str = ""
    google_api_key: str = ""
    # OpenAI-compatible endpoints per provider (override to use a gateway or a local stand-in).
    openai_base_url: str = "https://api.openai.com/v1"
    anthropic_base_url: str = "https://api.anthropic.com/v1/"
    google_base_url: str = "https://generativelanguage.googleapis.com/v1beta/openai/"

    @field_validator(
        "database_url",
        "dagster_pg_url",
        "mlflow_tracking_uri",
        "dagster_webserver_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _must_be_postgres(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql", "postgres://")):
            raise ValueError(
                "DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql://user:password@host:5432/forecastlab (or unset it to use the "
                "embedded server)"
            )
        return value

    @property
    def pgdata_dir(self) -> Path:
        """Data directory of the embedded PostgreSQL server."""
        return self.forecastlab_home / "pgdata"

    @property
    def resolved_dagster_home(self) -> Path:
        """DAGSTER_HOME, defaulting to a folder under forecastlab_home."""
        return self.dagster_home or self.forecastlab_home / "dagster_home"

    @property
    def resolved_landing_dir(self) -> Path:
        """LANDING_DIR: where retailer exports are dropped for the file-load asset."""
        return self.landing_dir or self.forecastlab_home / "landing"

    @property
    def resolved_dagster_webserver_url(self) -> str:
        """Where the API finds Dagster's GraphQL endpoint (default: the local `make serve`)."""
        return (self.dagster_webserver_url or f"http://127.0.0.1:{self.dagster_port}").rstrip("/")

    @property
    def mlflow_artifact_root(self) -> Path:
        """Where MLflow stores model artifacts (the tracking store itself is in PostgreSQL)."""
        return self.forecastlab_home / "mlartifacts"


def get_settings() -> Settings:
    """Read the settings now; raises a ValidationError naming the bad variable."""
    return Settings()
