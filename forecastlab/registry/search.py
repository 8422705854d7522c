"""Find runs of the `forecastlab` experiment by exact tag values, paging through MLflow."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mlflow.entities import Run, ViewType

from forecastlab.registry.client import connect

# MLflow's default page size; its search refuses pages above 50,000.
_PAGE_SIZE = 1000
# MLflow filter strings take no bind parameters and have no reliable quote escaping: only
# values made of these characters are pushed into the filter, the rest is matched here.
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_.:\-]*$")


def search_runs(equals: Mapping[str, str | None]) -> list[Run]:
    """Every active run whose tag `key` equals `value` for each item (None = tag absent)."""
    conn = connect()
    clauses = [
        f"tags.`{key}` = '{value}'"
        for key, value in equals.items()
        if value is not None and _PLAIN_VALUE.match(value)
    ]
    found: list[Run] = []
    token: str | None = None
    while True:
        page = conn.client.search_runs(
            [conn.experiment_id],
            filter_string=" and ".join(clauses),
            run_view_type=ViewType.ACTIVE_ONLY,
            max_results=_PAGE_SIZE,
            page_token=token,
        )
        found.extend(
            run
            for run in page
            if all(run.data.tags.get(key) == value for key, value in equals.items())
        )
        token = page.token
        if not token:
            return found
