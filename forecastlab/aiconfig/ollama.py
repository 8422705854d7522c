"""The Ollama host's pulled models (`GET {ollama_base_url}/api/tags`, spec §15.4-15.5)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

# Spec §15.4: 10 s in total, 5 s to connect.
TAGS_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class OllamaUnreachableError(RuntimeError):
    """The Ollama host did not answer `/api/tags` with a model list (502 at the API)."""

    code = "BAD_GATEWAY"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class OllamaModel:
    """One pulled model: its name, size on disk and family."""

    name: str
    size_bytes: int | None
    family: str | None


def host_url(base_url: str) -> str:
    """The host URL without a trailing slash."""
    return base_url.rstrip("/")


def pulled_models(base_url: str) -> list[OllamaModel]:
    """The models pulled on the host, in its order (raises OllamaUnreachableError)."""
    url = host_url(base_url)
    try:
        response = httpx.get(f"{url}/api/tags", timeout=TAGS_TIMEOUT)
        response.raise_for_status()
        entries = response.json()["models"]
        return [_model(entry) for entry in entries]
    except httpx.HTTPStatusError as exc:
        raise OllamaUnreachableError(url, f"HTTP {exc.response.status_code}") from None
    except httpx.HTTPError as exc:
        raise OllamaUnreachableError(url, f"{type(exc).__name__}: {exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise OllamaUnreachableError(url, "the answer is not an Ollama model list") from None


def _model(entry: dict) -> OllamaModel:
    details = entry.get("details")
    family = details.get("family") if isinstance(details, dict) else None
    size = entry.get("size")
    return OllamaModel(
        name=str(entry.get("name") or entry.get("model") or "unknown"),
        size_bytes=size if isinstance(size, int) and not isinstance(size, bool) else None,
        family=family if isinstance(family, str) else None,
    )
