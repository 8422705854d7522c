"""Query parameters that several listings declare alike: the page, its size and the order.

Each alias carries its constraints and its OpenAPI description, so a listing that uses it
documents the parameter exactly like the others.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from forecastlab.sorting import SortOrder

# The offset (page - 1) x page_size must stay a PostgreSQL / GraphQL 32-bit integer.
MAX_PAGE = 1_000_000
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-indexed page number.")]
PageSize = Annotated[int, Query(ge=1, le=100, description="Rows per page.")]
Order = Annotated[SortOrder, Query(description="asc or desc.")]
