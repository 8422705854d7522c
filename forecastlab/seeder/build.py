"""Build the effective configuration from a preset and caller parameters (spec §2.7, D-09)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from forecastlab.seeder.config import (
    DEFAULT_CHANNEL_MIX,
    PhaseKnobs,
    SeederConfig,
    SeederConfigError,
    SeederOverrides,
    config_error,
)
from forecastlab.seeder.presets import DEFAULT_WINDOW_DAYS, PRESETS, utc_today

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

# Bounds of the scalar parameters of GenerateParams (§2.8).
SCALAR_BOUNDS: dict[str, tuple[float, float]] = {
    "stores": (1, 100),
    "products": (1, 500),
    "sparsity": (0, 1),
}


def build_config(
    preset: str = "retail_standard",
    *,
    seed: int = 42,
    stores: int | None = None,
    products: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    sparsity: float | None = None,
    overrides: SeederOverrides | dict[str, Any] | None = None,
    today: date | None = None,
    **phase_knobs: Any,
) -> SeederConfig:
    """The effective SeederConfig: preset < scalar params < phase knobs < overrides.

    `None` keeps the preset's value (D-09). An unknown preset falls back to the default
    configuration with a warning (D-25); use `validate_preset_name` to reject it instead.
    Raises SeederConfigError naming the bad knob and its bounds.
    """
    if seed < 0:
        raise SeederConfigError(f"seed must be >= 0, got {seed}")
    for name, value in (("stores", stores), ("products", products), ("sparsity", sparsity)):
        low, high = SCALAR_BOUNDS[name]
        if value is not None and not low <= value <= high:
            raise SeederConfigError(f"{name} must be between {low} and {high}, got {value}")
    knobs = _validated(PhaseKnobs, phase_knobs)
    extra = _validated(SeederOverrides, overrides) if isinstance(overrides, dict) else overrides

    config = _preset_config(preset, seed=seed, today=today)
    config = _apply_scalars(config, stores, products, start_date, end_date, sparsity)
    config = _apply_phase_knobs(config, knobs)
    if extra is not None:
        config = _apply_overrides(config, extra)
    if config.start_date > config.end_date:
        raise SeederConfigError(
            f"start_date must be on or before end_date, got {config.start_date} > {config.end_date}"
        )
    return config


def _validated(model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise config_error(exc, model) from None


def _preset_config(name: str, *, seed: int, today: date | None) -> SeederConfig:
    info = PRESETS.get(name)
    if info is not None:
        return info.config(seed=seed, today=today)
    logger.warning("unknown seeder preset %r: using the default configuration", name)
    end = today or utc_today()
    return SeederConfig(
        seed=seed, start_date=end - timedelta(days=DEFAULT_WINDOW_DAYS), end_date=end
    )


def _replace(model: M, **changes: Any) -> M:
    # model_copy(update=...) skips validation; re-validating keeps every bound enforced.
    return _validated(type(model), {**model.model_dump(), **changes})


def _apply_scalars(
    config: SeederConfig,
    stores: int | None,
    products: int | None,
    start_date: date | None,
    end_date: date | None,
    sparsity: float | None,
) -> SeederConfig:
    dims = {k: v for k, v in (("stores", stores), ("products", products)) if v is not None}
    window = {k: v for k, v in (("start_date", start_date), ("end_date", end_date)) if v}
    changes: dict[str, Any] = {**window}
    if dims:
        changes["dimensions"] = _replace(config.dimensions, **dims)
    if sparsity is not None and sparsity > 0:
        changes["sparsity"] = _replace(config.sparsity, missing_combinations_pct=sparsity)
    return config.model_copy(update=changes) if changes else config


def _apply_phase_knobs(config: SeederConfig, knobs: PhaseKnobs) -> SeederConfig:
    phase1_fields = set(type(config.phase1).model_fields)
    phase2_fields = set(type(config.phase2).model_fields)
    given = knobs.model_dump(exclude_unset=True)
    if given.get("channel_mix") is None:
        given.pop("channel_mix", None)
        if knobs.enable_multichannel:
            given["channel_mix"] = dict(DEFAULT_CHANNEL_MIX)
    phase1 = {k: v for k, v in given.items() if k in phase1_fields}
    phase2 = {k: v for k, v in given.items() if k in phase2_fields}
    return config.model_copy(
        update={
            "phase1": _replace(config.phase1, **phase1),
            "phase2": _replace(config.phase2, **phase2),
        }
    )


def _apply_overrides(config: SeederConfig, overrides: SeederOverrides) -> SeederConfig:
    if overrides.window_days is not None and config.preset == "holiday_rush":
        raise SeederConfigError(
            "window_days cannot be used with the calendar-pinned holiday_rush preset "
            "(its window is fixed to 2024-10-01..2024-12-31)"
        )
    changes: dict[str, Any] = {}
    dims = {k: getattr(overrides, k) for k in ("stores", "products")}
    dims = {k: v for k, v in dims.items() if v is not None}
    if dims:
        changes["dimensions"] = _replace(config.dimensions, **dims)
    if overrides.window_days is not None:
        changes["start_date"] = config.end_date - timedelta(days=overrides.window_days)
    if overrides.sparsity is not None:
        changes["sparsity"] = _replace(config.sparsity, missing_combinations_pct=overrides.sparsity)
    retail = {
        field: value
        for field, value in (
            ("promotion_probability", overrides.promotion_intensity),
            ("stockout_probability", overrides.stockout_intensity),
        )
        if value is not None
    }
    if retail:
        changes["retail"] = _replace(config.retail, **retail)
    if overrides.noise_sigma is not None:
        changes["time_series"] = _replace(config.time_series, noise_sigma=overrides.noise_sigma)
    return config.model_copy(update={**changes, "overrides_applied": overrides.applied()})
