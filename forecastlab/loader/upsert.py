"""Write the validated staging tables into raw.*, idempotently, in set-based SQL.

Upserts are an UPDATE of the rows that differ followed by an INSERT of the missing keys
(rather than INSERT ... ON CONFLICT): a re-load then consumes no identity values (ON CONFLICT
draws one per proposed row, and the raw ids are int4) and the two row counts are exact.
A row equal to the file is never touched, so re-loading a folder leaves even updated_at
alone. A column absent from a file keeps the existing values of that column.
"""

from __future__ import annotations

from contextlib import nullcontext

import psycopg

from forecastlab.db.bulk import keys_deferred_if_empty
from forecastlab.loader.formats import (
    CALENDAR,
    INVENTORY,
    MEMBER_SEPARATOR,
    PRICES,
    PRODUCTS,
    PROMOTIONS,
    SALES,
    STORES,
    FileSpec,
)
from forecastlab.loader.report import FileReport

DERIVED = "(derived)"
_STORE_ATTRS = ("name", "region", "city", "store_type")
_PRODUCT_ATTRS = (
    "name", "category", "brand", "base_cost", "lifecycle_stage", "launch_date",
    "discontinue_date", "pack_size", "subcategory",
)  # fmt: skip
# Codes → ids, one join per fact row (after the dimensions are written).
_RESOLVE = "join raw.store st on st.code = s.store_code join raw.product p on p.sku = s.sku"
_MEDIAN_PRICE = (
    "left join (select sku, round(percentile_cont(0.5) within group "
    f"(order by unit_price::float8)::numeric, 2) as median from {SALES.staging} group by sku) m "
    "on m.sku = s.sku"
)


def _upsert(
    cur: psycopg.Cursor,
    report: FileReport,
    target: str,
    key: str,
    changes: dict[str, str],
    update_from: str,
    insert_columns: dict[str, str],
    insert_from: str,
) -> None:
    """UPDATE `target` t from `update_from` where `key` matches and a `changes` value
    differs, then INSERT `insert_columns` of `insert_from` rows whose key is missing."""
    targets = ", ".join(f"t.{c}" for c in changes)
    values = ", ".join(changes.values())
    sets = ", ".join(f"{c} = {v}" for c, v in changes.items())
    cur.execute(
        f"update {target} t set {sets}, updated_at = now() from {update_from} "
        f"where {key} and ({targets}) is distinct from ({values})"
    )
    report.updated += cur.rowcount
    cur.execute(
        f"insert into {target} ({', '.join(insert_columns)}) "
        f"select {', '.join(insert_columns.values())} from {insert_from} "
        f"where not exists (select 1 from {target} t where {key}) order by s.line"
    )
    report.inserted += cur.rowcount


def upsert_stores(cur: psycopg.Cursor, report: FileReport, present: set[str]) -> None:
    """raw.store by code; ids follow the file order (an export round-trips its ids)."""
    attrs = [c for c in _STORE_ATTRS if c in present]
    _upsert(
        cur,
        report,
        "raw.store",
        "t.code = s.store_code",
        {c: f"s.{c}" for c in attrs},
        f"{STORES.staging} s",
        {"code": "s.store_code", **{c: f"s.{c}" for c in _STORE_ATTRS}},
        f"{STORES.staging} s",
    )


def upsert_products(cur: psycopg.Cursor, report: FileReport, present: set[str]) -> None:
    """raw.product by sku; an empty base_price keeps the stored one, else the median unit
    price of the product's sales in this folder."""
    attrs = [c for c in _PRODUCT_ATTRS if c in present]
    source = f"{PRODUCTS.staging} s {_MEDIAN_PRICE}"
    _upsert(
        cur,
        report,
        "raw.product",
        "t.sku = s.sku",
        {
            **{c: f"s.{c}" for c in attrs},
            "base_price": "coalesce(s.base_price, t.base_price, m.median)",
        },
        source,
        {
            "sku": "s.sku",
            **{c: f"s.{c}" for c in _PRODUCT_ATTRS},
            "base_price": "coalesce(s.base_price, m.median)",
        },
        source,
    )


_CALENDAR_PARTS = {
    "day_of_week": "extract(isodow from {d})::int - 1",  # 0 = Monday
    "month": "extract(month from {d})::int",
    "quarter": "extract(quarter from {d})::int",
    "year": "extract(year from {d})::int",
}


