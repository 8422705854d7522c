"""The ForecastExplanation of spec §10.5: one forecast day, its drivers and its advisories."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Method = Literal["rule_based", "shap", "tree_path"]
Confidence = Literal["high", "medium", "low"]
Direction = Literal["positive", "negative", "neutral"]
Severity = Literal["info", "warn"]

# The constant part of an additive explanation (a tree ensemble's expected value, a
# regression's intercept): never the "leading" driver of a summary.
BIAS_DRIVER = "bias"


def direction_of(value: float) -> Direction:
    """positive / negative by the sign of `value`, neutral for zero."""
    if value > 0:
        return "positive"
    if value < 0:
        return "negative"
    return "neutral"


def finite_or_none(value: float | None) -> float | None:
    """`value` as a float, None when missing or not finite (JSON and JSONB hold no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class Driver:
    """One term of the forecast (`contribution`) or a context value that explains none of it."""

    name: str
    feature_value: float | None
    contribution: float
    direction: Direction
    description: str

    @classmethod
    def term(
        cls, name: str, feature_value: float | None, contribution: float, description: str
    ) -> Driver:
        """A driver that contributes to the forecast; its direction is the contribution's sign."""
        value = finite_or_none(feature_value)
        return cls(name, value, float(contribution), direction_of(contribution), description)

    @classmethod
    def context(
        cls, name: str, feature_value: float, description: str, direction: Direction = "neutral"
    ) -> Driver:
        """A context driver: shown for reading the forecast, contributing 0 to it."""
        return cls(name, finite_or_none(feature_value), 0.0, direction, description)


@dataclass(frozen=True)
class ReasonCode:
    """An advisory about the series (correlation, never causation), spec §10.3."""

    code: str
    severity: Severity
    detail: str


@dataclass(frozen=True)
class Breakdown:
    """One forecast day taken apart by a model-specific explainer, before the narrative."""

    forecast: float  # the value the model serves
    drivers: tuple[Driver, ...]
    confidence: Confidence
    comfortable_history: int  # fewer observations fire insufficient_history
    caveat: str  # what this model or method cannot see (spec §10.4 (2))
    extra_caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """One explained forecast day (spec §10.5, plus its id, forecast date and provenance)."""

    explanation_id: str
    store_id: int
    product_id: int
    model_type: str
    method: Method
    forecast_value: float
    drivers: tuple[Driver, ...]
    reason_codes: tuple[ReasonCode, ...]
    confidence: Confidence
    caveats: tuple[str, ...]
    agent_summary: str
    as_of_date: date
    forecast_date: date
    generated_at: datetime
    run_id: str | None = None
    job_id: str | None = None


def leading_driver(drivers: tuple[Driver, ...]) -> Driver:
    """The driver with the largest absolute contribution, the bias term aside (first on ties)."""
    candidates = [d for d in drivers if d.name != BIAS_DRIVER] or list(drivers)
    return max(candidates, key=lambda d: abs(d.contribution))
