"""Types for strict request models that still read dates as ISO strings (spec §0.1).

FastAPI validates a parsed JSON body as Python data, and strict mode then refuses the string
"2025-06-30" for a `date` field. `IsoDate` parses the ISO string first (and nothing else: no
timestamps, no datetimes), so the rest of the model can stay strict.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}") from exc
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), Field(examples=["2025-06-30"])]
