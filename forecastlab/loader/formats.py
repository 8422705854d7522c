"""The files of a retailer folder: names, columns, types, keys (docs/data-format.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# text: free text; date: ISO YYYY-MM-DD; int: whole units; money: a decimal with at most
# two decimals; fraction: a decimal with at most four decimals; bool: true/false.
Kind = Literal["text", "date", "int", "money", "fraction", "bool"]
Ref = Literal["store", "product"]

# PostgreSQL type of each kind in the staging tables.
SQL_TYPES: dict[Kind, str] = {
    "text": "text",
    "date": "date",
    "int": "integer",
    "money": "numeric",
    "fraction": "numeric",
    "bool": "boolean",
}
CHANNELS = ("in_store", "online", "click_collect", "wholesale")
PROMOTION_KINDS = ("pct_off", "bogo", "bundle", "markdown")
LIFECYCLE_STAGES = ("intro", "growth", "maturity", "decline", "discontinued")
# Separator of the SKUs in promotions.csv's bundle_member_skus.
MEMBER_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    """One column of a file and the rules its values must follow."""

    name: str
    kind: Kind = "text"
    required: bool = False
    max_length: int | None = None  # text: the raw.* VARCHAR width
    digits: int = 9  # int/money/fraction: at most this many digits before the point
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[str, ...] = ()
    ref: Ref | None = None  # the code must name a store/product of the folder or raw.*


@dataclass(frozen=True)
class FileSpec:
    """One file of the folder: its stem, raw table, columns and natural key."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = False

    @property
    def staging(self) -> str:
        """The TEMP staging table (a code constant, safe to interpolate)."""
        return f"load_{self.name}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _code(name: str, ref: Ref, *, required: bool = True) -> Column:
    return Column(name, required=required, max_length=20 if ref == "store" else 50, ref=ref)


def _money(name: str, *, required: bool = False, digits: int = 8) -> Column:
    # NUMERIC(10,2) leaves 8 digits before the point, NUMERIC(12,2) 10.
    return Column(name, "money", required=required, digits=digits, min_value=0)


def _qty(name: str, *, required: bool = False) -> Column:
    return Column(name, "int", required=required, min_value=0)


STORES = FileSpec(
    "stores",
    "store",
    (
        Column("store_code", required=True, max_length=20),
        Column("name", required=True, max_length=100),
        Column("region", max_length=50),
        Column("city", max_length=50),
        Column("store_type", max_length=30),
    ),
    key=("store_code",),
)
PRODUCTS = FileSpec(
    "products",
    "product",
    (
        Column("sku", required=True, max_length=50),
        Column("name", required=True, max_length=200),
        Column("category", max_length=100),
        Column("brand", max_length=100),
        _money("base_price"),
        _money("base_cost"),
        Column("lifecycle_stage", max_length=20, choices=LIFECYCLE_STAGES),
        Column("launch_date", "date"),
        Column("discontinue_date", "date"),
        Column("pack_size", "int", min_value=1),
        Column("subcategory", max_length=100),
    ),
    key=("sku",),
)
CALENDAR = FileSpec(
    "calendar",
    "calendar",
    (
        Column("date", "date", required=True),
        Column("is_holiday", "bool", required=True),
        Column("holiday_name", max_length=100),
    ),
    key=("date",),
)
SALES = FileSpec(
    "sales",
    "sales_daily",
    (
        Column("date", "date", required=True),
        _code("store_code", "store"),
        _code("sku", "product"),
        _qty("quantity", required=True),
        _money("unit_price", required=True),
        _money("total_amount", required=True, digits=10),
        Column("channel", max_length=20, choices=CHANNELS),
    ),
    key=("date", "store_code", "sku"),
    required=True,
)
INVENTORY = FileSpec(
    "inventory",
    "inventory_snapshot_daily",
    (
        Column("date", "date", required=True),
        _code("store_code", "store"),
        _code("sku", "product"),
        _qty("on_hand_qty", required=True),
        _qty("on_order_qty"),
        Column("is_stockout", "bool"),
    ),
    key=("date", "store_code", "sku"),
)
PRICES = FileSpec(
    "prices",
    "price_history",
    (
        _code("sku", "product"),
        _code("store_code", "store", required=False),
        _money("price", required=True),
        Column("valid_from", "date", required=True),
        Column("valid_to", "date"),
    ),
    key=("sku", "store_code", "valid_from"),
)
PROMOTIONS = FileSpec(
    "promotions",
    "promotion",
    (
        _code("sku", "product"),
        _code("store_code", "store", required=False),
        Column("name", required=True, max_length=200),
        Column("discount_pct", "fraction", digits=1, min_value=0, max_value=1),
        _money("discount_amount"),
        Column("start_date", "date", required=True),
        Column("end_date", "date", required=True),
        Column("kind", max_length=20, choices=PROMOTION_KINDS),
        Column("bundle_member_skus"),
    ),
    key=("sku", "store_code", "name", "start_date"),
)

# Dependency order: dimensions before the facts that reference them.
SPECS: tuple[FileSpec, ...] = (STORES, PRODUCTS, CALENDAR, SALES, INVENTORY, PRICES, PROMOTIONS)
EXTENSIONS: tuple[str, ...] = (".csv", ".parquet")
