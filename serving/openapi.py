"""The OpenAPI document: every error response documented as the problem+json body it is.

Routes document their error statuses with a description only; this module gives each of them
(and FastAPI's automatic 422) the `Problem` schema under `application/problem+json`, so the
Swagger UI shows what a client really receives (spec §15.6).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from serving.errors import PROBLEM_MEDIA_TYPE

_REF = "#/components/schemas/{model}"
# FastAPI's own 422 body, which our handlers never send.
_FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")
_FIELD_ERROR_EXAMPLE = {
    "field": "records.0.quantity",
    "message": "Input should be greater than or equal to 0",
    "type": "greater_than_equal",
}


class ProblemFieldError(BaseModel):
    """One request-validation error."""

    model_config = ConfigDict(json_schema_extra={"examples": [_FIELD_ERROR_EXAMPLE]})

    field: str = Field(examples=["records.0.quantity"])
    message: str = Field(examples=["Input should be greater than or equal to 0"])
    type: str = Field(examples=["greater_than_equal"])


class Problem(BaseModel):
    """An RFC 7807 problem document (null members are omitted)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "/errors/not-found",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "Store 99 not found; list stores with GET /dimensions/stores",
                    "instance": "/requests/6f1d0c1e-2b1a-4c0e-9a43-5e8b1f7d2c10",
                    "code": "NOT_FOUND",
                    "request_id": "6f1d0c1e-2b1a-4c0e-9a43-5e8b1f7d2c10",
                }
            ]
        }
    )

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str
    code: str
    request_id: str
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="Only on request-validation 422s."
    )


def _problem_components() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template=_REF)
    definitions = schema.pop("$defs", {})
    return {**definitions, "Problem": schema}


def problem_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every 4xx/5xx response as problem+json."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FRAMEWORK_SCHEMAS:
        components.pop(name, None)
    components.update(_problem_components())
    problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF.format(model="Problem")}}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if status[:1] in ("4", "5"):
                    response["content"] = problem
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve :func:`problem_openapi` (built once, on first request) as `/openapi.json`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
