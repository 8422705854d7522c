"""The eight scenario presets of spec §2.6, the grocery_intermittent evaluation preset, and
their windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from forecastlab.seeder.config import (
    DimensionsConfig,
    HolidayConfig,
    Phase1Config,
    RetailConfig,
    SeederConfig,
    SeederConfigError,
    SparsityConfig,
    TimeSeriesConfig,
)

DEFAULT_WINDOW_DAYS = 365


def utc_today() -> date:
    """Today's date in UTC: the anchor of every non-pinned preset window."""
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class PresetInfo:
    """One scenario preset: what `GET /seeder/scenarios` lists, plus the knobs it sets."""

    name: str
    description: str
    stores: int
    products: int
    window_days: int = DEFAULT_WINDOW_DAYS
    pinned: tuple[date, date] | None = None
    sections: dict[str, Any] = field(default_factory=dict)

    def window(self, today: date | None = None) -> tuple[date, date]:
        """(start, end): pinned dates, else `today - window_days … today` (UTC by default)."""
        if self.pinned is not None:
            return self.pinned
        end = today or utc_today()
        return end - timedelta(days=self.window_days), end

    def config(self, *, seed: int, today: date | None = None) -> SeederConfig:
        """The preset's effective configuration before any caller parameter is applied."""
        start, end = self.window(today)
        sections = dict(self.sections)
        dims = sections.pop("dimensions", {})
        return SeederConfig(
            preset=self.name,
            seed=seed,
            start_date=start,
            end_date=end,
            dimensions=DimensionsConfig(stores=self.stores, products=self.products, **dims),
            **sections,
        )


def _ts(**kwargs: Any) -> TimeSeriesConfig:
    return TimeSeriesConfig(**kwargs)


def _retail(**kwargs: Any) -> RetailConfig:
    return RetailConfig(**kwargs)


PRESETS: dict[str, PresetInfo] = {
    p.name: p
    for p in (
        PresetInfo(
            "retail_standard",
            "Baseline retail: gentle linear growth, weekly seasonality, occasional promotions.",
            10,
            50,
            sections={
                "time_series": _ts(trend="linear", trend_slope=0.0005, noise_sigma=0.15),
                "retail": _retail(promotion_probability=0.10, stockout_probability=0.02),
            },
        ),
        PresetInfo(
            "holiday_rush",
            "Q4 2024 (pinned): exponential build-up, Black Friday and Christmas peaks.",
            10,
            50,
            pinned=(date(2024, 10, 1), date(2024, 12, 31)),
            sections={
                "time_series": _ts(
                    base_demand=80,
                    trend="exponential",
                    trend_slope=0.005,
                    monthly_seasonality={10: 1.0, 11: 1.3, 12: 1.8},
                    noise_sigma=0.2,
                ),
                "retail": _retail(promotion_probability=0.25, stockout_probability=0.15),
                "holidays": (
                    HolidayConfig(date=date(2024, 11, 28), name="Thanksgiving", multiplier=2.0),
                    HolidayConfig(date=date(2024, 11, 29), name="Black Friday", multiplier=3.0),
                    HolidayConfig(date=date(2024, 12, 24), name="Christmas Eve", multiplier=1.5),
                    HolidayConfig(date=date(2024, 12, 25), name="Christmas Day", multiplier=0.3),
                ),
            },
        ),
        PresetInfo(
            "high_variance",
            "Noisy demand with frequent anomalies (spikes and drops).",
            10,
            50,
            sections={
                "time_series": _ts(
                    trend="none", noise_sigma=0.4, anomaly_probability=0.05, anomaly_magnitude=3.0
                ),
                "retail": _retail(promotion_probability=0.15, stockout_probability=0.05),
            },
        ),
        PresetInfo(
            "stockout_heavy",
            "Frequent stockouts (25% of snapshots); stockout days have no sales row.",
            10,
            50,
            sections={
                "time_series": _ts(base_demand=50, trend="none", noise_sigma=0.2),
                "retail": _retail(
                    promotion_probability=0.20, stockout_probability=0.25, stockout_behavior="zero"
                ),
            },
        ),
        PresetInfo(
            "new_launches",
            "100 products; 30% launch inside the window and ramp up over 45 days.",
            10,
            100,
            sections={
                "dimensions": {"launch_share": 0.3},
                "time_series": _ts(base_demand=80, trend="linear", trend_slope=0.002),
                "retail": _retail(new_product_ramp_days=45, promotion_probability=0.15),
            },
        ),
        PresetInfo(
            "sparse",
            "Half the store-product combinations never sell; 3 gaps of 2-10 days per series.",
            10,
            50,
            sections={
                "sparsity": SparsityConfig(
                    missing_combinations_pct=0.5,
                    random_gaps_per_series=3,
                    gap_min_days=2,
                    gap_max_days=10,
                )
            },
        ),
        PresetInfo(
            "demo_minimal",
            "3 stores x 10 products over 92 days: the smallest set a 3-split backtest accepts.",
            3,
            10,
            window_days=91,
            sections={
                "time_series": _ts(trend="linear", trend_slope=0.0005, noise_sigma=0.10),
                "retail": _retail(promotion_probability=0.10, stockout_probability=0.02),
            },
        ),
        PresetInfo(
            "showcase_rich",
            "5 stores x 15 products over 181 days for the V2 model and horizon-bucket showcase.",
            5,
            15,
            window_days=180,
            sections={
                "time_series": _ts(trend="linear", trend_slope=0.0005, noise_sigma=0.10),
                "retail": _retail(promotion_probability=0.15, stockout_probability=0.05),
            },
        ),
        PresetInfo(
            "grocery_intermittent",
            "Item x store grocery sales like M5: most series sell under 1 unit/day, zero days "
            "stored as rows, negative-binomial counts, price elasticity, launches and "
            "discontinuations, holiday effects; no inventory snapshots, no promotions.",
            10,
            100,
            window_days=730,
            sections={
                "dimensions": {"launch_share": 0.15, "discontinue_share": 0.10},
                "time_series": _ts(
                    base_demand=0.5,
                    series_level_sigma=1.5,
                    noise_model="negative_binomial",
                    noise_sigma=0.7,
                    anomaly_probability=0.0,
                ),
                # No stockouts either: a stockout day has no sales row, and these series are
                # dense (a day without a sale is a row with quantity 0).
                "retail": _retail(
                    promotion_probability=0.0,
                    price_elasticity=-2.0,
                    stockout_probability=0.0,
                    inventory_snapshots=False,
                ),
                # Mild yearly cycle peaking in early July (sin peaks at doy + phase = 91.25).
                "phase1": Phase1Config(
                    yearly_seasonality_amplitude=0.1, yearly_seasonality_phase=-95.0
                ),
                "holiday_multipliers": {
                    "New Year's Day": 0.7,
                    "Memorial Day": 1.3,
                    "Independence Day": 1.5,
                    "Labor Day": 1.3,
                    "Thanksgiving": 0.5,
                    "Christmas Day": 0.1,
                },
            },
        ),
    )
}


def validate_preset_name(name: str) -> PresetInfo:
    """The preset called `name`, or SeederConfigError listing the valid names (CLI, demo)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise SeederConfigError(
            f"preset must be one of {', '.join(PRESETS)}, got {name!r}"
        ) from None
