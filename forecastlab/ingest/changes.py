"""Which days of raw.sales_daily changed since a cursor, without ever skipping a late commit.

Writers stamp `updated_at = now()`, the start time of their transaction, so a row can become
visible well after rows with later stamps. A cursor that simply jumped to the newest stamp
seen would skip it. Instead each call reads up to a *horizon*: the start of the oldest
transaction still open on the database (or this call's own start). Every transaction that
started before the horizon has finished, so the rows stamped before it are final; the
next call continues from the horizon. An open transaction delays changes, never loses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, text

# Other client sessions of this database (seeing their xact_start needs the same role or
# pg_read_all_stats); background workers never write sales rows.
_HORIZON = text(
    """
    select least(now(), min(xact_start)) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()
      and backend_type = 'client backend' and xact_start is not null
    """
)
_CHANGED_DATES = text(
    """
    select distinct date from raw.sales_daily
    where updated_at >= :since and updated_at < :horizon
    order by date
    """
)


@dataclass(frozen=True)
class SalesChanges:
    """The days with rows stamped in [since, horizon), and the horizon to continue from."""

    dates: list[date]
    horizon: datetime


def sales_changes(engine: Engine, since: datetime | None) -> SalesChanges:
    """The days of raw.sales_daily whose rows changed since `since` (None: only the horizon,
    so a first call starts watching now instead of replaying the whole history)."""
    with engine.connect() as conn:
        # Two statements: the rows must be read with a snapshot taken after the horizon.
        horizon = conn.execute(_HORIZON).scalar_one()
        if since is None:
            return SalesChanges([], horizon)
        if horizon <= since:
            return SalesChanges([], since)
        dates = conn.execute(_CHANGED_DATES, {"since": since, "horizon": horizon}).scalars()
        return SalesChanges(list(dates), horizon)