def upsert_calendar(cur: psycopg.Cursor, report: FileReport, present: set[str]) -> None:
    """raw.calendar by date; weekday/month/quarter/year are derived from the date."""
    attrs = [c for c in ("is_holiday", "holiday_name") if c in present]
    _upsert(
        cur,
        report,
        "raw.calendar",
        "t.date = s.date",
        {c: f"s.{c}" for c in attrs},
        f"{CALENDAR.staging} s",
        {
            "date": "s.date",
            **{c: e.format(d="s.date") for c, e in _CALENDAR_PARTS.items()},
            "is_holiday": "coalesce(s.is_holiday, false)",
            "holiday_name": "s.holiday_name",
        },
        f"{CALENDAR.staging} s",
    )


def fill_calendar(cur: psycopg.Cursor, report: FileReport) -> None:
    """Every day between the first and last fact date that raw.calendar lacks (the facts'
    foreign keys need them), as a plain working day."""
    columns = ", ".join(["date", *_CALENDAR_PARTS])
    parts = ", ".join(e.format(d="d::date") for e in _CALENDAR_PARTS.values())
    cur.execute(
        f"insert into raw.calendar ({columns}) select d::date, {parts} "
        "from (select min(date) lo, max(date) hi from "
        f"(select date from {SALES.staging} union all select date from {INVENTORY.staging}) f) r, "
        "generate_series(r.lo, r.hi, interval '1 day') d "
        "where not exists (select 1 from raw.calendar c where c.date = d::date) order by d"
    )
    report.rows_read = report.inserted = cur.rowcount


def upsert_sales(cur: psycopg.Cursor, report: FileReport) -> None:
    """raw.sales_daily by (date, store, product); an empty channel keeps the stored one
    (new rows: in_store)."""
    source = f"{SALES.staging} s {_RESOLVE}"
    _upsert(
        cur,
        report,
        "raw.sales_daily",
        "t.date = s.date and t.store_id = st.id and t.product_id = p.id",
        {
            "quantity": "s.quantity",
            "unit_price": "s.unit_price",
            "total_amount": "s.total_amount",
            "channel": "coalesce(s.channel, t.channel)",
        },
        source,
        {
            "date": "s.date",
            "store_id": "st.id",
            "product_id": "p.id",
            "quantity": "s.quantity",
            "unit_price": "s.unit_price",
            "total_amount": "s.total_amount",
            "channel": "coalesce(s.channel, 'in_store')",
        },
        source,
    )


def upsert_inventory(cur: psycopg.Cursor, report: FileReport) -> None:
    """raw.inventory_snapshot_daily by (date, store, product); empty optional values keep
    the stored ones (new rows: 0 on order, not a stockout)."""
    source = f"{INVENTORY.staging} s {_RESOLVE}"
    _upsert(
        cur,
        report,
        "raw.inventory_snapshot_daily",
        "t.date = s.date and t.store_id = st.id and t.product_id = p.id",
        {
            "on_hand_qty": "s.on_hand_qty",
            "on_order_qty": "coalesce(s.on_order_qty, t.on_order_qty)",
            "is_stockout": "coalesce(s.is_stockout, t.is_stockout)",
        },
        source,
        {
            "date": "s.date",
            "store_id": "st.id",
            "product_id": "p.id",
            "on_hand_qty": "s.on_hand_qty",
            "on_order_qty": "coalesce(s.on_order_qty, 0)",
            "is_stockout": "coalesce(s.is_stockout, false)",
        },
        source,
    )


_PRICE_COLUMNS = ("product_id", "store_id", "price", "valid_from", "valid_to")
_PROMOTION_COLUMNS = (
    "product_id", "store_id", "name", "discount_pct", "discount_amount", "start_date",
    "end_date", "kind", "bundle_member_product_ids",
)  # fmt: skip


def replace_prices(cur: psycopg.Cursor, report: FileReport) -> None:
    """The price windows of every product in prices.csv become exactly the file's."""
    _replace_windows(
        cur,
        report,
        "price_history",
        _PRICE_COLUMNS,
        "select p.id as product_id, st.id as store_id, s.price, s.valid_from, s.valid_to, "
        f"s.line as ord from {PRICES.staging} s join raw.product p on p.sku = s.sku "
        "left join raw.store st on st.code = s.store_code",
    )


def derive_prices(cur: psycopg.Cursor, report: FileReport) -> None:
    """Without prices.csv: per product and store, one window per run of equal unit prices
    in raw.sales_daily (the last one open), for every product of sales.csv."""
    _replace_windows(
        cur,
        report,
        "price_history",
        _PRICE_COLUMNS,
        "with sold as (select product_id, store_id, date, unit_price, "
        "lag(unit_price) over (partition by product_id, store_id order by date) as previous "
        "from raw.sales_daily where product_id in "
        f"(select p.id from raw.product p join {SALES.staging} s on s.sku = p.sku)), "
        "starts as (select product_id, store_id, unit_price as price, date as valid_from "
        "from sold where previous is distinct from unit_price) "
        "select product_id, store_id, price, valid_from, lead(valid_from) over "
        "(partition by product_id, store_id order by valid_from) - 1 as valid_to, "
        "row_number() over (order by product_id, store_id, valid_from) as ord from starts",
    )


