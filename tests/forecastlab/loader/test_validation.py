"""Bad folders: every problem is an issue naming file, line and column; nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from forecastlab.loader import LoadIssue, LoadValidationError, load_folder
from tests.forecastlab.loader.conftest import EXAMPLE, loaded_hashes


@pytest.fixture(scope="module")
def loaded(empty_db: Callable[[], Engine]) -> tuple[Engine, dict[str, str]]:
    """A database holding the example folder, and its hashes (a bad load must keep them)."""
    engine = empty_db()
    load_folder(engine, EXAMPLE)
    return engine, loaded_hashes(engine)


def _edit(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines))


def _wrong_type(folder: Path) -> None:
    _edit(folder / "sales.csv", 3, ",22,", ",twenty-two,")


def _unknown_sku(folder: Path) -> None:
    _edit(folder / "sales.csv", 4, "COFFEE-250", "TEA-100")


def _duplicate_key(folder: Path) -> None:
    sales = folder / "sales.csv"
    second = sales.read_text().splitlines()[1]
    with sales.open("a") as out:
        out.write(second.replace(",42,", ",41,") + "\n")


def _missing_column(folder: Path) -> None:
    stores = folder / "stores.csv"
    rows = [line.split(",") for line in stores.read_text().splitlines()]
    stores.write_text("".join(",".join(r[:1] + r[2:]) + "\n" for r in rows))  # drop `name`


def _empty_file(folder: Path) -> None:
    (folder / "promotions.csv").write_text("")


def _header_only(folder: Path) -> None:
    inventory = folder / "inventory.csv"
    inventory.write_text(inventory.read_text().splitlines()[0] + "\n")


def _negative_quantity(folder: Path) -> None:
    _edit(folder / "sales.csv", 6, ",S02,BREAD-800,", ",S02,BREAD-800,-")


def _bad_channel(folder: Path) -> None:
    _edit(folder / "sales.csv", 7, ",online", ",phone")


def _end_before_start(folder: Path) -> None:
    _edit(folder / "promotions.csv", 2, "2025-03-13", "2025-03-01")


def _impossible_date(folder: Path) -> None:
    _edit(folder / "calendar.csv", 3, "2025-03-04", "2025-02-30")


CASES = {
    "wrong type": (_wrong_type, ("sales.csv", 3, "quantity", "not a whole number: 'twenty-two'")),
    "unknown sku": (
        _unknown_sku,
        ("sales.csv", 4, "sku", "unknown sku 'TEA-100' (neither in the folder nor in"),
    ),
    "duplicate key": (
        _duplicate_key,
        ("sales.csv", 44, None, "duplicate key (date, store_code, sku); first on line 2"),
    ),
    "missing column": (_missing_column, ("stores.csv", 1, "name", "missing required column")),
    "empty file": (_empty_file, ("promotions.csv", 1, None, "file is empty (no header row)")),
    "header only": (_header_only, ("inventory.csv", 1, None, "file has no data rows")),
    "negative": (_negative_quantity, ("sales.csv", 6, "quantity", "must not be negative: -")),
    "channel": (_bad_channel, ("sales.csv", 7, "channel", "must be one of in_store, online")),
    "end < start": (
        _end_before_start,
        ("promotions.csv", 2, "end_date", "end_date 2025-03-01 is before start_date 2025-03-07"),
    ),
    "no such day": (_impossible_date, ("calendar.csv", 3, "date", "not a date YYYY-MM-DD")),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_folder_is_rejected_with_its_issue_and_writes_nothing(
    case: str, loaded: tuple[Engine, dict[str, str]], tmp_path: Path
) -> None:
    engine, before = loaded
    folder = tmp_path / "retailer"
    shutil.copytree(EXAMPLE, folder)
    # A valid change rides along: the rejected load must not apply it either.
    _edit(folder / "stores.csv", 2, "Harbour Street", "Harbour Street (new)")
    breaks, (file, line, column, reason) = CASES[case]
    breaks(folder)
    with pytest.raises(LoadValidationError) as caught:
        load_folder(engine, folder)
    matches = [
        i
        for i in caught.value.issues
        if (i.file, i.line, i.column) == (file, line, column) and i.reason.startswith(reason)
    ]
    assert matches, caught.value.issues
    assert loaded_hashes(engine) == before


def test_every_bad_row_is_reported_and_counted(
    loaded: tuple[Engine, dict[str, str]], tmp_path: Path
) -> None:
    engine, _ = loaded
    folder = tmp_path / "retailer"
    shutil.copytree(EXAMPLE, folder)
    sales = folder / "sales.csv"
    lines = sales.read_text().splitlines()
    sales.write_text("\n".join([lines[0], *(line + "x" for line in lines[1:])]) + "\n")
    with pytest.raises(LoadValidationError) as caught:
        load_folder(engine, folder, chunk_rows=5)  # issues span chunks
    assert caught.value.total == len(lines) - 1
    assert [i.line for i in caught.value.issues] == list(range(2, len(lines) + 1))
    assert caught.value.issues[0] == LoadIssue(
        "sales.csv",
        2,
        "channel",
        "must be one of in_store, online, click_collect, wholesale: 'in_storex'",
    )


def test_days_before_the_history_start_are_refused_with_the_fix(
    loaded: tuple[Engine, dict[str, str]],
) -> None:
    """The example starts 2025-03-03: a history start after it names the setting that fixes it,
    per daily file, and nothing is written; one on that day loads."""
    engine, before = loaded
    with pytest.raises(LoadValidationError) as caught:
        load_folder(engine, EXAMPLE, history_start=date(2025, 3, 4))
    by_file = {i.file: i for i in caught.value.issues}
    assert set(by_file) == {"calendar.csv", "sales.csv", "inventory.csv"}
    sales = by_file["sales.csv"]
    assert sales.column == "date"
    assert "from 2025-03-03 are before the history start 2025-03-04" in sales.reason
    assert "HISTORY_START=2025-03-03" in sales.reason
    assert loaded_hashes(engine) == before
    load_folder(engine, EXAMPLE, history_start=date(2025, 3, 3))
    assert loaded_hashes(engine) == before


def test_quoted_commas_quotes_and_empty_fields_reach_raw_as_written(
    empty_db: Callable[[], Engine], tmp_path: Path
) -> None:
    """Staging writes every chunk back out as CSV for COPY: a comma or a quote inside a value
    survives it, and an empty optional field is NULL (not an empty string)."""
    folder = tmp_path / "retailer"
    shutil.copytree(EXAMPLE, folder)
    _edit(folder / "stores.csv", 2, "Harbour Street", '"Harbour ""Old"" Street, North"')
    engine = empty_db()
    load_folder(engine, folder)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("select name from raw.store"))}
        product = conn.execute(
            text("select name, base_price from raw.product where sku = 'COFFEE-250'")
        ).one()
    assert 'Harbour "Old" Street, North' in names
    assert product.name == "Espresso beans, 250 g"
    assert product.base_price is not None  # empty in the file: the sales' median, not ''
