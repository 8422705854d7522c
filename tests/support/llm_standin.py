"""A local OpenAI-compatible chat server whose answers each test scripts.

It serves `POST /<provider>/v1/chat/completions` on 127.0.0.1 (a free port, uvicorn in a
thread), so every provider of the agents can point its base URL at it. Replies are queued per
model name and consumed in order: text, tool calls, error statuses (with an OpenAI-style
error body that echoes the presented key, as real providers do), or a request that hangs
until the client gives up. `stream: true` requests get server-sent events like OpenAI's:
role, text in pieces, tool calls in fragments, the finish reason, usage, `[DONE]`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

PROMPT_TOKENS = 11
COMPLETION_TOKENS = 7


@dataclass(frozen=True)
class Reply:
    """One scripted answer to one chat completion request."""

    text: str = ""
    tool_calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    status: int = 200
    error: str = ""
    hang_seconds: float = 0.0

    @classmethod
    def say(cls, text: str) -> Reply:
        """An assistant message with this text."""
        return cls(text=text)

    @classmethod
    def call(cls, tool: str, /, text: str = "", **arguments: Any) -> Reply:
        """An assistant turn that calls one tool (optionally with some text first)."""
        return cls(text=text, tool_calls=((tool, arguments),))

    @classmethod
    def calls(cls, *calls: tuple[str, dict[str, Any]]) -> Reply:
        """An assistant turn that calls several tools."""
        return cls(tool_calls=calls)

    @classmethod
    def fail(cls, status: int, error: str = "") -> Reply:
        """An HTTP error with an OpenAI-style error body."""
        return cls(status=status, error=error)

    @classmethod
    def hang(cls, seconds: float = 30.0) -> Reply:
        """No answer for `seconds` (or until the server stops)."""
        return cls(hang_seconds=seconds)


@dataclass(frozen=True)
class Received:
    """A request the stand-in answered."""

    provider: str
    authorization: str
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))


@dataclass
class LLMStandIn:
    """The server: script replies with :meth:`script`, read what it got from `received`."""

    replies: dict[str, deque[Reply]] = field(default_factory=lambda: defaultdict(deque))
    received: list[Received] = field(default_factory=list)
    port: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def base_url(self, provider: str) -> str:
        """The OpenAI-compatible base URL of `provider` on this server."""
        return f"http://127.0.0.1:{self.port}/{provider}/v1"

    def script(self, model: str, *replies: Reply) -> None:
        """Queue replies for requests naming `model`."""
        self.replies[model].extend(replies)

    def requests_for(self, model: str) -> list[Received]:
        """Every request that named `model`, oldest first."""
        return [request for request in self.received if request.model == model]

    def app(self) -> Starlette:
        return Starlette(
            routes=[Route("/{provider}/v1/chat/completions", self._complete, methods=["POST"])]
        )

    async def _complete(self, request: Request) -> Response:
        body = await request.json()
        authorization = request.headers.get("authorization", "")
        provider = request.path_params["provider"]
        self.received.append(Received(provider, authorization, body))
        queue = self.replies[str(body.get("model"))]
        if not queue:
            return _error(500, f"the stand-in has no reply scripted for {body.get('model')!r}")
        reply = queue.popleft()
        if reply.hang_seconds:
            deadline = time.monotonic() + reply.hang_seconds
            while time.monotonic() < deadline and not self.stopping.is_set():
                await asyncio.sleep(0.05)
            return _error(504, "the stand-in hung up")
        if reply.status != 200:
            key = authorization.removeprefix("Bearer ")
            return _error(reply.status, reply.error or f"Incorrect API key provided: {key}.")
        if body.get("stream"):
            return StreamingResponse(_events(reply, body), media_type="text/event-stream")
        return JSONResponse(_completion(reply, body))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "code": status}},
        status_code=status,
    )


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{uuid.uuid4().hex[:12]}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        for name, arguments in reply.tool_calls
    ]


def _usage() -> dict[str, int]:
    return {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": COMPLETION_TOKENS,
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
    }


def _completion(reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
    calls = _tool_calls(reply)
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": _usage(),
    }


async def _events(reply: Reply, body: dict[str, Any]) -> AsyncIterator[str]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return f"data: {json.dumps({**base, 'choices': [choice]})}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in _pieces(reply.text):
        yield chunk({"content": piece})
    calls = _tool_calls(reply)
    for index, call in enumerate(calls):
        arguments = call["function"]["arguments"]
        middle = len(arguments) // 2
        head = {"name": call["function"]["name"], "arguments": arguments[:middle]}
        yield chunk(
            {
                "tool_calls": [
                    {"index": index, "id": call["id"], "type": "function", "function": head}
                ]
            }
        )
        yield chunk(
            {"tool_calls": [{"index": index, "function": {"arguments": arguments[middle:]}}]}
        )
    yield chunk({}, "tool_calls" if calls else "stop")
    yield f"data: {json.dumps({**base, 'choices': [], 'usage': _usage()})}\n\n"
    yield "data: [DONE]\n\n"


def _pieces(text: str) -> list[str]:
    """The text in word-sized pieces (each keeps its trailing space)."""
    words = text.split(" ")
    return [word + " " for word in words[:-1]] + [words[-1]] if text else []


@contextmanager
def running_standin() -> Iterator[LLMStandIn]:
    """A started stand-in on a free port; stopped (hanging requests released) on exit."""
    standin = LLMStandIn()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    standin.port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            standin.app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the LLM stand-in did not start")
        time.sleep(0.02)
    try:
        yield standin
    finally:
        standin.stopping.set()
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# Secret-shaped keys the tests configure and then look for in every response.
FAKE_ANTHROPIC_KEY = "sk-ant-standin-0123456789abcdefSECRET"
FAKE_OPENAI_KEY = "sk-proj-standin-9876543210fedcbaSECRET"


@dataclass(frozen=True)
class Chain:
    """A test's two models (unique names, so replies never cross between tests)."""

    default: str
    fallback: str

    @classmethod
    def fresh(cls) -> Chain:
        tag = uuid.uuid4().hex[:8]
        return cls(f"claude-{tag}", f"gpt-{tag}")


def provider_settings(standin: LLMStandIn, chain: Chain, **overrides: Any) -> dict[str, Any]:
    """Settings overrides that send the default model (anthropic) and the fallback (openai)
    to the stand-in with fake keys, one quick retry and short timeouts."""
    return {
        "agent_default_model": f"anthropic:{chain.default}",
        "agent_fallback_model": f"openai:{chain.fallback}",
        "anthropic_base_url": standin.base_url("anthropic"),
        "openai_base_url": standin.base_url("openai"),
        "anthropic_api_key": FAKE_ANTHROPIC_KEY,
        "openai_api_key": FAKE_OPENAI_KEY,
        "agent_retry_attempts": 1,
        "agent_retry_delay_seconds": 0.0,
        "agent_timeout_seconds": 2.0,
        **overrides,
    }
