"""The FastAPI application: `serving.main:app`, built by :func:`create_app`.

uvicorn serving.main:app --host 127.0.0.1 --port 8123     (what `make serve` runs)
"""

from __future__ import annotations

from fastapi import FastAPI

from forecastlab import __version__
from forecastlab.settings import Settings, get_settings
from serving.errors import install_error_handlers
from serving.openapi import install_openapi
from serving.request_id import RequestIdMiddleware
from serving.routers import (
    agents,
    analytics,
    backtesting,
    config,
    dimensions,
    explain,
    featuresets,
    forecasting,
    health,
    ingest,
    jobs,
    rag,
    registry,
    scenarios,
)

ROUTERS = (
    health.router,
    ingest.router,
    dimensions.router,
    analytics.router,
    featuresets.router,
    forecasting.router,
    backtesting.router,
    registry.router,
    jobs.router,
    rag.router,
    config.router,
    explain.router,
    scenarios.router,
    agents.router,
)

DESCRIPTION = """
Retail demand forecasting over an orchestrated pipeline. The warehouse, feature marts,
backtests and batch forecasts are Dagster assets; models live in the MLflow registry; jobs
are Dagster runs. Every error is `application/problem+json` (RFC 7807) and every response
carries `X-Request-ID`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: read from the environment now)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="ForecastLab API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url="/redoc",
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(RequestIdMiddleware)
    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
