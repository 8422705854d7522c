"""Bulk loading with PostgreSQL COPY.

Fact tables go through COPY BINARY built from numpy arrays: every field is fixed-width
(integers, dates, booleans, float8, cents as a fixed 4-digit NUMERIC, one constant string per
COPY), so a whole chunk is a single structured array — no Python work per row. Small
dimension tables use text COPY row by row.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import numpy as np
import psycopg

Kind = Literal["int4", "int8", "date", "bool", "float8", "money", "text"]
# A column: (name, kind, values). "date" values are ordinal days; "money" values are cents;
# "text" values are one constant string for the whole COPY.
Column = tuple[str, Kind, Any]

_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_PG_EPOCH = date(2000, 1, 1).toordinal()
_SCALAR_DTYPES: dict[str, str] = {
    "int4": ">i4",
    "int8": ">i8",
    "date": ">i4",
    "bool": "u1",
    "float8": ">f8",
}
# NUMERIC(12,2) and narrower as 4 base-10000 digits (3 integer, 1 fraction), weight 2,
# dscale 2; PostgreSQL strips the leading zero digits on input.
_MONEY_HEADER = np.array([4, 2, 0, 2], dtype=">i2")


def copy_binary(cursor: psycopg.Cursor, table: str, columns: Sequence[Column]) -> int:
    """COPY the columns into `table` in one binary stream; returns the row count."""
    n = next((len(v) for _, kind, v in columns if kind != "text"), 0)
    if n == 0:
        return 0
    fields: list[tuple[str, Any]] = [("count", ">i2")]
    for i, (_, kind, value) in enumerate(columns):
        fields.append((f"len{i}", ">i4"))
        if kind == "text":
            fields.append((f"val{i}", f"S{len(value.encode())}"))
        elif kind == "money":
            fields.append((f"val{i}", ">i2", (8,)))
        else:
            fields.append((f"val{i}", _SCALAR_DTYPES[kind]))
    rows = np.empty(n, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for i, (_, kind, value) in enumerate(columns):
        rows[f"val{i}"] = _encode(kind, value)
        rows[f"len{i}"] = rows.dtype[f"val{i}"].itemsize
    names = ", ".join(name for name, _, _ in columns)
    with cursor.copy(f"copy {table} ({names}) from stdin (format binary)") as copy:
        copy.write(_HEADER)
        copy.write(rows.tobytes())
        copy.write(_TRAILER)
    return n


def _encode(kind: Kind, value: Any) -> Any:
    if kind == "text":
        return value.encode()
    if kind == "date":
        return np.asarray(value) - _PG_EPOCH
    if kind == "money":
        cents = np.asarray(value, dtype=np.int64)
        whole = cents // 100
        digits = np.stack(
            [whole // 10**8, whole // 10**4 % 10**4, whole % 10**4, cents % 100 * 100], axis=1
        )
        return np.concatenate([np.broadcast_to(_MONEY_HEADER, (len(cents), 4)), digits], axis=1)
    return value


def copy_rows(
    cursor: psycopg.Cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY small tables row by row (text format; None is NULL); returns the row count."""
    count = 0
    with cursor.copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
