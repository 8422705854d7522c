"""Spec §0.3's sorting rule, shared by every listing."""

from __future__ import annotations

import pytest

from forecastlab.sorting import resolve_sort

ALLOWED = ("code", "name")


@pytest.mark.parametrize(
    ("sort_by", "sort_order", "expected"),
    [
        ("name", "desc", ("name", "desc")),  # allow-listed: the caller's column and order
        (None, "desc", ("code", "desc")),  # absent: default column, the caller's order
        ("nope", "desc", ("code", "asc")),  # unknown: the endpoint default, column and order
        ("", "desc", ("code", "asc")),
    ],
)
def test_resolve_sort(sort_by: str | None, sort_order: str, expected: tuple[str, str]) -> None:
    assert resolve_sort(sort_by, sort_order, ALLOWED, ("code", "asc")) == expected  # type: ignore[arg-type]
