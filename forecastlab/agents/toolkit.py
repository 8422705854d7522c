"""Agent tools: a name, a description, an argument model and the core function they call.

A tool's JSON schema (what the model sees) is its argument model's schema, and the same model
validates what the model sends back. Errors become tool results the model can read and react
to, never failures of the chat: a bad argument, an unknown run, a domain rule.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Engine

from forecastlab.errors import DOMAIN_ERRORS, public_message
from forecastlab.settings import Settings

log = logging.getLogger(__name__)


class ToolArguments(BaseModel):
    """Base of every tool's arguments: unknown keys are an error the model gets to see."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ToolContext:
    """What a tool may use besides its arguments."""

    engine: Engine
    settings: Settings
    session_id: str


@dataclass(frozen=True)
class ToolOutcome:
    """A tool's JSON-ready result; when `failed`, the result is `{error, error_type}`."""

    result: Any
    failed: bool = False


@dataclass(frozen=True)
class Tool:
    """One function the agent may call."""

    name: str
    description: str
    arguments: type[BaseModel]
    run: Callable[[ToolContext, Any], Any]

    def declaration(self) -> dict[str, Any]:
        """The OpenAI `tools` entry of this tool."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.arguments.model_json_schema(),
            },
        }

    def parse(self, arguments: str | dict[str, Any]) -> BaseModel:
        """Validate the arguments the model sent (JSON text or an object); ValueError if bad."""
        try:
            data = json.loads(arguments) if isinstance(arguments, str) else arguments
            return self.arguments.model_validate(data)
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"invalid arguments for {self.name}: {exc}") from exc

    def execute(self, context: ToolContext, arguments: str | dict[str, Any]) -> ToolOutcome:
        """Run the tool with the arguments the model sent; failures become readable results."""
        try:
            parsed = self.parse(arguments)
        except ValueError as exc:
            return tool_error(str(exc), "invalid_arguments")
        try:
            return ToolOutcome(to_json_value(self.run(context, parsed)))
        except (ValidationError, *DOMAIN_ERRORS) as exc:  # messages written for the caller
            return tool_error(str(exc), type(exc).__name__)
        except Exception as exc:  # a tool failure is reported to the model, not to the client
            log.exception("agent tool %s failed", self.name)
            return tool_error(public_message(exc, "the server log"), type(exc).__name__)


def tool_error(message: str, error_type: str) -> ToolOutcome:
    """A failed tool call's outcome."""
    return ToolOutcome({"error": message, "error_type": error_type}, failed=True)


def to_json_value(value: Any) -> Any:
    """`value` as plain JSON data (dates as ISO strings, non-finite floats as null)."""
    return to_jsonable_python(value, inf_nan_mode="null")
