"""The Forge's configuration model (spec §2.3-2.8): one frozen, JSON-serialisable tree.

A `SeederConfig` fully determines a seeding: it is recorded in `app.seed_run.config` and read
back by `regenerate_days`/`append`, so every field that influences a generated row lives here.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CHANNELS: tuple[str, ...] = ("click_collect", "in_store", "online", "wholesale")
DEFAULT_CHANNEL_MIX: dict[str, float] = {"in_store": 0.7, "online": 0.2, "click_collect": 0.1}
DEFAULT_WEEKLY: tuple[float, ...] = (0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.2)


class SeederConfigError(ValueError):
    """A knob, preset or window is invalid; the message names the knob and its bounds."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DimensionsConfig(_Frozen):
    """Catalogue size and the value lists the dimension generators draw from (§2.2)."""

    stores: int = Field(10, ge=1, le=9999)
    products: int = Field(50, ge=1, le=90000)
    regions: tuple[str, ...] = ("North", "South", "East", "West")
    store_types: tuple[str, ...] = ("supermarket", "express", "warehouse")
    # D-13: share of products given a launch date (new_launches uses 0.3); 0 = none.
    launch_share: float = Field(0.0, ge=0, le=1)
    # Share of products given a discontinue date inside the window (no sales row from it on).
    discontinue_share: float = Field(0.0, ge=0, le=1)


