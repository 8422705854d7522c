"""The per-row checks of an ingest batch (spec §3.2, D-05), without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from forecastlab.ingest import SalesRecord
from forecastlab.ingest.resolve import KnownKeys, check_rows

DAY, OTHER_DAY, UNKNOWN_DAY = date(2025, 6, 29), date(2025, 6, 30), date(2019, 1, 1)
KEYS = KnownKeys(
    store_ids={"S0001": 10, "S0002": 20},
    product_ids={"SKU-1": 1, "SKU-2": 2},
    dates=frozenset({DAY, OTHER_DAY}),
)


def rec(day: date, code: str, sku: str, quantity: int = 1) -> SalesRecord:
    return SalesRecord(day, code, sku, quantity, Decimal("1.00"), Decimal(quantity))


def test_rows_resolve_to_their_grain() -> None:
    rows, errors = check_rows([rec(DAY, "S0002", "SKU-1"), rec(OTHER_DAY, "S0001", "SKU-2")], KEYS)
    assert errors == []
    assert list(rows) == [(DAY, 20, 1), (OTHER_DAY, 10, 2)]


def test_the_first_failing_check_wins() -> None:
    records = [
        rec(UNKNOWN_DAY, "S9", "SKU-9"),
        rec(UNKNOWN_DAY, "S0001", "SKU-9"),
        rec(UNKNOWN_DAY, "S0001", "SKU-1"),
        rec(DAY, "s0001", "SKU-1"),  # codes are case-sensitive
    ]
    rows, errors = check_rows(records, KEYS)
    assert rows == {}
    assert [(e.row_index, e.error_code) for e in errors] == [
        (0, "UNKNOWN_STORE"),
        (1, "UNKNOWN_PRODUCT"),
        (2, "UNKNOWN_DATE"),
        (3, "UNKNOWN_STORE"),
    ]
    assert errors[1].error_message == "Product SKU 'SKU-9' not found"
    assert errors[2].error_message == "Date 2019-01-01 not in the calendar"


def test_a_later_duplicate_replaces_an_earlier_one_and_errors_keep_their_index() -> None:
    records = [
        rec(DAY, "S0001", "SKU-1", quantity=1),
        rec(DAY, "S9", "SKU-1"),
        rec(DAY, "S0001", "SKU-1", quantity=3),
    ]
    rows, errors = check_rows(records, KEYS)
    assert rows == {(DAY, 10, 1): records[2]}
    assert [e.row_index for e in errors] == [1]
