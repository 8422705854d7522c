"""`load_folder`: stage every file, validate in SQL, then write raw.* — one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import Engine

from forecastlab.loader.formats import EXTENSIONS, INVENTORY, SALES, SPECS
from forecastlab.loader.reader import IssueLog, ReadError, SourceFile, parse_chunk
from forecastlab.loader.report import FileReport, LoadIssue, LoadReport, LoadValidationError
from forecastlab.loader.staging import analyze, copy_chunk, create_staging
from forecastlab.loader.upsert import write_all
from forecastlab.loader.validate import validate

ProgressFn = Callable[[str, int, int], None]
_WORK_MEM = "128MB"
_MAINTENANCE_WORK_MEM = "512MB"


def load_folder(
    engine: Engine,
    path: str | Path,
    *,
    history_start: date | None = None,
    progress: ProgressFn | None = None,
    chunk_rows: int = 500_000,
    defer_keys_when_empty: bool = True,
) -> LoadReport:
    """Load a retailer folder (docs/data-format.md) into raw.*.

    Streams each file in chunks of `chunk_rows` into TEMP staging tables, validates
    everything, and only then upserts by natural keys; all in one transaction. Raises
    LoadValidationError, having written nothing, when any file has an issue, including daily
    rows dated before `history_start` (the first daily partition: Dagster could never build
    those days into the marts). Into empty fact tables the keys and indexes are built once
    after the rows (`defer_keys_when_empty=False` keeps them in place: the benchmark's
    reference).
    """
    started = time.perf_counter()
    report_progress = progress or (lambda stage, done, total: None)
    folder = Path(path)
    if not folder.is_dir():
        raise LoadValidationError([LoadIssue(str(folder), None, None, "not a folder")])
    log = IssueLog()
    sources = _discover(folder, log)
    raw = engine.raw_connection()
    try:
        conn: psycopg.Connection = raw.driver_connection
        with conn.transaction(), conn.cursor() as cur:
            # This transaction only: the sorts of a multi-million-row load (the insert in file
            # order, the price windows, index builds) stay in memory instead of spilling.
            cur.execute(f"set local work_mem = '{_WORK_MEM}'")
            cur.execute(f"set local maintenance_work_mem = '{_MAINTENANCE_WORK_MEM}'")
            staged: dict[str, tuple[FileReport, set[str]]] = {}
            for spec in SPECS:  # all of them: the checks query the absent files' (empty) ones
                create_staging(cur, spec)
            for source in sources:
                staged[source.spec.name] = _stage(cur, source, chunk_rows, log, report_progress)
            report_progress("validate", 0, 1)
            validate(cur, sources, log)
            if history_start is not None:
                _check_history_start(cur, sources, history_start, log)
            report_progress("validate", 1, 1)
            if log.total:
                raise LoadValidationError(log.issues, log.total)  # rolls back: nothing written
            report_progress("write raw.*", 0, 1)
            files = write_all(cur, staged, defer_keys_when_empty=defer_keys_when_empty)
            first, last = _date_range(cur)
            report_progress("write raw.*", 1, 1)
    finally:
        raw.close()
    return LoadReport(files, first, last, round(time.perf_counter() - started, 3))


def _discover(folder: Path, log: IssueLog) -> list[SourceFile]:
    """The folder's files in dependency order; unknown, duplicate or missing ones are issues."""
    sources: list[SourceFile] = []
    for spec in SPECS:
        found = [folder / f"{spec.name}{ext}" for ext in EXTENSIONS]
        found = [p for p in found if p.is_file()]
        if len(found) > 1:
            log.file_issue(found[0].name, f"both {found[0].name} and {found[1].name}; keep one")
        elif found:
            sources.append(SourceFile(spec, found[0]))
        elif spec.required:
            log.file_issue(f"{spec.name}.csv", "required file is missing")
    expected = {f"{spec.name}{ext}" for spec in SPECS for ext in EXTENSIONS}
    for extra in sorted(folder.iterdir()):
        if extra.suffix in EXTENSIONS and extra.name not in expected:
            log.file_issue(extra.name, f"not a file of the format ({', '.join(sorted(expected))})")
    return sources


def _stage(
    cur: psycopg.Cursor,
    source: SourceFile,
    chunk_rows: int,
    log: IssueLog,
    progress: ProgressFn,
) -> tuple[FileReport, set[str]]:
    """Check the header, then stream the file's chunks into its staging table."""
    spec, name = source.spec, source.name
    report = FileReport(name, f"raw.{spec.table}")
    try:
        header = source.header()
    except ReadError as exc:
        log.file_issue(name, exc.reason, exc.line)
        return report, set()
    known = {c.name for c in spec.columns}
    for column in spec.columns:
        if column.required and column.name not in header:
            log.file_issue(name, "missing required column", 1, column.name)
    for column in header:
        if column not in known:
            log.file_issue(name, f"unknown column (expected {', '.join(sorted(known))})", 1, column)
    present = known & set(header)
    total = source.count_rows()
    try:
        for first_line, frame in source.chunks(chunk_rows):
            rows = parse_chunk(source, present, first_line, frame, log)
            report.rows_read += copy_chunk(cur, spec, rows)
            progress(f"read {name}", report.rows_read, total)
    except ReadError as exc:
        log.file_issue(name, exc.reason, exc.line)
    if report.rows_read == 0:
        log.file_issue(name, "file has no data rows", 1)
    analyze(cur, spec)
    return report, present


def _check_history_start(
    cur: psycopg.Cursor, sources: list[SourceFile], history_start: date, log: IssueLog
) -> None:
    """One issue per daily file with days before the first partition, saying how to fix it."""
    for source in sources:
        if "date" not in {c.name for c in source.spec.columns}:
            continue
        cur.execute(
            f"select min(date), count(*) from {source.spec.staging} where date < %s",
            (history_start,),
        )
        first, before = cur.fetchone()  # type: ignore[misc]
        if before:
            log.file_issue(
                source.name,
                f"{before:,} row(s) from {first} are before the history start {history_start}"
                f" (the first daily partition): set HISTORY_START={first} or earlier (in .env"
                " or the environment), restart `forecastlab serve`, then load again",
                column="date",
            )


def _date_range(cur: psycopg.Cursor):
    cur.execute(
        f"select min(date), max(date) from (select date from {SALES.staging} "
        f"union all select date from {INVENTORY.staging}) f"
    )
    return cur.fetchone()
