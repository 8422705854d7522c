"""Base classes shared by every response and strict request model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """A response model: non-finite floats leave as JSON null (spec §0.1, D-03)."""

    model_config = ConfigDict(ser_json_inf_nan="null", from_attributes=True)


class StrictRequest(BaseModel):
    """A request body: unknown keys rejected, no string-to-number coercion (spec §0.1).

    FastAPI validates the parsed JSON as Python data, where strict mode refuses a date string:
    declare date fields as `forecastlab.wire.IsoDate`.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
