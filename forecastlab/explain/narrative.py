"""Reason codes (spec §10.3), caveats (§10.4) and the agent summary of an explanation."""

from __future__ import annotations

from datetime import date
from typing import Final

from forecastlab.explain.explanation import Confidence, Driver, ReasonCode, leading_driver
from forecastlab.explain.history import SeriesFacts

# A product launched fewer days than this before the cutoff is early in its lifecycle.
LIFECYCLE_DAYS: Final = 30

DISCLAIMER: Final = (
    "Correlation, not causation: the drivers decompose the model's arithmetic; they do not say "
    "why demand moved."
)
STOCKOUT_CAVEAT: Final = (
    "Stockouts in the trailing 30 days censor the observed sales: the forecast may understate "
    "true demand."
)


def reason_codes(
    facts: SeriesFacts, forecast_date: date, comfortable_history: int, model_type: str
) -> tuple[ReasonCode, ...]:
    """The advisories that fire for this series, cutoff and forecast day, in spec order."""
    window = f"{facts.window_start}..{facts.as_of}"
    codes = []
    if facts.stockout_days:
        codes.append(
            ReasonCode(
                "stockout_constrained",
                "warn",
                f"{facts.stockout_days} stockout day(s) in the trailing window {window}",
            )
        )
    if facts.promotions:
        codes.append(
            ReasonCode(
                "promotion_overlap",
                "info",
                f"{facts.promotions} promotion(s) of the product overlap {window}; "
                f"{facts.active_promotions} still active on {facts.as_of}",
            )
        )
    if facts.launch_date is not None:
        age = (facts.as_of - facts.launch_date).days
        if 0 <= age < LIFECYCLE_DAYS:
            codes.append(
                ReasonCode(
                    "lifecycle_decay",
                    "info",
                    f"the product launched on {facts.launch_date}, {age} day(s) before "
                    f"{facts.as_of}: its demand level is still settling",
                )
            )
    if forecast_date in facts.holidays:
        name = facts.holidays[forecast_date] or "unnamed"
        codes.append(ReasonCode("holiday_effect", "info", f"{forecast_date} is a holiday ({name})"))
    if facts.observations < comfortable_history:
        codes.append(
            ReasonCode(
                "insufficient_history",
                "warn",
                f"{facts.observations} observation(s) up to {facts.as_of}; {model_type} is "
                f"comfortable with {comfortable_history} or more",
            )
        )
    return tuple(codes)


def caveats(
    model_caveat: str,
    codes: tuple[ReasonCode, ...],
    facts: SeriesFacts,
    comfortable_history: int,
    extra: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Spec §10.4's ordered caveats, then any of the method's own (`extra`)."""
    fired = {code.code for code in codes}
    notes = [DISCLAIMER, model_caveat]
    if "stockout_constrained" in fired:
        notes.append(STOCKOUT_CAVEAT)
    if "insufficient_history" in fired:
        notes.append(
            f"Only {facts.observations} observation(s) of history (comfortable: "
            f"{comfortable_history}): treat this forecast as unreliable."
        )
    return (*notes, *extra)


def agent_summary(
    *,
    store_id: int,
    product_id: int,
    model_type: str,
    forecast_value: float,
    forecast_date: date,
    drivers: tuple[Driver, ...],
    confidence: Confidence,
    codes: tuple[ReasonCode, ...],
) -> str:
    """One paragraph an agent can quote: forecast, leading driver, confidence, reason codes."""
    lead = leading_driver(drivers)
    value = "unknown" if lead.feature_value is None else f"{lead.feature_value:.1f}"
    advisories = (
        f"Reason codes: {', '.join(code.code for code in codes)}."
        if codes
        else "No reason codes fired."
    )
    return (
        f"Store {store_id}, product {product_id}: the {model_type} model forecasts "
        f"{forecast_value:.1f} units for {forecast_date}. The leading driver is {lead.name} "
        f"(value {value}, contribution {lead.contribution:+.1f}). Confidence is {confidence}. "
        f"{advisories}"
    )


def floor_caveat(raw: float) -> tuple[str, ...]:
    """The D-11 note for a raw model output below zero, which is served as 0."""
    if raw >= 0:
        return ()
    return (
        f"The model's raw output {raw:.3f} is below zero and is served as 0 (D-11): the drivers "
        "sum to the raw output, not to the served forecast.",
    )
