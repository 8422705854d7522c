"""Request correlation (spec §0.1, §15.6): echo or mint `X-Request-ID` on every response."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
# An inbound id is echoed only when it is a sane token; anything else (huge, control
# characters) is replaced rather than reflected into headers and logs.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str:
    """The id of the request being served (a fresh one outside a request)."""
    return _REQUEST_ID.get() or str(uuid.uuid4())


class RequestIdMiddleware:
    """Pure ASGI middleware: sets the context variable and the response header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inbound = dict(scope.get("headers") or []).get(_HEADER_KEY, b"").decode("latin-1")
        request_id = inbound if _ACCEPTABLE.match(inbound) else str(uuid.uuid4())
        token = _REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != _HEADER_KEY
                ]
                headers.append((_HEADER_KEY, request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)
        # Reset only on success: an exception travels on to the outermost 500 handler, which
        # must still see this request's id to put it in the problem body and header.
        _REQUEST_ID.reset(token)
