"""Set-based validation of the staging tables: one SQL query per rule, every offending line.

Runs after every file is staged (so references see the whole folder) and before anything
touches raw.*. Type errors were already caught per chunk by the reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg

from forecastlab.loader.formats import (
    MEMBER_SEPARATOR,
    PRODUCTS,
    PROMOTIONS,
    STORES,
    Column,
    FileSpec,
)
from forecastlab.loader.reader import MAX_ISSUES_PER_CHECK, IssueLog, SourceFile
from forecastlab.loader.report import LoadIssue

# (start column, end column) pairs whose end must not precede the start.
_DATE_ORDER: dict[str, tuple[str, str]] = {
    "products": ("launch_date", "discontinue_date"),
    "prices": ("valid_from", "valid_to"),
    "promotions": ("start_date", "end_date"),
}
_BUNDLE_KINDS = ["bundle", "bogo"]


@dataclass(frozen=True)
class Check:
    """One rule: a query over a staging table yielding (line, reason) per bad row."""

    column: str | None
    rule: str
    sql: str
    params: tuple[Any, ...] = ()


def validate(cur: psycopg.Cursor, sources: list[SourceFile], log: IssueLog) -> None:
    """Run every rule of every staged file; findings go to `log`."""
    for source in sources:
        for check in _checks(source.spec):
            cur.execute(
                f"select line, reason, count(*) over () from ({check.sql}) q "
                "order by line limit %s",
                (*check.params, MAX_ISSUES_PER_CHECK),
            )
            rows = cur.fetchall()
            if rows:
                issues = [LoadIssue(source.name, line, check.column, r) for line, r, _ in rows]
                log.add((source.name, check.column, check.rule), issues, int(rows[0][2]))


def _known(ref: str, value: str) -> str:
    """SQL: `value` (a qualified column) names a store/product of the folder or raw.*."""
    spec, raw, key = (
        (STORES, "raw.store", "code") if ref == "store" else (PRODUCTS, "raw.product", "sku")
    )
    column = spec.key[0]
    return (
        f"(exists (select 1 from {raw} r where r.{key} = {value}) "
        f"or exists (select 1 from {spec.staging} f where f.{column} = {value}))"
    )


def _column_checks(spec: FileSpec, column: Column) -> Iterator[Check]:
    table, name = spec.staging, column.name
    if column.max_length is not None:
        yield Check(
            name,
            "length",
            f"select line, 'longer than {column.max_length} characters' as reason "
            f"from {table} where length({name}) > {column.max_length}",
        )
    if column.min_value is not None:
        label = (
            "must not be negative" if column.min_value == 0 else f"must be >= {column.min_value}"
        )
        yield Check(
            name,
            "min",
            f"select line, '{label}: ' || {name} as reason from {table} "
            f"where {name} < {column.min_value}",
        )
    if column.max_value is not None:
        yield Check(
            name,
            "max",
            f"select line, 'must be <= {column.max_value}: ' || {name} as reason from {table} "
            f"where {name} > {column.max_value}",
        )
    if column.choices:
        yield Check(
            name,
            "choices",
            f"select line, 'must be one of {', '.join(column.choices)}: ' || quote_literal({name}) "
            f"as reason from {table} where {name} <> all(%s)",
            (list(column.choices),),
        )
    if column.ref is not None:
        yield Check(
            name,
            "ref",
            f"select line, 'unknown {name} ' || quote_literal(s.{name}) || "
            f"' (neither in the folder nor in the database)' as reason from {table} s "
            f"where s.{name} is not null and not {_known(column.ref, f's.{name}')}",
        )


def _checks(spec: FileSpec) -> Iterator[Check]:
    for column in spec.columns:
        yield from _column_checks(spec, column)
    keys = ", ".join(spec.key)
    # Rows whose required key part failed to parse are already reported; don't pair them.
    complete = " and ".join(f"{k} is not null" for k in spec.key if spec.column(k).required)
    yield Check(
        None,
        "duplicate",
        f"select line, 'duplicate key ({keys}); first on line ' || first as reason from "
        f"(select line, min(line) over (partition by {keys}) as first from {spec.staging} "
        f"where {complete}) d where line > first",
    )
    if spec.name in _DATE_ORDER:
        start, end = _DATE_ORDER[spec.name]
        yield Check(
            end,
            "order",
            f"select line, '{end} ' || {end} || ' is before {start} ' || {start} as reason "
            f"from {spec.staging} where {end} < {start}",
        )
    if spec is PROMOTIONS:
        yield from _promotion_checks()


def _promotion_checks() -> Iterator[Check]:
    table = PROMOTIONS.staging
    is_bundle = "coalesce(kind, 'pct_off') = any(%s)"
    yield Check(
        "bundle_member_skus",
        "bundle",
        f"select line, case when {is_bundle} then 'required for kind bogo and bundle' "
        "else 'only allowed for kind bogo and bundle' end as reason "
        f"from {table} where ({is_bundle}) = (bundle_member_skus is null)",
        (_BUNDLE_KINDS, _BUNDLE_KINDS),
    )
    yield Check(
        "bundle_member_skus",
        "bundle_ref",
        f"select line, 'unknown sku ' || quote_literal(member) || "
        f"' (neither in the folder nor in the database)' as reason from {table}, "
        f"unnest(string_to_array(bundle_member_skus, %s)) as member "
        f"where not {_known('product', 'member')}",
        (MEMBER_SEPARATOR,),
    )
