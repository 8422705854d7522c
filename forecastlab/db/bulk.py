"""Bulk writes into empty tables: keys and secondary indexes built once, after the rows.

PostgreSQL's advice for populating a database: one index build and one validating join per
key are far cheaper than maintaining every index and firing every foreign-key trigger row by
row. The Forge's generation and a first file load (both into empty raw tables) write this way;
writes into tables that hold rows keep their keys in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext

import psycopg


@contextmanager
def deferred_keys(cursor: psycopg.Cursor, tables: Sequence[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes, unique and foreign-key constraints for the body,
    then re-create them from their own catalog definitions (primary keys stay).

    Only for tables that are empty when the body starts, inside the caller's transaction (the
    DDL locks them until it commits; a failed body rolls the drops back too).
    """
    cursor.execute(
        "select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint "
        "where conrelid = any(%s::regclass[]) and contype in ('f', 'u') order by conname",
        (list(tables),),
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "select indexrelid::regclass::text, pg_get_indexdef(indexrelid) from pg_index "
        "where indrelid = any(%s::regclass[]) and not indisprimary and not exists "
        "(select 1 from pg_constraint c where c.conindid = indexrelid) order by 1",
        (list(tables),),
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f"alter table {table} drop constraint {name}")
    for name, _ in indexes:
        cursor.execute(f"drop index {name}")
    yield
    for _, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        cursor.execute(f"alter table {table} add constraint {name} {definition}")


def all_empty(cursor: psycopg.Cursor, tables: Sequence[str]) -> bool:
    """Whether none of `tables` (code constants, not input) holds a row."""
    for table in tables:
        cursor.execute(f"select exists (select 1 from {table})")
        if cursor.fetchone()[0]:  # type: ignore[index]
            return False
    return True


def keys_deferred_if_empty(
    cursor: psycopg.Cursor, tables: Sequence[str]
) -> AbstractContextManager[None]:
    """`deferred_keys` when every table is empty, else nothing (the keys stay in place)."""
    return deferred_keys(cursor, tables) if all_empty(cursor, tables) else nullcontext()
