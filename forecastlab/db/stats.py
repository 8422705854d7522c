"""Row counts and date ranges of the warehouse tables (for CLI summaries and asset metadata)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, text

RAW_TABLES: tuple[str, ...] = (
    "store",
    "product",
    "calendar",
    "price_history",
    "promotion",
    "inventory_snapshot_daily",
    "sales_daily",
    "exogenous_signal",
    "sales_returns",
    "replenishment_event",
)


@dataclass(frozen=True)
class TableCount:
    """One table's fully-qualified name and row count (None when the table does not exist)."""

    name: str
    rows: int | None


def table_counts(
    engine: Engine, schema: str, tables: tuple[str, ...] | None = None
) -> list[TableCount]:
    """Row counts for the given tables of a schema (every table of the schema when None)."""
    with engine.connect() as conn:
        existing = [
            row[0]
            for row in conn.execute(
                text(
                    "select table_name from information_schema.tables "
                    "where table_schema = :schema order by table_name"
                ),
                {"schema": schema},
            )
        ]
        wanted = tables if tables is not None else tuple(existing)
        counts = []
        for table in wanted:
            if table not in existing:
                counts.append(TableCount(f"{schema}.{table}", None))
                continue
            # Identifiers cannot be bound; `table` comes from information_schema or our constants.
            rows = conn.execute(text(f'select count(*) from "{schema}"."{table}"')).scalar_one()
            counts.append(TableCount(f"{schema}.{table}", int(rows)))
    return counts


def raw_row_counts(engine: Engine) -> dict[str, int]:
    """Rows per raw.* source table."""
    return {c.name.split(".", 1)[1]: c.rows or 0 for c in table_counts(engine, "raw", RAW_TABLES)}


def date_range(engine: Engine, relation: str) -> tuple[date | None, date | None]:
    """Min and max `date` of a relation such as `marts.fct_sales_features`."""
    schema, _, table = relation.partition(".")
    with engine.connect() as conn:
        exists = conn.execute(
            text(
                "select 1 from information_schema.tables "
                "where table_schema = :schema and table_name = :table"
            ),
            {"schema": schema, "table": table},
        ).first()
        if not exists:
            return None, None
        row = conn.execute(text(f'select min(date), max(date) from "{schema}"."{table}"')).one()
    return row[0], row[1]
