"""A Forge seeding, exported and loaded into an empty database, is the same data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from forecastlab.loader import load_folder
from tests.forecastlab.loader.conftest import loaded_hashes


def test_export_then_load_reproduces_the_raw_tables(
    forge: tuple[Engine, Path], empty_db: Callable[[], Engine]
) -> None:
    source, folder = forge
    assert {p.name for p in folder.iterdir()} == {
        "stores.csv", "products.csv", "calendar.csv", "sales.csv", "inventory.csv",
        "prices.csv", "promotions.csv",
    }  # fmt: skip
    target = empty_db()
    report = load_folder(target, folder, chunk_rows=500)  # several chunks per fact file
    # The export lists stores and products in id order and the load inserts in file order,
    # so an empty database gets the same ids: the id-bearing hashes compare directly.
    assert loaded_hashes(target) == loaded_hashes(source)
    with source.connect() as conn:
        sales = conn.execute(text("select count(*) from raw.sales_daily")).scalar_one()
        promotions = conn.execute(text("select count(*) from raw.promotion")).scalar_one()
        window = conn.execute(text("select min(date), max(date) from raw.sales_daily")).one()
    assert promotions > 0
    (entry,) = [f for f in report.files if f.file == "sales.csv"]
    assert (entry.rows_read, entry.inserted, entry.updated) == (sales, sales, 0)
    assert (report.first_date, report.last_date) == tuple(window)
