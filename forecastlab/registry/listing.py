"""GET /registry/runs (spec §8.4): filter, sort and page the runs of the experiment.

MLflow's search has no count and sorts tags as text, so the equality filters run in MLflow
and the whole filtered result is counted, sorted (ids numerically) and sliced here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forecastlab.registry import tags
from forecastlab.registry.runs import RunRecord, Status, record_from
from forecastlab.registry.search import search_runs
from forecastlab.sorting import SortOrder, resolve_sort

DEFAULT_SORT = "created_at"
SORT_FIELDS: dict[str, Callable[[RunRecord], Any]] = {
    "created_at": lambda run: run.created_at,
    "model_type": lambda run: run.model_type,
    "status": lambda run: run.status,
    "store_id": lambda run: run.store_id,
    "product_id": lambda run: run.product_id,
}


@dataclass(frozen=True)
class RunPage:
    """One page of runs and the size of the whole filtered result."""

    runs: list[RunRecord]
    total: int
    page: int
    page_size: int


def list_runs(
    *,
    model_type: str | None = None,
    status: Status | None = None,
    store_id: int | None = None,
    product_id: int | None = None,
    sort_by: str | None = None,
    sort_order: SortOrder = "desc",
    page: int = 1,
    page_size: int = 20,
) -> RunPage:
    """Runs matching every given filter, ordered by `sort_by` (unknown: created_at desc), then
    run id.

    Runs without a grain (global models, portfolios) sort after every id ascending, before
    them descending, as NULLs do in PostgreSQL.
    """
    filters = {
        tags.MODEL_TYPE: model_type,
        tags.STATUS: status,
        tags.STORE_ID: None if store_id is None else str(store_id),
        tags.PRODUCT_ID: None if product_id is None else str(product_id),
    }
    runs = [
        record_from(run)
        for run in search_runs({key: value for key, value in filters.items() if value is not None})
    ]
    name, order = resolve_sort(sort_by, sort_order, SORT_FIELDS, (DEFAULT_SORT, "desc"))
    field = SORT_FIELDS[name]

    def key(run: RunRecord) -> tuple[tuple[Any, ...], str]:
        value = field(run)
        return ((1,) if value is None else (0, value)), run.run_id

    runs.sort(key=key, reverse=order == "desc")
    start = (page - 1) * page_size
    return RunPage(runs[start : start + page_size], len(runs), page, page_size)
