"""The model taxonomy of spec §6.1 (eleven model types) and the intermittent-demand models added
since: each type's family and inputs."""

from __future__ import annotations

import logging
from typing import Final, NamedTuple

logger = logging.getLogger(__name__)


class _Kind(NamedTuple):
    """What a model type is: its family, and whether it needs the feature frame."""

    family: str
    target_only: bool  # fits on the target series alone (no feature frame)


# Spec order, then the intermittent-demand models added after the spec; the family and the
# inputs are derived from the type, never stored.
_KINDS: Final[dict[str, _Kind]] = {
    "naive": _Kind("baseline", target_only=True),
    "seasonal_naive": _Kind("baseline", target_only=True),
    "moving_average": _Kind("baseline", target_only=True),
    "weighted_moving_average": _Kind("baseline", target_only=True),
    "seasonal_average": _Kind("baseline", target_only=True),
    "trend_regression_baseline": _Kind("additive", target_only=True),
    "regression": _Kind("tree", target_only=False),
    "prophet_like": _Kind("additive", target_only=False),
    "lightgbm": _Kind("tree", target_only=False),
    "xgboost": _Kind("tree", target_only=False),
    "random_forest": _Kind("tree", target_only=False),
    "croston": _Kind("baseline", target_only=True),
    "tsb": _Kind("baseline", target_only=True),
    "adida": _Kind("baseline", target_only=True),
    "imapa": _Kind("baseline", target_only=True),
}

KNOWN_MODEL_TYPES: Final[tuple[str, ...]] = tuple(_KINDS)
TARGET_ONLY_TYPES: Final[frozenset[str]] = frozenset(
    model_type for model_type, kind in _KINDS.items() if kind.target_only
)
FEATURE_AWARE_TYPES: Final[frozenset[str]] = frozenset(KNOWN_MODEL_TYPES) - TARGET_ONLY_TYPES


def model_family(model_type: str) -> str:
    """The family (baseline, additive or tree) of a model type; unknown types are baselines."""
    kind = _KINDS.get(model_type)
    if kind is None:
        logger.warning("unknown model_type %r classified as family 'baseline'", model_type)
        return "baseline"
    return kind.family
