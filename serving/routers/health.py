"""Liveness and readiness (spec §15.1)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import ConfigDict
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from serving.deps import get_engine
from serving.schemas.base import ApiModel

router = APIRouter(tags=["health"])


class HealthResponse(ApiModel):
    """Liveness: the process serves requests."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"] = "ok"


class ReadinessResponse(ApiModel):
    """Readiness: whether the database answers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "ok", "database": "connected"},
                {"status": "unhealthy", "database": "disconnected"},
            ]
        }
    )

    status: Literal["ok", "degraded", "unhealthy"]
    database: Literal["connected", "disconnected"]


@router.get("/health", response_model=HealthResponse)
def health() -> HealthResponse:
    """Liveness probe: always `{"status": "ok"}`, without touching the database (D-36)."""
    return HealthResponse()


@router.get("/health/ready", response_model=ReadinessResponse)
def ready(request: Request) -> ReadinessResponse:
    """Readiness probe: `ok` after a successful `SELECT 1`, `unhealthy` otherwise (never 5xx)."""
    try:
        # Resolved here, not as a dependency: an unreachable or misconfigured database (even
        # an embedded server that cannot start) must read "unhealthy", not fail the probe.
        with get_engine(request).connect() as conn:
            conn.execute(text("select 1"))
    except (SQLAlchemyError, OSError, RuntimeError):
        return ReadinessResponse(status="unhealthy", database="disconnected")
    return ReadinessResponse(status="ok", database="connected")
