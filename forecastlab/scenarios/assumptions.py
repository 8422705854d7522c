"""What a planner assumes about the forecast days (spec §11.1): every part optional, strict.

An empty `ScenarioAssumptions` means "nothing changes" and yields scenario = baseline. Windows
are inclusive and a reversed one (end before start) is read the other way round, never an
error. Unknown keys and out-of-range values are validation errors (422 at the API).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from forecastlab.features.calendar import as_days
from forecastlab.wire import IsoDate

PromotionKind = Literal["pct_off", "bogo", "bundle", "markdown"]
LifecycleStage = Literal["launch", "growth", "maturity", "decline"]

MIN_PRICE_CHANGE: Final = -0.9
MAX_PRICE_CHANGE: Final = 5.0
# A year of event days is more than any horizon (at most 90 days) can use.
MAX_HOLIDAY_DATES: Final = 366
MAX_ON_HAND_UNITS: Final = 10**9


class _Part(BaseModel):
    # Strict JSON types (no "5" -> 5), unknown keys rejected; IsoDate fields parse ISO strings.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Window(_Part):
    start_date: IsoDate = Field(description="First day (inclusive).")
    end_date: IsoDate = Field(description="Last day (inclusive); before start_date = reversed.")

    def covers(self, days: Sequence[date]) -> np.ndarray:
        """Which of `days` lie in the window (a reversed window is normalised)."""
        first, last = sorted((self.start_date, self.end_date))
        values = as_days(days)
        return (values >= np.datetime64(first)) & (values <= np.datetime64(last))


class PriceAssumption(_Window):
    """A relative price change over a window (-0.15 = 15% cheaper)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"change_pct": -0.2, "start_date": "2025-07-01", "end_date": "2025-07-14"}]
        }
    )

    change_pct: float = Field(ge=MIN_PRICE_CHANGE, le=MAX_PRICE_CHANGE, allow_inf_nan=False)


class PromotionAssumption(_Window):
    """A promotion of one kind over a window."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"kind": "pct_off", "start_date": "2025-07-01", "end_date": "2025-07-14"}]
        }
    )

    kind: PromotionKind


class HolidayAssumption(_Part):
    """Extra holiday or event days."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"dates": ["2025-07-04"]}]})

    dates: list[IsoDate] = Field(min_length=1, max_length=MAX_HOLIDAY_DATES)


class InventoryAssumption(_Part):
    """Stock on hand for the horizon: drives the coverage verdict only, never demand."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"on_hand_units": 150}]})

    on_hand_units: int = Field(ge=0, le=MAX_ON_HAND_UNITS)


class LifecycleAssumption(_Part):
    """The product's lifecycle stage over the whole horizon."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"stage": "growth"}]})

    stage: LifecycleStage


class ScenarioAssumptions(_Part):
    """Every part optional; `{}` = no change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "promotion": {
                        "kind": "pct_off",
                        "start_date": "2025-07-01",
                        "end_date": "2025-07-14",
                    },
                    "price": {
                        "change_pct": -0.2,
                        "start_date": "2025-07-01",
                        "end_date": "2025-07-14",
                    },
                    "inventory": {"on_hand_units": 150},
                },
                {},
            ]
        }
    )

    price: PriceAssumption | None = None
    promotion: PromotionAssumption | None = None
    holiday: HolidayAssumption | None = None
    inventory: InventoryAssumption | None = None
    lifecycle: LifecycleAssumption | None = None

    def holidays(self, days: Sequence[date]) -> np.ndarray:
        """Which of `days` the holiday part names."""
        if self.holiday is None:
            return np.zeros(len(days), dtype=bool)
        return np.isin(as_days(days), as_days(self.holiday.dates))
