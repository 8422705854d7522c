"""The Forge's entry points: generate, regenerate_days, append (spec §2.8, DESIGN.md)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from sqlalchemy import Engine

from forecastlab.db.bulk import deferred_keys, keys_deferred_if_empty
from forecastlab.db.stats import RAW_TABLES
from forecastlab.seeder.config import SeederConfig
from forecastlab.seeder.dimensions import Catalogue, build_catalogue
from forecastlab.seeder.facts import store_facts
from forecastlab.seeder.schedule import RunPlan, build_plan
from forecastlab.seeder.tables import (
    DAILY_FACT_TABLES,
    upsert_calendar,
    write_catalogue,
    write_global_signals,
    write_prices,
    write_promotions,
    write_store_facts,
)

ProgressFn = Callable[[str, int, int], None]
RECORD_KEYS: tuple[str, ...] = (
    "stores",
    "products",
    "calendar",
    "sales",
    "price_history",
    "promotions",
    "inventory",
    "exogenous_signals",
    "sales_returns",
    "replenishment_events",
)


class SeederError(RuntimeError):
    """A seeding cannot run against the database's current state."""


@dataclass
class SeedResult:
    """What a seeding wrote (`GenerateResult` of spec §2.8)."""

    records_created: dict[str, int]
    duration_seconds: float
    seed: int
    preset: str
    start_date: date
    end_date: date
    overrides_applied: dict[str, Any] | None
    message: str


@dataclass(frozen=True)
class _SeedRun:
    kind: str
    config: SeederConfig


@contextmanager
def _transaction(engine: Engine) -> Iterator[psycopg.Cursor]:
    """One psycopg transaction: committed on success, rolled back on any error."""
    raw = engine.raw_connection()
    try:
        conn: psycopg.Connection = raw.driver_connection
        with conn.transaction(), conn.cursor() as cur:
            yield cur
    finally:
        raw.close()


def generate(
    engine: Engine,
    config: SeederConfig,
    *,
    include_facts: bool = True,
    progress: ProgressFn | None = None,
) -> SeedResult:
    """Replace all raw data with the seeding of `config`, in one transaction.

    Truncates every raw table and app.seed_run (identities restarted, so ids are
    deterministic), writes the dimensions and — unless `include_facts` is False, in which
    case `regenerate_days` writes them day by day — every daily fact of the window.
    """
    started = time.perf_counter()
    catalogue = build_catalogue(config)
    plan = build_plan(config, catalogue)
    with _transaction(engine) as cur:
        tables = ", ".join([*(f"raw.{t}" for t in RAW_TABLES), "app.seed_run"])
        cur.execute(f"truncate {tables} restart identity")
        counts = write_catalogue(cur, catalogue)
        _record_run(cur, "generate", config)
        with deferred_keys(cur, [f"raw.{t}" for t in DAILY_FACT_TABLES]):
            counts += _write_run(
                cur, plan, config.start_date, config.end_date, include_facts, progress
            )
    return _result(counts, started, config, _message("Generated", config, counts))


