"""Page-style pagination and allow-listed sorting (spec §0.3), shared by the listings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select

from forecastlab.sorting import SortOrder, resolve_sort


@dataclass(frozen=True)
class PageRequest:
    """Which page (1-indexed) of how many rows."""

    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Sorting:
    """A listing's sortable columns by public name, and its default column and order."""

    columns: Mapping[str, ColumnElement[Any]]
    default: str
    tie_breaker: ColumnElement[Any]
    default_order: SortOrder = "asc"

    def order_by(self, sort_by: str | None, sort_order: SortOrder) -> list[ColumnElement[Any]]:
        """ORDER BY terms: the requested column (see `resolve_sort` for unknown names), then
        the primary key so that equal values page deterministically."""
        name, order = resolve_sort(
            sort_by, sort_order, self.columns, (self.default, self.default_order)
        )
        chosen = self.columns[name]
        return [chosen.desc() if order == "desc" else chosen.asc(), self.tie_breaker.asc()]


@dataclass(frozen=True)
class Page:
    """One page of rows and the number of rows matching the filters (all pages)."""

    rows: Sequence[Any]
    total: int


def fetch_page(
    engine: Engine, query: Select[Any], order_by: list[ColumnElement[Any]], paging: PageRequest
) -> Page:
    """Count `query`'s rows, then fetch the requested page of it in `order_by` order."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(
            query.order_by(*order_by).limit(paging.page_size).offset(paging.offset)
        ).all()
    return Page(rows, total)


def contains(columns: Sequence[ColumnElement[str]], needle: str) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of `columns`; LIKE wildcards in `needle` are
    matched literally."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))
