"""The Forge preset window a benchmark seeds: its command-line arguments and its config.

Every accuracy and load benchmark generates `--stores x --products x --days` ending on the
same fixed day with `--seed`, so their numbers describe the same kind of history.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from forecastlab.seeder import SeederConfig, build_config

END = date(2025, 6, 30)


def add_window_arguments(
    parser: argparse.ArgumentParser, *, stores: int, products: int, days: int = 730
) -> None:
    """--stores, --products, --days (defaults given), --seed (42), --write-readme."""
    parser.add_argument("--stores", type=int, default=stores)
    parser.add_argument("--products", type=int, default=products)
    parser.add_argument("--days", type=int, default=days)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write-readme", action="store_true")


def window_config(preset: str, args: argparse.Namespace) -> SeederConfig:
    """The preset over `args.days` days ending on END, at the arguments' size and seed."""
    return build_config(
        preset,
        seed=args.seed,
        stores=args.stores,
        products=args.products,
        start_date=END - timedelta(days=args.days - 1),
        end_date=END,
        today=END,
    )
