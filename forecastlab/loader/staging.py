"""TEMP staging tables (one per file), filled chunk by chunk with COPY.

They live in the load's transaction (`on commit drop`), so a failed or rejected load leaves
nothing behind, and they are typed: a value that reached staging already parsed.
"""

from __future__ import annotations

import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from forecastlab.loader.formats import SQL_TYPES, FileSpec


def create_staging(cur: psycopg.Cursor, spec: FileSpec) -> None:
    """The staging table of `spec`: `line` plus every column of the format, typed."""
    columns = ", ".join(f"{c.name} {SQL_TYPES[c.kind]}" for c in spec.columns)
    cur.execute(
        f"create temp table {spec.staging} (line integer not null, {columns}) on commit drop"
    )


def copy_chunk(cur: psycopg.Cursor, spec: FileSpec, rows: pd.DataFrame) -> int:
    """COPY a parsed chunk (empty strings become NULL); returns the row count."""
    names = ", ".join(["line", *(c.name for c in spec.columns)])
    with cur.copy(f"copy {spec.staging} ({names}) from stdin (format csv)") as copy:
        copy.write(_csv(rows))
    return len(rows)


def _csv(rows: pd.DataFrame) -> bytes:
    """The chunk as CSV for COPY: Arrow's writer (about 15x pandas' to_csv, which was most of
    the staging time). It quotes every string, and COPY reads a quoted "" as an empty string,
    so empty values are written as nulls first: unquoted empty fields, NULL in COPY."""
    table = pa.Table.from_pandas(rows, preserve_index=False)
    columns = [
        pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        else column
        for column in table.columns
    ]
    sink = pa.BufferOutputStream()
    pacsv.write_csv(
        pa.table(columns, names=table.column_names),
        sink,
        pacsv.WriteOptions(include_header=False),
    )
    return sink.getvalue().to_pybytes()


def analyze(cur: psycopg.Cursor, spec: FileSpec) -> None:
    """Statistics for the planner: autovacuum never analyzes temp tables."""
    cur.execute(f"analyze {spec.staging}")
