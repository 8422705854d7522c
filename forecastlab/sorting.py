"""Allow-listed sorting of listings (spec §0.3), one rule for every listing endpoint."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

SortOrder = Literal["asc", "desc"]


def resolve_sort(
    sort_by: str | None,
    sort_order: SortOrder,
    allowed: Collection[str],
    default: tuple[str, SortOrder],
) -> tuple[str, SortOrder]:
    """The column and direction to sort by.

    An allow-listed `sort_by` keeps the caller's order; no `sort_by` sorts the default column
    in the caller's order (`?sort_order=asc` = oldest first); an unknown `sort_by` silently
    means the endpoint's default column *and* order, never a 422.
    """
    if sort_by is None:
        return default[0], sort_order
    if sort_by in allowed:
        return sort_by, sort_order
    return default
