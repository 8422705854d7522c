"""Types for what arrives over the wire: strict-mode ISO dates, database ids, safe text.

FastAPI validates a parsed JSON body as Python data, and strict mode then refuses the string
"2025-06-30" for a `date` field. `IsoDate` parses the ISO string first (and nothing else: no
timestamps, no datetimes), so the rest of the model can stay strict. The bounds keep values
that no table can hold from reaching the database, where they would fail as a 500 instead of
a 422 that names the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BeforeValidator, Field

# PostgreSQL `integer` (every id column): a larger value is an "out of range" error there.
MAX_DB_ID: Final = 2**31 - 1
# Dates the calendar arithmetic (windows, horizons, lookbacks) can never push out of range.
MIN_DATE: Final = date(1900, 1, 1)
MAX_DATE: Final = date(2199, 12, 31)


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}") from exc
    return value


def _in_date_range(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"dates must lie between {MIN_DATE} and {MAX_DATE}")
    return value


def no_nul(value: str) -> str:
    """Refuse NUL characters (a validator for text that reaches PostgreSQL)."""
    # PostgreSQL text cannot hold NUL; the driver would refuse the whole statement.
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\x00) characters")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    AfterValidator(_in_date_range),
    Field(examples=["2025-06-30"]),
]
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]

# Length bounds go before `no_nul` so a short value still reads "String should have at least
# N characters": e.g. Annotated[str, Field(max_length=20), AfterValidator(no_nul)].
Text = Annotated[str, AfterValidator(no_nul)]
SearchText = Annotated[str, Field(min_length=2), AfterValidator(no_nul)]
