"""Re-loading changes nothing; a newer export changes exactly its new and changed rows."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from forecastlab.loader import LoadReport, load_folder
from tests.forecastlab.loader.conftest import EXAMPLE, loaded_hashes


def _stamps(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select (select max(updated_at) from raw.sales_daily), "
                "(select max(updated_at) from raw.product), "
                "(select max(id) from raw.price_history), (select max(id) from raw.promotion)"
            )
        ).one()


def _written(report: LoadReport) -> dict[str, tuple[int, int, int]]:
    return {
        f"{f.file} {f.table}": (f.inserted, f.updated, f.deleted)
        for f in report.files
        if f.inserted or f.updated or f.deleted
    }


def test_loading_the_same_folder_twice_changes_nothing(
    forge: tuple[Engine, Path], empty_db: Callable[[], Engine]
) -> None:
    _, folder = forge
    engine = empty_db()
    load_folder(engine, folder)
    hashes, stamps = loaded_hashes(engine), _stamps(engine)
    again = load_folder(engine, folder)
    assert _written(again) == {}
    assert all(f.unchanged == f.rows_read for f in again.files)
    assert loaded_hashes(engine) == hashes
    assert _stamps(engine) == stamps  # not even updated_at or the replaced windows' ids


def test_a_newer_export_updates_and_inserts_exactly_its_changes(
    forge: tuple[Engine, Path], empty_db: Callable[[], Engine], tmp_path: Path
) -> None:
    _, folder = forge
    engine = empty_db()
    load_folder(engine, folder)
    newer = tmp_path / "newer"
    shutil.copytree(folder, newer)
    sales = newer / "sales.csv"
    header, first, *rest = sales.read_text().splitlines()
    day, store, sku, quantity, *tail = rest[-1].split(",")
    changed = first.split(",")
    changed[3] = str(int(changed[3]) + 7)
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    new_row = ",".join([next_day, store, sku, quantity, *tail])
    sales.write_text("\n".join([header, ",".join(changed), *rest, new_row]) + "\n")

    report = load_folder(engine, newer)

    assert _written(report) == {
        "sales.csv raw.sales_daily": (1, 1, 0),
        "(derived) raw.calendar": (1, 0, 0),  # the new day, generated
    }
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "select f.quantity, f.updated_at > f.created_at from raw.sales_daily f "
                "join raw.store s on s.id = f.store_id join raw.product p on p.id = f.product_id "
                "where (f.date, s.code, p.sku) = (cast(:d as date), :s, :p)"
            ),
            {"d": changed[0], "s": changed[1], "p": changed[2]},
        ).one()
        added = conn.execute(
            text("select count(*) from raw.sales_daily where date = :d"),
            {"d": date.fromisoformat(next_day)},
        ).scalar_one()
    assert stored == (int(changed[3]), True)
    assert added == 1


def test_the_example_folder_loads_cleanly_with_its_defaults(
    empty_db: Callable[[], Engine],
) -> None:
    engine = empty_db()
    report = load_folder(engine, EXAMPLE)
    assert (report.first_date, report.last_date) == (date(2025, 3, 3), date(2025, 3, 9))
    by_file = {f.file: f for f in report.files if f.file != "(derived)"}
    assert {name: f.inserted for name, f in by_file.items()} == {
        "stores.csv": 2,
        "products.csv": 3,
        "calendar.csv": 7,
        "sales.csv": 42,
        "inventory.csv": 28,
        "promotions.csv": 2,
    }
    with engine.connect() as conn:
        # No base_price for the coffee: the median of its sales' unit prices (8.99 x 8, 8.79 x 6).
        coffee = conn.execute(
            text("select base_price from raw.product where sku = 'COFFEE-250'")
        ).scalar_one()
        # No prices.csv: one window per run of equal unit prices, per store.
        windows = conn.execute(
            text(
                "select s.code, h.price, h.valid_from, h.valid_to from raw.price_history h "
                "join raw.product p on p.id = h.product_id join raw.store s on s.id = h.store_id "
                "where p.sku = 'COFFEE-250' order by s.code, h.valid_from"
            )
        ).all()
        holiday = conn.execute(
            text("select day_of_week, holiday_name from raw.calendar where is_holiday")
        ).one()
        bundle = conn.execute(
            text("select bundle_member_product_ids from raw.promotion where kind = 'bundle'")
        ).scalar_one()
    assert str(coffee) == "8.99"
    assert [(c, str(p), f, t) for c, p, f, t in windows] == [
        ("S01", "8.99", date(2025, 3, 3), date(2025, 3, 6)),
        ("S01", "8.79", date(2025, 3, 7), None),
        ("S02", "8.99", date(2025, 3, 3), date(2025, 3, 6)),
        ("S02", "8.79", date(2025, 3, 7), None),
    ]
    assert tuple(holiday) == (4, "Founders Day")  # 2025-03-07 is a Friday
    assert bundle == [1, 2]


def _keys(engine: Engine) -> list[tuple[str, str]]:
    """Every index and constraint of the raw fact tables, with its definition."""
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "select indexname, indexdef from pg_indexes where schemaname = 'raw' "
                    "and tablename in ('sales_daily', 'inventory_snapshot_daily') "
                    "union all select conname, pg_get_constraintdef(oid) from pg_constraint "
                    "where conrelid in ('raw.sales_daily'::regclass, "
                    "'raw.inventory_snapshot_daily'::regclass) order by 1, 2"
                )
            )
        ]


def test_a_first_load_with_deferred_keys_writes_what_the_keyed_path_writes(
    forge: tuple[Engine, Path], empty_db: Callable[[], Engine]
) -> None:
    """Into empty fact tables the keys are dropped for the write and rebuilt after it: the
    same rows, counts and keys as a load with every key in place."""
    _, folder = forge
    deferred, keyed = empty_db(), empty_db()
    keys = _keys(deferred)
    assert len(keys) >= 4  # primary, unique and foreign keys, secondary indexes
    fast = load_folder(deferred, folder)
    reference = load_folder(keyed, folder, defer_keys_when_empty=False)
    assert _written(fast) == _written(reference)
    assert loaded_hashes(deferred) == loaded_hashes(keyed)
    assert _keys(deferred) == keys == _keys(keyed)
