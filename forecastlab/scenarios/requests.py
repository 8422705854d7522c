"""Request bodies of `/scenarios` (spec §11.6), shared with the agent tools of §11.7.

The baseline is an MLflow run (DESIGN "One id space for models"). A single-series run brings
its own store and product; a portfolio or global model needs them in the request.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from forecastlab.forecasting.requests import MAX_HORIZON
from forecastlab.scenarios.assumptions import ScenarioAssumptions
from forecastlab.wire import DbId, no_nul

MAX_TAGS: Final = 20
MAX_TAG_LENGTH: Final = 128
MIN_COMPARED: Final = 2
MAX_COMPARED: Final = 5
RankBy = Literal["revenue_delta", "units_delta"]

Tag = Annotated[str, Field(min_length=1, max_length=MAX_TAG_LENGTH), AfterValidator(no_nul)]
PlanName = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_nul)]
ScenarioId = Annotated[str, AfterValidator(no_nul)]

_RUN_ID: Final = "0b7e4c1f2d3a4e5f8a9b0c1d2e3f4a5b"
_PROMOTION: Final = {
    "promotion": {"kind": "pct_off", "start_date": "2025-07-01", "end_date": "2025-07-14"},
    "price": {"change_pct": -0.2, "start_date": "2025-07-01", "end_date": "2025-07-14"},
    "inventory": {"on_hand_units": 150},
}


class _Strict(BaseModel):
    # Strict JSON types (no "5" -> 5), unknown keys rejected; IsoDate fields parse ISO strings.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SimulationRequest(_Strict):
    """Body of `POST /scenarios/simulate`: a baseline run, a horizon and the assumptions."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"run_id": _RUN_ID, "horizon": 14, "assumptions": _PROMOTION},
                {
                    "run_id": _RUN_ID,
                    "store_id": 1,
                    "product_id": 2,
                    "horizon": 7,
                    "assumptions": {"holiday": {"dates": ["2025-07-04"]}},
                    "name": "July 4th lift",
                },
            ]
        }
    )

    run_id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_nul)] = Field(
        description="MLflow run id of the baseline model (32 hex); unknown or malformed = 404."
    )
    store_id: DbId | None = Field(
        default=None, description="Required for a portfolio or global model; else the run's."
    )
    product_id: DbId | None = Field(
        default=None, description="Required for a portfolio or global model; else the run's."
    )
    horizon: int = Field(ge=1, le=MAX_HORIZON)
    assumptions: ScenarioAssumptions = Field(default_factory=ScenarioAssumptions)
    name: PlanName | None = Field(default=None, description="A label; simulating ignores it.")


class PlanRequest(SimulationRequest):
    """Body of `POST /scenarios`: a simulation to keep, named and optionally tagged."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "20% off, two weeks",
                    "run_id": _RUN_ID,
                    "horizon": 14,
                    "assumptions": _PROMOTION,
                    "tags": ["summer-promo", "store-1"],
                },
                {
                    "name": "20% off, two weeks, more stock",
                    "run_id": _RUN_ID,
                    "horizon": 14,
                    "assumptions": {**_PROMOTION, "inventory": {"on_hand_units": 400}},
                    "tags": ["summer-promo"],
                    "cloned_from": "5c0f3a9e8d2b4c1fa6e7d8c9b0a1f2e3",
                },
            ]
        }
    )

    name: PlanName  # type: ignore[assignment]  # required to keep a plan, optional to simulate
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    cloned_from: Annotated[str, Field(max_length=32), AfterValidator(no_nul)] | None = Field(
        default=None, description="scenario_id of the plan this one was cloned from (unchecked)."
    )


class CompareRequest(_Strict):
    """Body of `POST /scenarios/compare`: 2-5 saved plans, ranked by one delta."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scenario_ids": [
                        "5c0f3a9e8d2b4c1fa6e7d8c9b0a1f2e3",
                        "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b",
                    ],
                    "rank_by": "revenue_delta",
                }
            ]
        }
    )

    scenario_ids: list[ScenarioId] = Field(min_length=MIN_COMPARED, max_length=MAX_COMPARED)
    rank_by: RankBy = "revenue_delta"

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.scenario_ids)) != len(self.scenario_ids):
            raise ValueError("scenario_ids must be distinct")
        return self
