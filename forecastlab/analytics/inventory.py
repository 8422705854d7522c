"""`GET /analytics/inventory-status` (spec §4.9, D-06): the latest snapshot per store and
product."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, func, select

from forecastlab.analytics.tables import inventory_snapshot_daily as snapshot
from forecastlab.analytics.tables import product, store


@dataclass(frozen=True)
class InventoryStatus:
    """Up to the row cap of latest snapshots, and how many (store, product) pairs have one."""

    items: Sequence[Row[Any]]
    total: int


def inventory_status(
    engine: Engine,
    *,
    store_id: int | None = None,
    product_id: int | None = None,
    max_rows: int,
) -> InventoryStatus:
    """For every (store, product) with snapshots (optionally one store / product), the row of
    its latest date, ordered by store_id then product_id, at most `max_rows` of them."""
    conditions = []
    if store_id is not None:
        conditions.append(snapshot.c.store_id == store_id)
    if product_id is not None:
        conditions.append(snapshot.c.product_id == product_id)
    latest = (
        select(
            snapshot.c.store_id,
            snapshot.c.product_id,
            snapshot.c.date,
            snapshot.c.on_hand_qty,
            snapshot.c.on_order_qty,
            snapshot.c.is_stockout,
            store.c.code.label("store_code"),
            product.c.sku,
        )
        .join_from(snapshot, store, store.c.id == snapshot.c.store_id)
        .join(product, product.c.id == snapshot.c.product_id)
        .where(*conditions)
        .distinct(snapshot.c.store_id, snapshot.c.product_id)
        .order_by(snapshot.c.store_id, snapshot.c.product_id, snapshot.c.date.desc())
        .subquery()
    )
    query = (
        select(latest, func.count().over().label("pairs"))
        .order_by(latest.c.store_id, latest.c.product_id)
        .limit(max_rows)
    )
    with engine.connect() as conn:
        found = conn.execute(query).all()
    return InventoryStatus(found, found[0].pairs if found else 0)
