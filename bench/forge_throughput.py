"""The Forge's throughput: generation alone, generation + COPY, and COPY vs executemany.

Seeds `--stores x --products x --days` (default 50 x 200 x 730 = 7.3M sales cells) of the
retail_standard preset into a fresh embedded PostgreSQL (or throwaway databases on
DATABASE_URL's server) and prints a Markdown table for bench/README.md.

    .venv/bin/python bench/forge_throughput.py [--stores 50 --products 200 --days 730]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecastlab.db.engine import engine_for
from forecastlab.seeder import build_config, generate
from forecastlab.seeder.config import SeederConfig
from forecastlab.seeder.dimensions import build_catalogue
from forecastlab.seeder.facts import store_facts
from forecastlab.seeder.schedule import build_plan
from forecastlab.seeder.writer import copy_binary
from tests.support.pg import test_server

END = date(2025, 6, 30)


def _generation_only(config: SeederConfig) -> tuple[int, float]:
    """Rows (sales + inventory) and seconds to compute every store's facts, no database."""
    started = time.perf_counter()
    plan = build_plan(config, build_catalogue(config))
    rows = 0
    for store in range(config.dimensions.stores):
        facts = store_facts(plan, store)
        snapshots = facts.inventory.on_hand.size if facts.inventory is not None else 0
        rows += len(facts.sales.day) + snapshots
    return rows, time.perf_counter() - started


def _copy_vs_executemany(engine: Engine, config: SeederConfig, sample: int) -> tuple[float, float]:
    """Seconds to load the same `sample` sales rows by binary COPY and by executemany."""
    plan = build_plan(config, build_catalogue(config))
    sales = store_facts(plan, 0).sales
    n = min(sample, len(sales.day))
    first = config.start_date.toordinal()
    dates = first + sales.day[:n]
    products = plan.catalogue.product_ids[sales.product[:n]]
    qty, unit = sales.quantity[:n], sales.unit_cents[:n]
    rows = [
        (date.fromordinal(int(d)), 1, int(p), int(q), int(u) / 100, int(u) * int(q) / 100)
        for d, p, q, u in zip(dates, products, qty, unit, strict=True)
    ]
    raw = engine.raw_connection()
    conn = raw.driver_connection
    timings = []
    try:
        for method in ("copy", "executemany"):
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("drop table if exists public.bench_sales")
                cur.execute("create table public.bench_sales (like raw.sales_daily including all)")
            started = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur:
                if method == "copy":
                    copy_binary(
                        cur,
                        "public.bench_sales",
                        [
                            ("date", "date", dates),
                            ("store_id", "int4", np.ones(n, dtype=np.int64)),
                            ("product_id", "int4", products),
                            ("quantity", "int4", qty),
                            ("unit_price", "money", unit),
                            ("total_amount", "money", unit * qty),
                        ],
                    )
                else:
                    cur.executemany(
                        "insert into public.bench_sales (date, store_id, product_id, quantity, "
                        "unit_price, total_amount) values (%s, %s, %s, %s, %s, %s)",
                        rows,
                    )
            timings.append(time.perf_counter() - started)
    finally:
        raw.close()
    return timings[0], timings[1]


def main() -> None:
    """Run the benchmark and print the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--sample", type=int, default=50_000, help="rows for COPY vs INSERT")
    args = parser.parse_args()
    config = build_config(
        "retail_standard",
        stores=args.stores,
        products=args.products,
        start_date=END - timedelta(days=args.days - 1),
        end_date=END,
        today=END,
    )
    gen_rows, gen_seconds = _generation_only(config)
    with test_server() as server:
        engine = engine_for(server.new_endpoints("bench").app_sqlalchemy)
        started = time.perf_counter()
        result = generate(engine, config)
        total_seconds = time.perf_counter() - started
        copy_s, insert_s = _copy_vs_executemany(engine, config, args.sample)
    loaded = result.records_created["sales"] + result.records_created["inventory"]
    sample = min(args.sample, result.records_created["sales"])
    print(f"| size | {args.stores} stores x {args.products} products x {args.days} days |")
    print("|---|---|")
    print(f"| sales rows / inventory rows | {result.records_created['sales']:,} / "
          f"{result.records_created['inventory']:,} |")  # fmt: skip
    print(f"| generation only | {gen_rows:,} rows in {gen_seconds:.1f} s = "
          f"{gen_rows / gen_seconds:,.0f} rows/s |")  # fmt: skip
    print(f"| generation + COPY (one transaction, keys rebuilt) | {loaded:,} rows in "
          f"{total_seconds:.1f} s = {loaded / total_seconds:,.0f} rows/s |")  # fmt: skip
    print(
        f"| COPY BINARY, {sample:,} sales rows | {copy_s:.2f} s = {sample / copy_s:,.0f} rows/s |"
    )
    print(f"| executemany INSERT, same rows | {insert_s:.2f} s = {sample / insert_s:,.0f} rows/s |")
    print(f"| COPY speed-up over executemany | {insert_s / copy_s:.1f}x |")


if __name__ == "__main__":
    main()
