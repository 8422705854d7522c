"""TEMP staging tables (one per file), filled chunk by chunk with COPY.

They live in the load's transaction (`on commit drop`), so a failed or rejected load leaves
nothing behind, and they are typed: a value that reached staging already parsed.
"""

from __future__ import annotations

import pandas as pd
import psycopg

from forecastlab.loader.formats import SQL_TYPES, FileSpec


def create_staging(cur: psycopg.Cursor, spec: FileSpec) -> None:
    """The staging table of `spec`: `line` plus every column of the format, typed."""
    columns = ", ".join(f"{c.name} {SQL_TYPES[c.kind]}" for c in spec.columns)
    cur.execute(
        f"create temp table {spec.staging} (line integer not null, {columns}) on commit drop"
    )


def copy_chunk(cur: psycopg.Cursor, spec: FileSpec, rows: pd.DataFrame) -> int:
    """COPY a parsed chunk (empty strings become NULL in CSV COPY); returns the row count."""
    names = ", ".join(["line", *(c.name for c in spec.columns)])
    # One CSV text per chunk: pandas formats it in C, no Python work per row.
    payload = rows.to_csv(index=False, header=False)
    with cur.copy(f"copy {spec.staging} ({names}) from stdin (format csv)") as copy:
        copy.write(payload)
    return len(rows)


def analyze(cur: psycopg.Cursor, spec: FileSpec) -> None:
    """Statistics for the planner: autovacuum never analyzes temp tables."""
    cur.execute(f"analyze {spec.staging}")
