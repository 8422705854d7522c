"""Stream a CSV or Parquet file in chunks of strings, then parse each chunk's types.

Everything is read as text (never inferred) so that a bad value becomes an issue naming its
line and column instead of a silently coerced NaN; valid values are normalized to the text
PostgreSQL's COPY parses (ISO dates, `.` decimals, t/f).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecastlab.loader.formats import Column, FileSpec
from forecastlab.loader.report import LoadIssue

# Issues kept per check (file x column x rule); the total is always counted. A history
# with a systematically broken column must not turn into millions of Python objects.
MAX_ISSUES_PER_CHECK = 1000

_PATTERNS: dict[str, str] = {
    "int": r"-?\d{1,%d}",
    "money": r"-?\d{1,%d}(?:\.\d{1,2})?",
    "fraction": r"-?\d{1,%d}(?:\.\d{1,4})?",
    "date": r"\d{4}-\d{2}-\d{2}",
}
_DESCRIPTIONS: dict[str, str] = {
    "int": "not a whole number",
    "money": "not an amount with '.' decimals and at most 2 decimals",
    "fraction": "not a fraction with '.' decimals and at most 4 decimals",
    "date": "not a date YYYY-MM-DD",
    "bool": "not a boolean (true/false)",
}
_BOOLS: dict[str, str] = {
    **dict.fromkeys(("true", "t", "1", "yes", "y"), "t"),
    **dict.fromkeys(("false", "f", "0", "no", "n"), "f"),
}


class ReadError(Exception):
    """The file cannot be read as a table (encoding, ragged rows, not Parquet ...)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class IssueLog:
    """Issues of one load, capped per check, with the true total."""

    def __init__(self) -> None:
        self.issues: list[LoadIssue] = []
        self.total = 0
        self._kept: dict[tuple[str, str | None, str], int] = {}

    def add(self, check: tuple[str, str | None, str], issues: list[LoadIssue], total: int) -> None:
        """Record `total` findings of one check, keeping up to the cap of `issues`."""
        room = MAX_ISSUES_PER_CHECK - self._kept.get(check, 0)
        kept = issues[: max(room, 0)]
        self._kept[check] = self._kept.get(check, 0) + len(kept)
        self.issues.extend(kept)
        self.total += total

    def file_issue(
        self, file: str, reason: str, line: int | None = None, column: str | None = None
    ):
        """One issue about a file as a whole (or its header)."""
        self.add((file, column, reason), [LoadIssue(file, line, column, reason)], 1)


@dataclass(frozen=True)
class SourceFile:
    """A file of the folder and the spec it is read with."""

    spec: FileSpec
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_parquet(self) -> bool:
        return self.path.suffix == ".parquet"

    def header(self) -> list[str]:
        """The column names (stripped); raises ReadError for an unreadable or empty file."""
        if self.is_parquet:
            return [name.strip() for name in _parquet(self.path).schema_arrow.names]
        try:
            frame = pd.read_csv(self.path, nrows=0, dtype=str, encoding="utf-8-sig")
        except pd.errors.EmptyDataError as exc:
            raise ReadError("file is empty (no header row)", line=1) from exc
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise ReadError(f"cannot read the header: {exc}", line=1) from exc
        return [str(name).strip() for name in frame.columns]

    def count_rows(self) -> int:
        """Data rows, for the progress bar (CSV: newlines, cheap next to parsing)."""
        if self.is_parquet:
            return _parquet(self.path).metadata.num_rows
        newlines = 0
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                newlines += block.count(b"\n")
        return max(newlines - 1, 0)

    def chunks(self, chunk_rows: int) -> Iterator[tuple[int, pd.DataFrame]]:
        """(line of the first row, rows as stripped strings with '' for empty) per chunk."""
        first_line = 2
        for frame in self._raw_chunks(chunk_rows):
            frame.columns = [str(c).strip() for c in frame.columns]
            yield first_line, frame
            first_line += len(frame)

    def _raw_chunks(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        if self.is_parquet:
            import pyarrow as pa
            import pyarrow.compute as pc

            for batch in _parquet(self.path).iter_batches(batch_size=chunk_rows):
                try:
                    text = pa.table(
                        [pc.cast(col, pa.string()) for col in batch.columns],
                        names=batch.schema.names,
                    )
                except pa.ArrowInvalid as exc:
                    raise ReadError(f"a column cannot be read as text: {exc}") from exc
                yield text.to_pandas()
            return
        reader = pd.read_csv(
            self.path,
            dtype=str,
            keep_default_na=False,  # "NA" is a valid store code, not a missing value
            skip_blank_lines=False,  # keeps line numbers exact; blank rows become issues
            encoding="utf-8-sig",
            chunksize=chunk_rows,
        )
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            raise ReadError(f"not UTF-8: {exc}") from exc
        except pd.errors.ParserError as exc:
            found = re.search(r"in line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
            raise ReadError(f"malformed CSV: {exc}", line=line) from exc


def _parquet(path: Path):
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pyarrow is optional: CSV needs only pandas
        raise ReadError("Parquet needs pyarrow, which is not installed; use CSV") from exc
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt or empty file
        raise ReadError(f"not a readable Parquet file: {exc}") from exc


def parse_chunk(
    source: SourceFile, present: set[str], first_line: int, frame: pd.DataFrame, log: IssueLog
) -> pd.DataFrame:
    """The chunk as staging rows: `line` + every column of the spec (absent ones empty),
    valid values normalized, invalid ones logged and emptied (NULL in staging)."""
    spec = source.spec
    lines = np.arange(first_line, first_line + len(frame))
    staged: dict[str, object] = {"line": lines}
    for column in spec.columns:
        if column.name not in present:
            staged[column.name] = ""
            continue
        values = frame[column.name].fillna("").astype(str).str.strip()
        missing = values.eq("").to_numpy()
        if column.required:
            _log_rows(log, source.name, column, lines, missing, values, "missing value")
        bad = ~missing & ~_valid(column, values)
        _log_rows(log, source.name, column, lines, bad, values, _DESCRIPTIONS.get(column.kind, ""))
        values = values.mask(bad, "")
        if column.kind == "bool":
            values = values.str.lower().map(_BOOLS).fillna("")
        staged[column.name] = values.to_numpy()
    return pd.DataFrame(staged)


def _valid(column: Column, values: pd.Series) -> np.ndarray:
    if column.kind == "text":
        return np.ones(len(values), dtype=bool)
    if column.kind == "bool":
        return values.str.lower().isin(_BOOLS).to_numpy()
    pattern = _PATTERNS[column.kind]
    if "%d" in pattern:
        pattern %= column.digits
    ok = values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    if column.kind == "date":
        # The pattern accepts 2025-02-30; the calendar does not.
        parsed = pd.to_datetime(values.where(ok), format="%Y-%m-%d", errors="coerce")
        ok = ok & parsed.notna().to_numpy()
    return ok


def _log_rows(
    log: IssueLog,
    file: str,
    column: Column,
    lines: np.ndarray,
    mask: np.ndarray,
    values: pd.Series,
    reason: str,
) -> None:
    total = int(mask.sum())
    if not total:
        return
    where = np.flatnonzero(mask)[:MAX_ISSUES_PER_CHECK]
    shown = values.to_numpy()[where]
    issues = [
        LoadIssue(file, int(lines[i]), column.name, reason if not v else f"{reason}: {v!r}")
        for i, v in zip(where, shown, strict=True)
    ]
    log.add((file, column.name, reason), issues, total)
