"""Classifying and scrubbing the failures of the fallback chain (spec §13.2)."""

from __future__ import annotations

import httpx2
import openai
import pytest

from forecastlab.agents.failures import (
    MAX_DETAIL,
    LegFailure,
    ResponseRejectedError,
    classify,
    is_transient,
    scrub,
    summary,
)
from forecastlab.agents.providers import MissingKeyError

_REQUEST = httpx2.Request("POST", "http://provider.test/v1/chat/completions")


def status_error(status: int, message: str = "boom") -> openai.APIStatusError:
    return openai.APIStatusError(
        message, response=httpx2.Response(status, request=_REQUEST), body=None
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key AIzaSyA1b2C3d4E5f6G7h8 is invalid", "key [redacted] is invalid"),
        (
            "Incorrect API key provided: sk-proj-abc123XYZ.",
            "Incorrect API key provided: [redacted].",
        ),
        ("bad key sk-ant-api03-QwErTy_-9", "bad key [redacted]"),
        ("Authorization: Bearer eyJhbGciOi.J9.x", "Authorization: [redacted]"),
        ("see ?api_key=hunter2&page=1", "see ?api_key=[redacted]&page=1"),
        ("token: 'abc def' and API-KEY=\"x y\"", "token: [redacted] and API-KEY=[redacted]"),
        ("posting to https://bob:pw@gw.example/v1", "posting to https://[redacted]gw.example/v1"),
        ("model gpt-4o not found", "model gpt-4o not found"),
    ],
)
def test_secret_shaped_text_is_redacted(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_configured_secrets_are_redacted_whatever_their_shape_and_details_are_capped() -> None:
    assert scrub("the key was plainsecret42", ["plainsecret42"]) == "the key was [redacted]"
    long = scrub("x" * 1000)
    assert len(long) == MAX_DETAIL and long.endswith("…")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "model_not_found"),
        (429, "quota_exhausted"),
        (401, "auth_error"),
        (403, "auth_error"),
        (500, "provider_unavailable"),
        (503, "provider_unavailable"),
        (400, "provider_error"),
        (422, "provider_error"),
    ],
)
def test_http_failures_are_classified_by_status(status: int, reason: str) -> None:
    failure = classify("openai:gpt-4o", status_error(status, "Error sk-live-abcdef123456"))
    assert failure == LegFailure("openai:gpt-4o", status, reason, "Error [redacted]")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (MissingKeyError("no API key is configured for openai"), "auth_error"),
        (ResponseRejectedError("no choices"), "response_rejected"),
        (openai.APIConnectionError(request=_REQUEST), "provider_error"),
        (openai.APITimeoutError(request=_REQUEST), "provider_error"),
        (ValueError("something else"), "unknown"),
    ],
)
def test_other_failures_have_no_status(error: Exception, reason: str) -> None:
    failure = classify("anthropic:claude", error)
    assert (failure.status_code, failure.reason) == (None, reason)
    assert failure.detail


def test_only_rate_limits_server_errors_and_lost_connections_are_retried() -> None:
    assert is_transient(status_error(429)) and is_transient(status_error(502))
    assert is_transient(openai.APITimeoutError(request=_REQUEST))
    assert not is_transient(status_error(401)) and not is_transient(status_error(404))
    assert not is_transient(MissingKeyError("x")) and not is_transient(ValueError("x"))


def test_the_summary_names_every_leg() -> None:
    auth = LegFailure("anthropic:claude", None, "auth_error", "no key")
    missing = LegFailure("openai:gpt-4o", 404, "model_not_found", "nope")
    assert summary([auth]) == (
        "The configured agent model failed — anthropic:claude: authentication failed"
    )
    assert summary([auth, missing]) == (
        "All configured agent models failed — anthropic:claude: authentication failed; "
        "openai:gpt-4o: model not found (HTTP 404)"
    )
