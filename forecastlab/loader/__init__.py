"""Bring your own data: load a retailer's history from CSV/Parquet files into raw.*.

`load_folder` validates a folder (docs/data-format.md) completely before writing anything,
then upserts it idempotently by natural keys; `export_raw` writes a database's raw tables
as such a folder.
"""

from forecastlab.loader.export import export_raw
from forecastlab.loader.load import load_folder
from forecastlab.loader.report import FileReport, LoadIssue, LoadReport, LoadValidationError

__all__ = [
    "FileReport",
    "LoadIssue",
    "LoadReport",
    "LoadValidationError",
    "export_raw",
    "load_folder",
]
