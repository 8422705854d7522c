"""Base classes shared by every response and strict request model, and the page example."""

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


def page_example(items_key: str, item: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI example of a listing's first page: one item under `items_key`, total 1."""
    return {items_key: [item], "total": 1, "page": 1, "page_size": 20}
