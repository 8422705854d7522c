"""`app.forecast_explanation` (spec §1.8): every explanation produced, as it was answered."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Final

from sqlalchemy import Engine, text

from forecastlab.explain.explanation import Explanation

MAX_SUMMARY: Final = 2000

_INSERT = text(
    "insert into app.forecast_explanation "
    "(explanation_id, run_id, job_id, store_id, product_id, model_type, method, as_of_date, "
    "forecast_date, forecast_value, confidence, drivers, reason_codes, caveats, agent_summary, "
    "created_at, updated_at) "
    "values (:explanation_id, :run_id, :job_id, :store_id, :product_id, :model_type, :method, "
    ":as_of_date, :forecast_date, :forecast_value, :confidence, cast(:drivers as jsonb), "
    "cast(:reason_codes as jsonb), cast(:caveats as jsonb), :agent_summary, :generated_at, "
    ":generated_at)"
)


def save_explanations(engine: Engine, explanations: Sequence[Explanation]) -> None:
    """Insert the explanations in one transaction."""
    with engine.begin() as conn:
        conn.execute(_INSERT, [_row(explanation) for explanation in explanations])


def _row(explanation: Explanation) -> dict[str, Any]:
    row = asdict(explanation)
    for column in ("drivers", "reason_codes", "caveats"):
        # allow_nan=False: JSONB refuses NaN, and drivers hold finite numbers or null only.
        row[column] = json.dumps(row[column], allow_nan=False)
    row["agent_summary"] = explanation.agent_summary[:MAX_SUMMARY]
    return row
