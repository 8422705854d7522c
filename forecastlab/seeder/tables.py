"""What goes into which raw table: generated arrays → COPY column lists."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import numpy as np
import psycopg

from forecastlab.seeder.calendar import OPEN, Calendar
from forecastlab.seeder.dimensions import Catalogue, PriceRows, ordinal_to_date
from forecastlab.seeder.facts import StoreFacts
from forecastlab.seeder.phase1 import RETURN_REASONS, event_flags, macro_index
from forecastlab.seeder.promotions import Promotion
from forecastlab.seeder.schedule import RunPlan
from forecastlab.seeder.writer import Column, copy_binary, copy_rows

# Daily fact tables: everything regenerate_days replaces for a date range.
DAILY_FACT_TABLES: tuple[str, ...] = (
    "sales_returns",
    "replenishment_event",
    "exogenous_signal",
    "sales_daily",
    "inventory_snapshot_daily",
)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def write_catalogue(cur: psycopg.Cursor, catalogue: Catalogue) -> Counter[str]:
    """store, product and price_history rows of a generate run."""
    stores, products = catalogue.stores, catalogue.products
    counts: Counter[str] = Counter()
    counts["stores"] = copy_rows(
        cur,
        "raw.store",
        ("code", "name", "region", "city", "store_type"),
        zip(
            stores.codes,
            stores.names,
            stores.regions,
            stores.cities,
            stores.store_types,
            strict=True,
        ),
    )
    counts["products"] = copy_rows(
        cur,
        "raw.product",
        ("sku", "name", "category", "brand", "base_price", "base_cost", "lifecycle_stage",
         "launch_date", "discontinue_date"),
        (
            (sku, name, cat, brand, _money(int(base)), _money(int(cost)), stage,
             ordinal_to_date(int(launch)), ordinal_to_date(int(disc)))
            for sku, name, cat, brand, base, cost, stage, launch, disc in zip(
                products.skus, products.names, products.categories, products.brands,
                products.base_cents, products.cost_cents, products.lifecycle_stage,
                products.launch, products.discontinue, strict=True,
            )
        ),
    )  # fmt: skip
    counts["price_history"] = write_prices(cur, catalogue, catalogue.prices)
    return counts


def write_prices(cur: psycopg.Cursor, catalogue: Catalogue, rows: PriceRows) -> int:
    """price_history rows (store -1 → NULL, valid_to OPEN → NULL)."""
    return copy_rows(
        cur,
        "raw.price_history",
        ("product_id", "store_id", "price", "valid_from", "valid_to"),
        (
            (
                int(catalogue.product_ids[p]),
                None if s == -1 else int(catalogue.store_ids[s]),
                _money(int(cents)),
                date.fromordinal(int(lo)),
                None if hi == OPEN else date.fromordinal(int(hi)),
            )
            for p, s, cents, lo, hi in zip(
                rows.product, rows.store, rows.cents, rows.valid_from, rows.valid_to, strict=True
            )
        ),
    )


def write_promotions(cur: psycopg.Cursor, catalogue: Catalogue, promotions: list[Promotion]) -> int:
    """promotion rows; bundle members as a JSON list of product ids."""
    ids = catalogue.product_ids
    return copy_rows(
        cur,
        "raw.promotion",
        ("product_id", "store_id", "name", "discount_pct", "discount_amount", "start_date",
         "end_date", "kind", "bundle_member_product_ids"),
        (
            (
                int(ids[p.product]),
                None if p.store == -1 else int(catalogue.store_ids[p.store]),
                p.name,
                None if p.discount_pct is None else f"{p.discount_pct:.4f}",
                None if p.discount_cents is None else _money(p.discount_cents),
                date.fromordinal(p.start),
                date.fromordinal(p.end),
                p.kind,
                None if p.members is None else json.dumps([int(ids[m]) for m in p.members]),
            )
            for p in promotions
        ),
    )  # fmt: skip


def upsert_calendar(cur: psycopg.Cursor, calendar: Calendar, first: date, last: date) -> int:
    """Calendar rows of [first, last] ∩ the calendar's window, inserted or refreshed."""
    lo, hi = max(calendar.index(first), 0), min(calendar.index(last), len(calendar) - 1)
    rows = [
        (
            day,
            int(calendar.weekday[i]),
            int(calendar.month[i]),
            (int(calendar.month[i]) - 1) // 3 + 1,
            int(calendar.year[i]),
            day in calendar.holidays,
            calendar.holidays.get(day),
        )
        for i in range(lo, hi + 1)
        for day in [calendar.dates[i].astype(date)]
    ]
    cur.executemany(
        "insert into raw.calendar (date, day_of_week, month, quarter, year, is_holiday, "
        "holiday_name) values (%s, %s, %s, %s, %s, %s, %s) on conflict (date) do update set "
        "day_of_week = excluded.day_of_week, month = excluded.month, quarter = excluded.quarter, "
        "year = excluded.year, is_holiday = excluded.is_holiday, "
        "holiday_name = excluded.holiday_name, updated_at = now()",
        rows,
    )
    return len(rows)


