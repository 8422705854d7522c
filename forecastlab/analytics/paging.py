"""Page-style pagination and allow-listed sorting (spec §0.3), shared by the listings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select

SortOrder = Literal["asc", "desc"]


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
    """A listing's sortable columns by public name, and its default."""

    columns: Mapping[str, ColumnElement[Any]]
    default: str
    tie_breaker: ColumnElement[Any]

    def order_by(self, sort_by: str | None, sort_order: SortOrder) -> list[ColumnElement[Any]]:
        """ORDER BY terms: the requested column (an unknown name silently means the default),
        then the primary key so that equal values page deterministically."""
        chosen = self.columns.get(sort_by or "", self.columns[self.default])
        return [chosen.desc() if sort_order == "desc" else chosen.asc(), self.tie_breaker.asc()]


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
