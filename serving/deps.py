"""FastAPI dependencies: the settings the app was built with and the warehouse engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine
from starlette.requests import HTTPConnection

from forecastlab.aiconfig import effective_settings
from forecastlab.db.endpoints import resolve
from forecastlab.db.engine import engine_for
from forecastlab.settings import Settings


def get_settings(request: HTTPConnection) -> Settings:
    """The settings `create_app` was given (read once at startup)."""
    return request.app.state.settings


def get_engine(request: HTTPConnection) -> Engine:
    """The pooled engine of the app/warehouse database, resolved on first use."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        engine = engine_for(resolve(request.app.state.settings).app_sqlalchemy)
        request.app.state.engine = engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def get_ai_settings(
    engine: Annotated[Engine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Settings:
    """This request's effective settings: the app's plus the persisted `PATCH /config/ai`
    overrides, read per request so every worker and a restarted app agree."""
    return effective_settings(engine, settings)


AiSettingsDep = Annotated[Settings, Depends(get_ai_settings)]
