"""The demand statistics of Forge presets, measured on the rows they generate.

Generates each preset's sales rows in memory (`seeder.sales_frame`, the rows `generate` would
write; no database) at `--stores x --products x --days` and prints the "## Preset statistics"
section of bench/README.md: one table row per preset with the share of zero days, the share of
series with at least half zero days, quantiles (and the maximum) of the per-series mean daily
demand, and the mean variance/mean ratio within series.

    .venv/bin/python bench/preset_statistics.py [--preset grocery_intermittent retail_standard]
        [--stores 50 --products 100 --days 730 --seed 42] [--write-readme]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.readme import write_section
from bench.window import END, add_window_arguments, window_config
from forecastlab.seeder import sales_frame

SECTION = "## Preset statistics"
HEADER = (
    "| preset | series | sales rows | zero days | series with >=50% zeros "
    "| mean/day p10 / p50 / p90 / p99 / max | mean var/mean | generated in memory |"
)


def statistics(sales: pd.DataFrame) -> dict[str, float]:
    """Zero shares, per-series mean quantiles and the mean within-series variance/mean ratio.

    A series is a (store, product) pair with rows, measured over its rows only: from its
    launch to its discontinuation, the days it was on sale.
    """
    by_series = sales.groupby(["store_id", "product_id"])["quantity"]
    means, variances = by_series.mean(), by_series.var()
    zero_share = (sales["quantity"] == 0).groupby([sales["store_id"], sales["product_id"]]).mean()
    selling = means > 0  # var/mean is undefined for a series that never sells
    quantiles = means.quantile([0.10, 0.50, 0.90, 0.99])
    return {
        "series": len(means),
        "rows": len(sales),
        "zero_days": float((sales["quantity"] == 0).mean()),
        "zero_heavy_series": float((zero_share >= 0.5).mean()),
        **{f"p{round(q * 100)}": float(v) for q, v in quantiles.items()},
        "max": float(means.max()),
        "var_to_mean": float((variances[selling] / means[selling]).mean()),
    }


def render(args: argparse.Namespace, rows: list[str]) -> str:
    """The README section for one run."""
    return f"""{SECTION}

`bench/preset_statistics.py` — {args.stores} stores x {args.products} products x {args.days} days
ending {END}, seed {args.seed}. Each preset's sales rows are generated in memory
(`forecastlab.seeder.sales_frame`: the rows `generate` writes, without a database) and measured
per series (store x product) over the days the series has rows: zero days = share of rows with
quantity 0; mean/day = quantiles of the per-series mean quantity; var/mean = the within-series
variance / mean ratio, averaged over the series that sell. Same arguments, same numbers (the
generation time aside). Run: `.venv/bin/python bench/preset_statistics.py --preset
grocery_intermittent retail_standard --write-readme`.

{HEADER}
|---|---:|---:|---:|---:|---|---:|---:|
{chr(10).join(rows)}

A Poisson series has var/mean 1, and any multiplicative variation raises the ratio with the
volume: retail_standard's comes from gaussian noise, the weekly profile and promotions at about
125 units a day, grocery_intermittent's mostly from the negative binomial's `1 + sigma²·mean`
(sigma 0.7) at a median under one unit a day.
"""


def main() -> None:
    """Measure every requested preset and print (or write) the README section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", nargs="+", default=["grocery_intermittent"])
    add_window_arguments(parser, stores=50, products=100)
    args = parser.parse_args()
    rows = []
    for preset in args.preset:
        config = window_config(preset, args)
        started = time.perf_counter()
        sales = sales_frame(config)
        seconds = time.perf_counter() - started
        s = statistics(sales)
        rows.append(
            f"| {preset} | {s['series']:,} | {s['rows']:,} | {s['zero_days']:.1%} "
            f"| {s['zero_heavy_series']:.1%} "
            f"| {s['p10']:.2f} / {s['p50']:.2f} / {s['p90']:.2f} / {s['p99']:.1f} / {s['max']:.1f} "
            f"| {s['var_to_mean']:.2f} | {seconds:.1f} s |"
        )
    section = render(args, rows)
    print(section)
    if args.write_readme:
        write_section(section)


if __name__ == "__main__":
    main()
