"""The scenario tools agents use (spec §11.7): propose (read-only) and save (approval-gated).

`propose_scenario` drafts assumptions for a series and persists nothing. `save_scenario` runs
only after the human-in-the-loop gate released it (`save_scenario` is in
`agent_require_approval`), so the plan it keeps carries the approval.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Engine, text

from forecastlab.errors import BadRequestError
from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.scenarios.assumptions import (
    PriceAssumption,
    PromotionAssumption,
    ScenarioAssumptions,
)
from forecastlab.scenarios.plans import Provenance, ScenarioPlan, create_plan
from forecastlab.scenarios.requests import PlanRequest
from forecastlab.scenarios.simulate import latest_unit_price
from forecastlab.settings import Settings

# An objective that mentions one of these gets a promotion rather than a price cut.
PROMOTION_KEYWORDS: Final = ("promo", "promotion", "discount", "sale", "markdown")
PROPOSED_PRICE_CHANGE: Final = -0.15
# The API has no users: whoever released the approval gate is the local operator.
AGENT_APPROVER: Final = "operator"

_EXISTS_SQL = text(
    "select exists(select 1 from raw.store where id = :store_id) as store, "
    "exists(select 1 from raw.product where id = :product_id) as product"
)


def propose_scenario(
    engine: Engine,
    store_id: int,
    product_id: int,
    horizon: int,
    objective: str,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """Draft a what-if for a series from `today + 1` (UTC today by default) for `horizon` days.

    A promotion objective gets a pct_off promotion, anything else a 15% price cut. A store or
    product that does not exist gets `{valid: false, persistable: false, missing, error}`.
    """
    if not 1 <= horizon <= MAX_HORIZON:
        raise BadRequestError(f"horizon must be between 1 and {MAX_HORIZON}, got {horizon}")
    with engine.connect() as conn:
        exists = conn.execute(_EXISTS_SQL, {"store_id": store_id, "product_id": product_id}).one()
    missing = [
        f"{name}={value}"
        for name, value, found in (
            ("store_id", store_id, exists.store),
            ("product_id", product_id, exists.product),
        )
        if not found
    ]
    if missing:
        return {
            "valid": False,
            "persistable": False,
            "store_id": store_id,
            "product_id": product_id,
            "missing": missing,
            "error": f"cannot propose a scenario: {' and '.join(missing)} do not exist; use a "
            "real store and product, do not invent identifiers",
        }
    today = today or datetime.now(UTC).date()
    start, end = today + timedelta(days=1), today + timedelta(days=horizon)
    price = latest_unit_price(engine, store_id, product_id, today)
    price_note = "it has no sales yet" if price is None else f"the latest unit price is {price}"
    if any(keyword in objective.lower() for keyword in PROMOTION_KEYWORDS):
        assumptions = ScenarioAssumptions(
            promotion=PromotionAssumption(kind="pct_off", start_date=start, end_date=end)
        )
        action = f"Run a pct_off promotion from {start} to {end}"
    else:
        assumptions = ScenarioAssumptions(
            price=PriceAssumption(change_pct=PROPOSED_PRICE_CHANGE, start_date=start, end_date=end)
        )
        action = f"Cut the price by {-PROPOSED_PRICE_CHANGE:.0%} from {start} to {end}"
    return {
        "valid": True,
        "persistable": True,
        "store_id": store_id,
        "product_id": product_id,
        "horizon": horizon,
        "objective": objective,
        "assumptions": assumptions.model_dump(mode="json", exclude_none=True),
        "recommendation": (
            f"Toward '{objective}' for store {store_id} / product {product_id}: {action} "
            f"({horizon} days); {price_note}. Simulate it, then save it to keep it as a plan."
        ),
    }


def save_scenario(
    engine: Engine,
    request: PlanRequest,
    *,
    agent_session_id: str | None,
    settings: Settings | None = None,
) -> ScenarioPlan:
    """Keep an approved agent proposal as a plan (source `agent`, no tags)."""
    provenance = Provenance(
        source="agent",
        agent_session_id=agent_session_id,
        approved_by=AGENT_APPROVER,
        approved_at=datetime.now(UTC),
        approval_decision="approved",
    )
    untagged = request.model_copy(update={"tags": []})
    return create_plan(engine, untagged, settings, provenance)