class TimeSeriesConfig(_Frozen):
    """Base demand and its time-series shape (§2.3, dataclass defaults of §2.6).

    `noise_sigma` is the coefficient of variation of the multiplicative demand noise: with the
    `gaussian` noise model the quantity is `max(0, round(demand·(1 + N(0, sigma))))`; with
    `negative_binomial` it is a Poisson count around `demand·Gamma(mean 1, CV sigma)` — the
    gamma-Poisson mixture, a negative binomial with variance `mean + sigma²·mean²`.
    """

    base_demand: float = Field(100.0, ge=0)
    # Lognormal spread of the series' demand levels (dimensions.series_levels): base_demand is
    # the median series' level; 0 = every series at base_demand.
    series_level_sigma: float = Field(0.0, ge=0)
    noise_model: Literal["gaussian", "negative_binomial"] = "gaussian"
    trend: Literal["none", "linear", "exponential"] = "none"
    trend_slope: float = 0.001
    weekly_seasonality: tuple[float, ...] = DEFAULT_WEEKLY
    monthly_seasonality: dict[int, float] = Field(default_factory=dict)
    noise_sigma: float = Field(0.1, ge=0)
    anomaly_probability: float = Field(0.01, ge=0, le=1)
    anomaly_magnitude: float = Field(2.0, gt=0)

    @field_validator("weekly_seasonality")
    @classmethod
    def _seven_days(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(value) != 7:
            raise ValueError("weekly_seasonality needs 7 values (Monday..Sunday)")
        return value


class RetailConfig(_Frozen):
    """Promotions, stockouts, price response and the new-product ramp (§2.3)."""

    promotion_probability: float = Field(0.05, ge=0, le=1)
    promotion_lift: float = Field(1.3, ge=0)
    price_elasticity: float = -0.5
    new_product_ramp_days: int = Field(30, ge=1)
    stockout_probability: float = Field(0.02, ge=0, le=1)
    stockout_behavior: Literal["zero"] = "zero"
    # False: the retailer keeps no stock records, so no inventory_snapshot_daily rows (stockout
    # days, if any, still have no sales row).
    inventory_snapshots: bool = True


class SparsityConfig(_Frozen):
    """Missing (store, product) combinations and random gaps per series (§2.3 steps 1-2)."""

    missing_combinations_pct: float = Field(0.0, ge=0, le=1)
    random_gaps_per_series: int = Field(0, ge=0)
    gap_min_days: int = Field(1, ge=1)
    gap_max_days: int = Field(5, ge=1)


class HolidayConfig(_Frozen):
    """A scenario holiday: calendar name plus a demand multiplier (the only holiday effect)."""

    date: date
    name: str
    multiplier: float = Field(1.0, ge=0)


class ChangepointConfig(_Frozen):
    """A demand level shift at `date` that decays back to 1 (§2.3 Phase-1 changepoints)."""

    date: date
    demand_multiplier: float = Field(ge=0)
    decay_days: int = Field(30, ge=0, le=3650)


class Phase1Config(_Frozen):
    """Phase-1 realism generators (§2.4), all off by default."""

    enable_exogenous: bool = False
    weather_mean_c: float = 15.0
    weather_amplitude_c: float = 12.0
    weather_noise_c: float = Field(2.0, ge=0)
    event_dates: tuple[date, ...] = ()
    enable_returns: bool = False
    return_probability: float = Field(0.02, ge=0, le=1)
    yearly_seasonality_amplitude: float = Field(0.0, ge=0, le=1)
    yearly_seasonality_phase: float = 0.0
    changepoints: tuple[ChangepointConfig, ...] = ()
    weather_temperature_sensitivity: float = Field(0.0, ge=-1, le=1)
    enable_substitution: bool = False
    # Groups of 1-based catalogue positions; empty = one group per category.
    substitute_groups: tuple[tuple[int, ...], ...] = ()
    substitution_lift_on_stockout: float = Field(0.5, ge=0, le=10)


class Phase2Config(_Frozen):
    """Phase-2 retail-depth generators (§2.5), all off by default."""

    enable_multichannel: bool = False
    channel_mix: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_CHANNEL_MIX))
    online_promo_uplift: float = Field(1.2, ge=0, le=10)
    online_substitution_to_instore: float = Field(0.1, ge=0, le=1)
    enable_lifecycle: bool = False
    lifecycle_discontinue_probability: float = Field(0.10, ge=0, le=1)
    intro_ramp_days: int = Field(30, ge=1)
    intro_multiplier: float = Field(0.1, ge=0, le=1)
    decline_multiplier: float = Field(0.0, ge=0, le=1)
    enable_bundles: bool = False
    bundle_probability: float = Field(0.2, ge=0, le=1)
    bogo_share_within_bundles: float = Field(0.5, ge=0, le=1)
    bundle_uplift: float = Field(1.4, ge=0)
    enable_markdowns: bool = False
    markdown_trigger: Literal["lifecycle_decline", "stockout_risk"] = "lifecycle_decline"
    markdown_depth: float = Field(0.30, gt=0, lt=1)
    markdown_days: int = Field(14, ge=1)
    markdown_demand_lift: float = Field(1.2, ge=0)
    enable_lead_time: bool = False
    mean_lead_time_days: float = Field(7.0, ge=0, le=365)
    lead_time_sigma_days: float = Field(1.5, ge=0)
    order_frequency_days: int = Field(14, ge=1)
    safety_stock_days: int = Field(3, ge=0)

    @field_validator("channel_mix")
    @classmethod
    def _valid_mix(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CHANNELS))
        if unknown:
            raise ValueError(f"channel_mix keys must be in {list(CHANNELS)}, got {unknown}")
        if any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
            raise ValueError("channel_mix weights must be >= 0 with a positive sum")
        total = sum(value.values())
        return {k: value[k] / total for k in sorted(value)}


class SeederConfig(_Frozen):
    """The effective configuration of one seeding: preset name, seed, window and every knob."""

    preset: str = "default"
    seed: int = Field(42, ge=0)
    start_date: date
    end_date: date
    dimensions: DimensionsConfig = DimensionsConfig()
    time_series: TimeSeriesConfig = TimeSeriesConfig()
    retail: RetailConfig = RetailConfig()
    sparsity: SparsityConfig = SparsityConfig()
    holidays: tuple[HolidayConfig, ...] = ()
    # Demand multiplier per holiday name of the calendar, so rule-based (federal) holidays move
    # demand in every year of any window; a custom holiday's own multiplier wins on its date.
    holiday_multipliers: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    phase1: Phase1Config = Phase1Config()
    phase2: Phase2Config = Phase2Config()
    # Provenance only (GenerateResult.overrides_applied); the knobs are already applied above.
    overrides_applied: dict[str, Any] | None = None

    @property
    def days(self) -> int:
        """Number of calendar days in the window (both ends included)."""
        return (self.end_date - self.start_date).days + 1

    def to_json(self) -> dict[str, Any]:
        """The JSON document recorded in `app.seed_run.config`."""
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> SeederConfig:
        """Read back a recorded configuration."""
        return cls.model_validate(document)


