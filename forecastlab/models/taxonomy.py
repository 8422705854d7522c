"""The model taxonomy of spec §6.1: the eleven model types, their families and their inputs."""

from __future__ import annotations

import logging
from typing import Final

logger = logging.getLogger(__name__)

# Spec order; the family is derived from the type, never stored.
_FAMILIES: Final[dict[str, str]] = {
    "naive": "baseline",
    "seasonal_naive": "baseline",
    "moving_average": "baseline",
    "weighted_moving_average": "baseline",
    "seasonal_average": "baseline",
    "trend_regression_baseline": "additive",
    "regression": "tree",
    "prophet_like": "additive",
    "lightgbm": "tree",
    "xgboost": "tree",
    "random_forest": "tree",
}

KNOWN_MODEL_TYPES: Final[tuple[str, ...]] = tuple(_FAMILIES)
TARGET_ONLY_TYPES: Final[frozenset[str]] = frozenset(KNOWN_MODEL_TYPES[:6])
FEATURE_AWARE_TYPES: Final[frozenset[str]] = frozenset(KNOWN_MODEL_TYPES[6:])


def model_family(model_type: str) -> str:
    """The family (baseline, additive or tree) of a model type; unknown types are baselines."""
    family = _FAMILIES.get(model_type)
    if family is None:
        logger.warning("unknown model_type %r classified as family 'baseline'", model_type)
        return "baseline"
    return family
