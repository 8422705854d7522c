"""Base classes shared by every response and strict request model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, field_serializer


class ApiModel(BaseModel):
    """A response model: non-finite floats leave as JSON null (spec §0.1, D-03), timestamps
    with an explicit `+00:00` offset as the spec writes them (Pydantic would write `Z`)."""

    model_config = ConfigDict(ser_json_inf_nan="null", from_attributes=True)

    @field_serializer("*", mode="wrap", when_used="json")
    def _timestamps_with_offset(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return handler(value)


class StrictRequest(BaseModel):
    """A request body: unknown keys rejected, no string-to-number coercion (spec §0.1).

    FastAPI validates the parsed JSON as Python data, where strict mode refuses a date string:
    declare date fields as `forecastlab.wire.IsoDate`.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