class SeederOverrides(BaseModel):
    """The seven override knobs of §2.7, applied last; `{}` is the same as no overrides."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    stores: int | None = Field(None, ge=1, le=100)
    products: int | None = Field(None, ge=1, le=500)
    window_days: int | None = Field(None, ge=75, le=365)
    sparsity: float | None = Field(None, ge=0, le=0.9)
    promotion_intensity: float | None = Field(None, ge=0, le=0.5)
    stockout_intensity: float | None = Field(None, ge=0, le=0.5)
    noise_sigma: float | None = Field(None, ge=0, le=0.5)

    def applied(self) -> dict[str, Any] | None:
        """The sparse dict of knobs actually set (`GenerateResult.overrides_applied`)."""
        return self.model_dump(exclude_none=True) or None


class PhaseKnobs(BaseModel):
    """Phase-1 and Phase-2 knobs of `GenerateParams` (§2.8), passed to `build_config`.

    Not strict, unlike SeederOverrides: Python callers pass lists and ISO date strings.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enable_exogenous: bool = False
    enable_returns: bool = False
    enable_substitution: bool = False
    yearly_seasonality_amplitude: Annotated[float, Field(ge=0, le=1)] = 0.0
    weather_temperature_sensitivity: Annotated[float, Field(ge=-1, le=1)] = 0.0
    changepoints: tuple[ChangepointConfig, ...] = ()
    substitute_groups: tuple[tuple[int, ...], ...] = ()
    substitution_lift_on_stockout: Annotated[float, Field(ge=0, le=10)] = 0.5
    enable_multichannel: bool = False
    channel_mix: dict[str, float] | None = None
    online_promo_uplift: Annotated[float, Field(ge=0, le=10)] = 1.2
    online_substitution_to_instore: Annotated[float, Field(ge=0, le=1)] = 0.1
    enable_lifecycle: bool = False
    lifecycle_discontinue_probability: Annotated[float, Field(ge=0, le=1)] = 0.10
    enable_bundles: bool = False
    bundle_probability: Annotated[float, Field(ge=0, le=1)] = 0.2
    enable_markdowns: bool = False
    markdown_trigger: Literal["lifecycle_decline", "stockout_risk"] = "lifecycle_decline"
    enable_lead_time: bool = False
    mean_lead_time_days: Annotated[float, Field(ge=0, le=365)] = 7.0


def config_error(exc: ValidationError, model: type[BaseModel]) -> SeederConfigError:
    """Turn a pydantic error into one sentence naming the knob and, when known, its bounds."""
    messages = []
    for err in exc.errors():
        name = ".".join(str(part) for part in err["loc"]) or model.__name__
        field = model.model_fields.get(str(err["loc"][0])) if err["loc"] else None
        low, high = _bounds(field.metadata) if field is not None else (None, None)
        if err["type"] == "extra_forbidden":
            messages.append(f"unknown knob {name!r} (allowed: {', '.join(model.model_fields)})")
        elif low is not None and high is not None:
            messages.append(f"{name} must be between {low} and {high}, got {err['input']!r}")
        else:
            messages.append(f"{name}: {err['msg']}, got {err['input']!r}")
    return SeederConfigError("; ".join(messages))


def _bounds(metadata: list[Any]) -> tuple[Any, Any]:
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low = item.gt
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high = item.lt
    return low, high
