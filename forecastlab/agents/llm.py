"""One chat completion with tool calling, plain or streamed, through the `openai` SDK."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openai import OpenAI
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from forecastlab.agents.failures import ResponseRejectedError
from forecastlab.settings import Settings

DeltaSink = Callable[[str], None]


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model asked for; `arguments` is the JSON text it sent."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Completion:
    """What one model call produced: text, tool calls and the tokens it cost."""

    content: str
    tool_calls: list[ToolCall]
    tokens: int


@dataclass
class _Partial:
    """A tool call being assembled from streamed fragments."""

    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


def complete(
    client: OpenAI,
    model: str,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    settings: Settings,
    *,
    tools_enabled: bool = True,
    on_delta: DeltaSink | None = None,
    extra_body: dict[str, Any] | None = None,
) -> Completion:
    """Ask `model` for the next assistant turn; with `on_delta` the text arrives as it streams.

    `tools_enabled=False` keeps the tools declared (the history may hold tool calls) but tells
    the model to answer in text.
    """
    request: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": settings.agent_temperature,
        "max_tokens": settings.agent_max_tokens,
    }
    if tools:
        request["tools"] = tools
        request["tool_choice"] = "auto" if tools_enabled else "none"
    if extra_body:
        request["extra_body"] = extra_body
    if on_delta is None:
        return _from_completion(client.chat.completions.create(**request))
    with client.chat.completions.create(
        **request, stream=True, stream_options={"include_usage": True}
    ) as stream:
        return _from_chunks(stream, on_delta)


def _from_completion(response: ChatCompletion) -> Completion:
    if not response.choices:
        raise ResponseRejectedError("the provider returned a completion without choices")
    message = response.choices[0].message
    calls = [
        ToolCall(call.id, call.function.name, call.function.arguments or "{}")
        for call in message.tool_calls or []
        if call.type == "function"
    ]
    tokens = response.usage.total_tokens if response.usage else 0
    return Completion(message.content or "", calls, tokens)


def _from_chunks(chunks: Any, on_delta: DeltaSink) -> Completion:
    text: list[str] = []
    partials: dict[int, _Partial] = {}
    tokens = 0
    chunk: ChatCompletionChunk
    for chunk in chunks:
        if chunk.usage:
            tokens = chunk.usage.total_tokens
        for choice in chunk.choices:
            delta = choice.delta
            if delta.content:
                text.append(delta.content)
                on_delta(delta.content)
            for fragment in delta.tool_calls or []:
                partial = partials.setdefault(fragment.index, _Partial())
                partial.id = fragment.id or partial.id
                if fragment.function:
                    partial.name = fragment.function.name or partial.name
                    partial.arguments.append(fragment.function.arguments or "")
    calls = [
        ToolCall(partial.id, partial.name, "".join(partial.arguments) or "{}")
        for _, partial in sorted(partials.items())
    ]
    if any(not call.id or not call.name for call in calls):
        raise ResponseRejectedError("the provider streamed a tool call without an id or a name")
    return Completion("".join(text), calls, tokens)