def replace_promotions(cur: psycopg.Cursor, report: FileReport) -> None:
    """The promotions of every product in promotions.csv become exactly the file's."""
    members = (
        "(select jsonb_agg(mp.id order by m.ord) from unnest(string_to_array("
        "s.bundle_member_skus, %s)) with ordinality m(sku, ord) "
        "join raw.product mp on mp.sku = m.sku)"
    )
    _replace_windows(
        cur,
        report,
        "promotion",
        _PROMOTION_COLUMNS,
        "select p.id as product_id, st.id as store_id, s.name, s.discount_pct, "
        "s.discount_amount, s.start_date, s.end_date, coalesce(s.kind, 'pct_off') as kind, "
        f"{members} as bundle_member_product_ids, s.line as ord from {PROMOTIONS.staging} s "
        "join raw.product p on p.sku = s.sku left join raw.store st on st.code = s.store_code",
        (MEMBER_SEPARATOR,),
    )


def _replace_windows(
    cur: psycopg.Cursor,
    report: FileReport,
    table: str,
    columns: tuple[str, ...],
    source_sql: str,
    params: tuple[str, ...] = (),
) -> None:
    """Replace the rows of raw.`table` of each product in `source_sql` by the source's rows
    (in `ord` order) — but only for products whose rows differ as a multiset, so an
    unchanged file deletes and inserts nothing."""
    new, changed = f"load_new_{table}", f"load_changed_{table}"
    cols = ", ".join(columns)
    cur.execute(f"create temp table {new} on commit drop as {source_sql}", params)
    current = f"select {cols} from raw.{table} where product_id in (select product_id from {new})"
    cur.execute(
        f"create temp table {changed} on commit drop as select distinct product_id from "
        f"((select {cols} from {new} except all {current}) "
        f"union all ({current} except all select {cols} from {new})) d"
    )
    cur.execute(f"delete from raw.{table} where product_id in (select product_id from {changed})")
    report.deleted += cur.rowcount
    cur.execute(
        f"insert into raw.{table} ({cols}) select {cols} from {new} "
        f"where product_id in (select product_id from {changed}) order by ord"
    )
    report.inserted += cur.rowcount
    if report.file == DERIVED:
        cur.execute(f"select count(*) from {new}")
        report.rows_read = cur.fetchone()[0]


def write_all(
    cur: psycopg.Cursor,
    staged: dict[str, tuple[FileReport, set[str]]],
    *,
    defer_keys_when_empty: bool = True,
) -> list[FileReport]:
    """Write every staged file in dependency order, plus the derived calendar days and
    (without prices.csv) price windows. `staged`: per file stem, its report (rows_read
    filled) and header columns. Returns the reports of the files and derived tables.

    A first load (both daily fact tables empty) builds their keys and indexes once after the
    rows (`defer_keys_when_empty`); the rows and counts are those of the upsert either way.
    """
    reports: list[FileReport] = []

    def entry(spec: FileSpec) -> tuple[FileReport, set[str]]:
        reports.append(staged[spec.name][0])
        return staged[spec.name]

    if STORES.name in staged:
        upsert_stores(cur, *entry(STORES))
    if PRODUCTS.name in staged:
        upsert_products(cur, *entry(PRODUCTS))
    if CALENDAR.name in staged:
        upsert_calendar(cur, *entry(CALENDAR))
    reports.append(FileReport(DERIVED, "raw.calendar"))
    fill_calendar(cur, reports[-1])
    facts = ["raw.sales_daily", "raw.inventory_snapshot_daily"]
    with keys_deferred_if_empty(cur, facts) if defer_keys_when_empty else nullcontext():
        upsert_sales(cur, entry(SALES)[0])
        if INVENTORY.name in staged:
            upsert_inventory(cur, entry(INVENTORY)[0])
    if PRICES.name in staged:
        replace_prices(cur, entry(PRICES)[0])
    else:
        reports.append(FileReport(DERIVED, "raw.price_history"))
        derive_prices(cur, reports[-1])
    if PROMOTIONS.name in staged:
        replace_promotions(cur, entry(PROMOTIONS)[0])
    return reports
