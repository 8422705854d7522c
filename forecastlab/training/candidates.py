"""The candidates of a training round by name: one name, one model configuration.

A model type can compete with several configurations (moving averages over 7, 14, 28 and 56
days are four candidates); the name is what leaderboards, ml.backtest_fold_metrics and
ml.champion carry. Feature-aware models compete under their model type.
"""

from __future__ import annotations

from typing import Any, Final

from forecastlab.models import parse_model_config
from forecastlab.models.configs import ModelConfigBase

SEASONAL_NAIVE: Final[str] = "seasonal_naive"
MOVING_AVERAGE_WINDOWS: Final[tuple[int, ...]] = (7, 14, 28, 56)
# The "simple" yardsticks of the promotion gate: a retailer's spreadsheet average.
SIMPLE_CANDIDATES: Final[tuple[str, ...]] = tuple(
    f"moving_average_{w}" for w in MOVING_AVERAGE_WINDOWS
)

BASELINE_CANDIDATES: Final[dict[str, dict[str, Any]]] = {
    "naive": {"model_type": "naive"},
    SEASONAL_NAIVE: {"model_type": "seasonal_naive", "season_length": 7},
    **{
        name: {"model_type": "moving_average", "window_size": w}
        for name, w in zip(SIMPLE_CANDIDATES, MOVING_AVERAGE_WINDOWS, strict=True)
    },
    "weighted_moving_average": {"model_type": "weighted_moving_average"},
    "seasonal_average": {"model_type": "seasonal_average"},
    "trend_regression_baseline": {"model_type": "trend_regression_baseline"},
    # Intermittent demand (forecastlab/models/intermittent.py).
    "croston_classic": {"model_type": "croston", "variant": "classic"},
    "croston_sba": {"model_type": "croston", "variant": "sba"},
    "tsb": {"model_type": "tsb"},
    "adida": {"model_type": "adida"},
    "imapa": {"model_type": "imapa"},
}


def candidate_config(name: str) -> ModelConfigBase:
    """The configuration a candidate name stands for (a bare model type: its defaults)."""
    return parse_model_config(BASELINE_CANDIDATES.get(name, {"model_type": name}))
