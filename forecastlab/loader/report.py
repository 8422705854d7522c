"""What a load found wrong (LoadIssue) and what it wrote (LoadReport)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, order=True)
class LoadIssue:
    """One problem of the folder. `line` is 1-based (the header is line 1; Parquet rows are
    numbered the same way); None with `column` None means the whole file."""

    file: str
    line: int | None
    column: str | None
    reason: str


class LoadValidationError(ValueError):
    """The folder is invalid; nothing was written. `issues` is sorted by file and line and
    capped per check (see MAX_ISSUES_PER_CHECK); `total` counts every bad value found."""

    def __init__(self, issues: list[LoadIssue], total: int | None = None) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line or 0, i.column or "", i.reason))
        self.total = len(issues) if total is None else total
        first = self.issues[0] if self.issues else None
        where = f"; first: {first.file} line {first.line} {first.column}: {first.reason}"
        super().__init__(f"{self.total} issue(s) in the folder{where if first else ''}")


@dataclass
class FileReport:
    """Rows of one file (or of a derived table: file "(generated)") and what became of them."""

    file: str
    table: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0  # prices/promotions: windows replaced

    @property
    def unchanged(self) -> int:
        """Rows read that were already in raw.* exactly as given."""
        return max(self.rows_read - self.inserted - self.updated, 0)


@dataclass
class LoadReport:
    """The outcome of `load_folder`."""

    files: list[FileReport] = field(default_factory=list)
    first_date: date | None = None  # covered date range of sales/inventory
    last_date: date | None = None
    duration_seconds: float = 0.0

    def for_table(self, table: str) -> list[FileReport]:
        """The entries that wrote `table` (a file and, for calendar/prices, a derived one)."""
        return [f for f in self.files if f.table == table]
