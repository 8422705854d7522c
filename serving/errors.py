"""Every non-2xx response as `application/problem+json` (spec §15.6, D-19).

Domain errors carry a kind (`forecastlab.errors`), the framework raises its own HTTP and
validation exceptions, and anything else is an internal error with a generic detail: all of
them leave through :func:`problem_response`, which also stamps the request id.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from forecastlab.errors import BadRequestError, ConflictError, NotFoundError, UnprocessableError
from forecastlab.registry import AliasError
from serving.request_id import REQUEST_ID_HEADER, current_request_id

log = logging.getLogger("serving.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
RESERVED_MEMBERS = frozenset(
    {"type", "title", "status", "detail", "instance", "code", "request_id", "errors"}
)
# Codes whose type slug is not simply the kebab-cased code (spec §15.6 table).
_TYPE_SLUGS = {"VALIDATION_ERROR": "validation", "INTERNAL_ERROR": "internal"}
_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    410: "GONE",
    422: "UNPROCESSABLE_ENTITY",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}
# Checked in order: a class may be two kinds (RunNotFoundError is a RegistryError too).
_DOMAIN_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, 404),
    (ConflictError, 409),
    (UnprocessableError, 422),
    (BadRequestError, 400),
)
INTERNAL_DETAIL = (
    "An unexpected error occurred while handling the request. "
    "Contact support with the request_id if it persists."
)


class ApiError(Exception):
    """An error a route raises directly, with its status, code and optional extensions."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or code_for_status(status)
        self.extensions = extensions or {}


def code_for_status(status: int) -> str:
    """The machine-readable code of an HTTP status (the reason phrase upper-snake-cased)."""
    known = _STATUS_CODES.get(status)
    if known:
        return known
    try:
        return HTTPStatus(status).phrase.upper().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "ERROR"


def problem_body(
    status: int,
    code: str,
    detail: str | None,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem document; null members are omitted and extensions never shadow reserved ones."""
    request_id = current_request_id()
    body: dict[str, Any] = {
        "type": f"/errors/{_TYPE_SLUGS.get(code, code.lower().replace('_', '-'))}",
        "title": title or code.replace("_", " ").title(),
        "status": status,
        "detail": detail,
        "instance": f"/requests/{request_id}",
        "code": code,
        "request_id": request_id,
        "errors": errors,
    }
    for key, value in (extensions or {}).items():
        if key not in RESERVED_MEMBERS:
            body[key] = value
    return {key: value for key, value in body.items() if value is not None}


def problem_response(
    status: int,
    code: str,
    detail: str | None,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the request id header."""
    body = problem_body(status, code, detail, title=title, errors=errors, extensions=extensions)
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**(headers or {}), REQUEST_ID_HEADER: body["request_id"]},
    )


def domain_status(exc: Exception) -> int | None:
    """The HTTP status of a domain error, or None when `exc` is not one."""
    if isinstance(exc, AliasError) and exc.problem == "invalid_name":
        return 422
    for kind, status in _DOMAIN_STATUS:
        if isinstance(exc, kind):
            return status
    return None


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """One `{field, message, type}` per Pydantic error; body locations lose their `body.`."""
    entries = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] == "body":
            location = location[1:]
        entries.append(
            {
                "field": ".".join(location),
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
        )
    return entries


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(exc.status, exc.code, exc.detail, extensions=exc.extensions)


async def _http_exception(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail, default=str)
    headers = dict(exc.headers or {})
    return problem_response(
        exc.status_code, code_for_status(exc.status_code), detail, headers=headers
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    detail = (
        f"Request validation failed with {len(errors)} error(s). "
        "Check the 'errors' field for details."
    )
    return problem_response(
        422, "VALIDATION_ERROR", detail, title="Validation Error", errors=errors
    )


async def _database_error(_: Request, exc: Exception) -> JSONResponse:
    # The statement and driver message may quote SQL and data: log them, never return them.
    log.error("database error (request %s)", current_request_id(), exc_info=exc)
    return problem_response(
        500, "DATABASE_ERROR", "The database could not complete the request; try again later."
    )


async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
    status = domain_status(exc)
    if status is not None:
        return problem_response(status, code_for_status(status), str(exc))
    log.error("unhandled error (request %s)", current_request_id(), exc_info=exc)
    return problem_response(500, "INTERNAL_ERROR", INTERNAL_DETAIL, title="Internal Server Error")


def install_error_handlers(app: FastAPI) -> None:
    """Route every error path of `app` through the problem builder."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    for kind, _status in _DOMAIN_STATUS:
        app.add_exception_handler(kind, _unhandled)
    app.add_exception_handler(Exception, _unhandled)