def write_store_facts(
    cur: psycopg.Cursor, plan: RunPlan, facts: StoreFacts, lo: int, hi: int
) -> Counter[str]:
    """One store's daily fact rows whose date position lies in [lo, hi]."""
    first = plan.config.start_date.toordinal()
    store_id = int(plan.catalogue.store_ids[facts.store])
    product_ids = plan.catalogue.product_ids
    counts: Counter[str] = Counter()

    def keys(day_pos: np.ndarray, product: np.ndarray) -> list[Column]:
        return [
            ("date", "date", first + day_pos),
            ("store_id", "int4", np.full(len(day_pos), store_id)),
            ("product_id", "int4", product_ids[product]),
        ]

    inv = facts.inventory
    if inv is not None:
        n_products = inv.on_hand.shape[0]
        product, day = np.divmod(np.arange(n_products * (hi - lo + 1)), hi - lo + 1)
        window = (slice(None), slice(lo, hi + 1))
        counts["inventory"] = copy_binary(
            cur,
            "raw.inventory_snapshot_daily",
            [
                *keys(day + lo, product),
                ("on_hand_qty", "int4", inv.on_hand[window].ravel()),
                ("on_order_qty", "int4", inv.on_order[window].ravel()),
                ("is_stockout", "bool", inv.stockout[window].ravel()),
            ],
        )

    sales = facts.sales
    in_window = (sales.day >= lo) & (sales.day <= hi)
    groups = [(None, in_window)] if sales.channel is None else [
        (name, in_window & (sales.channel == i)) for i, name in enumerate(facts.channel_names)
    ]  # fmt: skip
    for channel, mask in groups:
        unit = sales.unit_cents[mask]
        columns = [
            *keys(sales.day[mask], sales.product[mask]),
            ("quantity", "int4", sales.quantity[mask]),
            ("unit_price", "money", unit),
            ("total_amount", "money", unit * sales.quantity[mask]),
        ]
        if channel is not None:
            columns.append(("channel", "text", channel))
        counts["sales"] += copy_binary(cur, "raw.sales_daily", columns)

    if facts.weather is not None:
        days = np.arange(lo, hi + 1)
        counts["exogenous_signals"] += copy_binary(
            cur,
            "raw.exogenous_signal",
            [
                ("date", "date", first + days),
                ("store_id", "int4", np.full(len(days), store_id)),
                ("signal_name", "text", "weather_temp_c"),
                ("is_global", "bool", np.zeros(len(days), dtype=bool)),
                ("value", "float8", facts.weather[lo : hi + 1]),
            ],
        )
    if facts.returns is not None:
        ret = facts.returns
        for i, reason in enumerate(RETURN_REASONS):
            mask = (ret.day >= lo) & (ret.day <= hi) & (ret.reason == i)
            counts["sales_returns"] += copy_binary(
                cur,
                "raw.sales_returns",
                [
                    *keys(ret.day[mask], ret.product[mask]),
                    ("return_quantity", "int4", ret.quantity[mask]),
                    ("return_reason", "text", reason),
                ],
            )
    if facts.replenishments is not None:
        rep = facts.replenishments
        mask = (rep.day >= first + lo) & (rep.day <= first + hi)
        counts["replenishment_events"] = copy_binary(
            cur,
            "raw.replenishment_event",
            [
                *keys(rep.day[mask] - first, rep.product[mask]),
                ("lead_time_days", "int4", rep.lead_time[mask]),
                ("ordered_qty", "int4", rep.ordered[mask]),
                ("received_qty", "int4", rep.received[mask]),
            ],
        )
    return counts


def write_global_signals(cur: psycopg.Cursor, plan: RunPlan, lo: int, hi: int) -> int:
    """Global exogenous rows with date position in [lo, hi]: macro_index when exogenous
    signals are enabled, event_flag on the configured event dates."""
    first = plan.config.start_date.toordinal()
    signals: list[tuple[str, np.ndarray, np.ndarray]] = []
    if plan.config.phase1.enable_exogenous:
        macro = macro_index(plan.config.seed, plan.calendar)
        signals.append(("macro_index", np.arange(lo, hi + 1), macro[lo : hi + 1]))
    events = event_flags(plan.config.phase1, plan.calendar)
    events = events[(events >= lo) & (events <= hi)]
    signals.append(("event_flag", events, np.ones(len(events))))
    count = 0
    for name, positions, values in signals:
        count += copy_binary(
            cur,
            "raw.exogenous_signal",
            [
                ("date", "date", first + positions),
                ("signal_name", "text", name),
                ("is_global", "bool", np.ones(len(positions), dtype=bool)),
                ("value", "float8", values),
            ],
        )
    return count