def sales_frame(config: SeederConfig, *, expected: bool = False) -> pd.DataFrame:
    """The `sales_daily` rows `generate(engine, config)` writes, computed without a database.

    Columns date, store_id, product_id (the ids generate assigns), quantity and
    unit_price_cents, plus `expected` when asked (the mean each quantity was drawn around: an
    oracle forecast, the ceiling of any model's accuracy); rows in store, product, date order.
    For measuring presets (benchmarks, statistical tests) where a database round trip would
    only cost time.
    """
    plan = build_plan(config, build_catalogue(config))
    first = np.datetime64(config.start_date, "D")
    frames = []
    for store in range(config.dimensions.stores):
        sales = store_facts(plan, store).sales
        frames.append(
            pd.DataFrame(
                {
                    "date": first + sales.day,
                    "store_id": plan.catalogue.store_ids[store],
                    "product_id": plan.catalogue.product_ids[sales.product],
                    "quantity": sales.quantity,
                    "unit_price_cents": sales.unit_cents,
                    **({"expected": sales.expected} if expected else {}),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def append(
    engine: Engine,
    *,
    days: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    seed: int = 43,
    progress: ProgressFn | None = None,
) -> SeedResult:
    """Add a new window of facts for the existing stores and products, with its own seed.

    `days=N` appends the N days after the last calendar day; otherwise pass both dates. The
    optional generators of the latest generate run stay on. Raises SeederError when nothing
    is seeded or the window overlaps an already seeded day.
    """
    started = time.perf_counter()
    runs = _seed_runs(engine)
    base = _generate_run(runs, "nothing to append to")
    with _transaction(engine) as cur:
        catalogue = _catalogue_from_db(cur, base.config, "nothing to append to")
        start, end = _append_window(cur, base.config, days, start_date, end_date)
        for run in runs:
            if run.config.start_date <= end and start <= run.config.end_date:
                raise SeederError(
                    f"{start}..{end} overlaps the {run.kind} run's window "
                    f"{run.config.start_date}..{run.config.end_date}"
                )
        config = base.config.model_copy(
            update={"seed": seed, "start_date": start, "end_date": end, "overrides_applied": None}
        )
        plan = build_plan(config, catalogue)
        _record_run(cur, "append", config)
        counts = _write_run(cur, plan, start, end, True, progress)
    return _result(counts, started, config, _message("Appended", config, counts))


def regenerate_days(
    engine: Engine, start: date, end: date, *, progress: ProgressFn | None = None
) -> SeedResult:
    """Re-derive the daily facts of [start, end] from the recorded seed runs and replace
    exactly those days' rows (one transaction); the calendar rows are upserted.

    Gives exactly the rows the original seeding wrote. Raises SeederError for a day no seed
    run covers.
    """
    if start > end:
        raise SeederError(f"start must be on or before end, got {start} > {end}")
    started = time.perf_counter()
    runs = _seed_runs(engine)
    base = _generate_run(runs, "nothing seeded yet: run `forecastlab seed generate` first")
    covering = [r for r in runs if r.config.start_date <= end and start <= r.config.end_date]
    covered = sum(
        (min(end, r.config.end_date) - max(start, r.config.start_date)).days + 1 for r in covering
    )
    if covered < (end - start).days + 1:
        raise SeederError(
            f"some days of {start}..{end} are covered by no seed run; "
            "run `forecastlab seed append` to extend the seeded window first"
        )
    counts: Counter[str] = Counter()
    with _transaction(engine) as cur:
        catalogue = _catalogue_from_db(cur, base.config, "the seeded catalogue is missing")
        tables = [f"raw.{t}" for t in DAILY_FACT_TABLES]
        for table in tables:
            cur.execute(f"delete from {table} where date between %s and %s", (start, end))
        # Whole-history regenerations (the demo, a restore) write into empty tables: build
        # their keys once at the end, as generate() does, instead of row by row.
        with keys_deferred_if_empty(cur, tables):
            for run in covering:
                plan = build_plan(run.config, catalogue)
                lo, hi = max(start, run.config.start_date), min(end, run.config.end_date)
                counts["calendar"] += upsert_calendar(cur, plan.calendar, lo, hi)
                counts += _write_facts(cur, plan, lo, hi, progress)
    result = _result(counts, started, base.config, f"Regenerated the daily facts of {start}..{end}")
    return replace(result, start_date=start, end_date=end)


def _write_run(
    cur: psycopg.Cursor,
    plan: RunPlan,
    start: date,
    end: date,
    include_facts: bool,
    progress: ProgressFn | None,
) -> Counter[str]:
    """Calendar, the run's promotions and markdown prices, then (optionally) its facts."""
    counts: Counter[str] = Counter()
    counts["calendar"] = upsert_calendar(cur, plan.calendar, start, end)
    counts["promotions"] = write_promotions(cur, plan.catalogue, plan.promotions)
    counts["price_history"] += write_prices(cur, plan.catalogue, plan.markdown_prices)
    if include_facts:
        counts += _write_facts(cur, plan, start, end, progress)
    return counts


def _write_facts(
    cur: psycopg.Cursor, plan: RunPlan, start: date, end: date, progress: ProgressFn | None
) -> Counter[str]:
    """Daily facts of [start, end] (inside the run's window), store by store to bound memory."""
    lo, hi = plan.calendar.index(start), plan.calendar.index(end)
    n_stores = len(plan.catalogue.store_ids)
    counts: Counter[str] = Counter()
    counts["exogenous_signals"] += write_global_signals(cur, plan, lo, hi)
    for store in range(n_stores):
        counts += write_store_facts(cur, plan, store_facts(plan, store), lo, hi)
        if progress is not None:
            progress("facts", store + 1, n_stores)
    return counts


def _record_run(cur: psycopg.Cursor, kind: str, config: SeederConfig) -> None:
    cur.execute(
        "insert into app.seed_run (preset, seed, start_date, end_date, config, kind) "
        "values (%s, %s, %s, %s, %s, %s)",
        (
            config.preset,
            config.seed,
            config.start_date,
            config.end_date,
            psycopg.types.json.Jsonb(config.to_json()),
            kind,
        ),
    )


def _seed_runs(engine: Engine) -> list[_SeedRun]:
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            cur.execute("select kind, config from app.seed_run order by id")
            return [_SeedRun(kind, SeederConfig.from_json(cfg)) for kind, cfg in cur.fetchall()]
    finally:
        raw.close()


def _generate_run(runs: list[_SeedRun], problem: str) -> _SeedRun:
    generated = [r for r in runs if r.kind == "generate"]
    if not generated:
        raise SeederError(f"{problem}: no generate run is recorded in app.seed_run")
    return generated[-1]


def _catalogue_from_db(cur: psycopg.Cursor, config: SeederConfig, problem: str) -> Catalogue:
    """The generate run's catalogue, mapped onto the database ids by code and SKU."""
    catalogue = build_catalogue(config)
    cur.execute("select code, id from raw.store")
    store_ids = dict(cur.fetchall())
    cur.execute("select sku, id from raw.product")
    product_ids = dict(cur.fetchall())
    if not store_ids or not product_ids:
        raise SeederError(f"{problem}: there are no stores or products")
    try:
        return catalogue.with_ids(
            np.array([store_ids[c] for c in catalogue.stores.codes]),
            np.array([product_ids[s] for s in catalogue.products.skus]),
        )
    except KeyError as missing:
        raise SeederError(
            f"the database no longer holds the seeded catalogue ({missing.args[0]} is missing); "
            "re-run `forecastlab seed generate`"
        ) from None


def _append_window(
    cur: psycopg.Cursor,
    config: SeederConfig,
    days: int | None,
    start: date | None,
    end: date | None,
) -> tuple[date, date]:
    if days is not None:
        if days < 1:
            raise SeederError(f"days must be >= 1, got {days}")
        cur.execute("select max(date) from raw.calendar")
        (last,) = cur.fetchone() or (None,)
        start = (last or config.end_date) + timedelta(days=1)
        return start, start + timedelta(days=days - 1)
    if start is None or end is None:
        raise SeederError("append needs days=N or both start_date and end_date")
    if start > end:
        raise SeederError(f"start_date must be on or before end_date, got {start} > {end}")
    return start, end


def _message(verb: str, config: SeederConfig, counts: Counter[str]) -> str:
    return (
        f"{verb} {counts['sales']} sales rows for preset '{config.preset}' "
        f"({config.start_date}..{config.end_date}, seed {config.seed})"
    )


def _result(counts: Counter[str], started: float, config: SeederConfig, message: str) -> SeedResult:
    return SeedResult(
        records_created={key: int(counts.get(key, 0)) for key in RECORD_KEYS},
        duration_seconds=round(time.perf_counter() - started, 2),
        seed=config.seed,
        preset=config.preset,
        start_date=config.start_date,
        end_date=config.end_date,
        overrides_applied=config.overrides_applied,
        message=message,
    )
