"""Why a model of the fallback chain failed, told safely (spec §13.2, contract #335).

Every leg that fails is classified from the provider's HTTP status (or the kind of error), and
its detail is the provider's message with anything secret-shaped replaced by `[redacted]` and
cut to 300 characters, so the failure list can go to any client.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

import openai

from forecastlab.agents.providers import MissingKeyError

Reason = Literal[
    "model_not_found",
    "quota_exhausted",
    "auth_error",
    "provider_unavailable",
    "provider_error",
    "response_rejected",
    "unknown",
]
MAX_DETAIL: Final = 300
REDACTED: Final = "[redacted]"
_LABELS: Final[dict[str, str]] = {
    "model_not_found": "model not found",
    "quota_exhausted": "quota or rate limit exhausted",
    "auth_error": "authentication failed",
    "provider_unavailable": "provider unavailable",
    "provider_error": "provider error",
    "response_rejected": "response rejected",
    "unknown": "unexpected error",
}
_SECRET_PATTERNS: Final = (
    re.compile(r"AIza[0-9A-Za-z_\-]{8,}"),  # Google API keys
    re.compile(r"\bsk-[0-9A-Za-z_\-]{6,}"),  # OpenAI / Anthropic keys (sk-, sk-ant-, sk-proj-)
    re.compile(r"(?i)\bbearer\s+[0-9A-Za-z._~+/=\-]+"),
    re.compile(
        r"(?i)\b(api[_-]?key|token|authorization)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;]+)"
    ),
    re.compile(r"(?<=://)[^/\s@]+@"),  # credentials in a URL's authority
)


class ResponseRejectedError(Exception):
    """The provider answered, but with nothing usable (no choices, a malformed completion)."""


@dataclass(frozen=True)
class LegFailure:
    """One model of the chain and why it failed."""

    model_name: str
    status_code: int | None
    reason: Reason
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """The wire form `{model_name, status_code, reason, detail}`."""
        return asdict(self)


class FallbackExhaustedError(Exception):
    """Every model of the chain failed (502 AGENT_FALLBACK_EXHAUSTED / a `fallback_exhausted`
    event); the message is the human summary."""

    def __init__(self, failures: list[LegFailure]) -> None:
        super().__init__(summary(failures))
        self.failures = failures


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without secret-shaped substrings or any of `secrets`, at most 300 characters."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(_redact, text)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def _redact(match: re.Match[str]) -> str:
    # A `name=value` pair keeps its name so the detail still says what was wrong.
    if match.re.groups == 3:
        return f"{match.group(1)}{match.group(2)}{REDACTED}"
    return REDACTED


def classify(model_name: str, error: BaseException, secrets: Iterable[str] = ()) -> LegFailure:
    """The failure record of one leg that ended with `error`."""
    status: int | None = None
    if isinstance(error, MissingKeyError):
        reason: Reason = "auth_error"
    elif isinstance(error, openai.APIStatusError):
        status = error.status_code
        reason = _reason_for_status(status)
    elif isinstance(error, openai.APIResponseValidationError | ResponseRejectedError):
        reason = "response_rejected"
    elif isinstance(error, openai.OpenAIError):
        reason = "provider_error"
    else:
        reason = "unknown"
    message = str(error) or type(error).__name__
    return LegFailure(model_name, status, reason, scrub(message, secrets))


def _reason_for_status(status: int) -> Reason:
    if status == 404:
        return "model_not_found"
    if status == 429:
        return "quota_exhausted"
    if status in (401, 403):
        return "auth_error"
    if status >= 500:
        return "provider_unavailable"
    return "provider_error"


def is_transient(error: BaseException) -> bool:
    """Worth retrying on the same model: rate limits, server errors, timeouts, lost connections."""
    if isinstance(error, openai.APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return isinstance(error, openai.APIConnectionError)


def summary(failures: list[LegFailure]) -> str:
    """One sentence naming every failed leg, for a problem's `detail` or an event's `error`."""
    legs = "; ".join(_leg(failure) for failure in failures)
    if len(failures) == 1:
        return f"The configured agent model failed — {legs}"
    return f"All configured agent models failed — {legs}"


def _leg(failure: LegFailure) -> str:
    label = _LABELS[failure.reason]
    code = "" if failure.status_code is None else f" (HTTP {failure.status_code})"
    return f"{failure.model_name}: {label}{code}"
