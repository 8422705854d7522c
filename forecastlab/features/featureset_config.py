"""`FeatureSetConfig` (spec §5.1): which features `/featuresets` computes, frozen and strict.

A sub-config left null disables its feature group. Every config carries `schema_version`;
a config's hash is spec §6.8's recipe, `forecastlab.models.configs.config_hash`.
The columns a config may name are the numeric columns of `raw.sales_daily`.
"""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

SCHEMA_VERSION_PATTERN: Final[str] = r"^\d+\.\d+(\.\d+)?$"
SeriesColumn = Literal["quantity", "unit_price", "total_amount"]
RollingAggregation = Literal["mean", "std", "min", "max", "sum"]
ImputationStrategy = Literal["zero", "ffill", "bfill", "mean", "expanding_mean", "drop"]
DEFAULT_IMPUTATION: Final[dict[SeriesColumn, ImputationStrategy]] = {
    "quantity": "zero",
    "unit_price": "ffill",
    "total_amount": "zero",
}
# OpenAPI example: the default strategies, spelled out.
_IMPUTATION_EXAMPLE: Final = {"strategies": dict(DEFAULT_IMPUTATION)}


class _VersionedConfig(BaseModel):
    """Frozen, unknown keys rejected, no string-to-number coercion; versioned."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    schema_version: str = Field(default="1.0", pattern=SCHEMA_VERSION_PATTERN)


def _distinct(values: list, field: str) -> None:
    """Reject repeated values: each would name the same output column twice."""
    if len(set(values)) != len(values):
        raise ValueError(f"{field} must not repeat a value")


class LagConfig(_VersionedConfig):
    """`lag_{k}`: the target k observed rows earlier."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"lags": [1, 7, 14, 28], "target_column": "quantity"}]}
    )

    lags: list[PositiveInt] = Field(default=[1, 7, 14, 28], min_length=1)
    target_column: SeriesColumn = "quantity"
    fill_value: float | None = Field(
        default=None, description="Replaces the leading nulls (rows with fewer than k earlier)."
    )

    @model_validator(mode="after")
    def _distinct_lags(self) -> Self:
        _distinct(self.lags, "lags")
        return self


class RollingConfig(_VersionedConfig):
    """`rolling_{agg}_{w}`: an aggregation over the w observed rows before the row."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "windows": [7, 14, 28],
                    "aggregations": ["mean", "std"],
                    "target_column": "quantity",
                    "min_periods": 5,
                }
            ]
        }
    )

    windows: list[PositiveInt] = Field(default=[7, 14, 28], min_length=1)
    aggregations: list[RollingAggregation] = Field(default=["mean", "std"], min_length=1)
    target_column: SeriesColumn = "quantity"
    min_periods: PositiveInt | None = Field(
        default=None, description="Rows a window needs for a value; null = the whole window."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _distinct(self.windows, "windows")
        _distinct(self.aggregations, "aggregations")
        if self.min_periods is not None and self.min_periods > min(self.windows):
            raise ValueError("min_periods must not exceed the smallest window")
        return self


class CalendarConfig(_VersionedConfig):
    """Calendar columns, pure functions of the date (plus the holiday calendar)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "include_day_of_week": True,
                    "include_month": True,
                    "include_year": False,
                    "include_is_holiday": True,
                    "use_cyclical_encoding": True,
                }
            ]
        }
    )

    include_day_of_week: bool = True
    include_month: bool = True
    include_quarter: bool = True
    include_year: bool = False
    include_is_weekend: bool = True
    include_is_month_end: bool = True
    include_is_holiday: bool = True
    use_cyclical_encoding: bool = True


class ExogenousConfig(_VersionedConfig):
    """Price, promotion and inventory columns (D-07)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "include_price": True,
                    "price_lags": [7, 28],
                    "include_promo": True,
                    "include_inventory": False,
                }
            ]
        }
    )

    include_price: bool = True
    price_lags: list[PositiveInt] = Field(default=[7, 28])
    include_price_change: bool = True
    include_promo: bool = True
    include_inventory: bool = False
    include_stockout_flag: bool = True

    @model_validator(mode="after")
    def _distinct_price_lags(self) -> Self:
        _distinct(self.price_lags, "price_lags")
        return self


class ImputationConfig(_VersionedConfig):
    """How nulls of the loaded sales columns are filled before any feature is computed."""

    model_config = ConfigDict(json_schema_extra={"examples": [_IMPUTATION_EXAMPLE]})

    strategies: dict[SeriesColumn, ImputationStrategy] = Field(
        default_factory=lambda: dict(DEFAULT_IMPUTATION)
    )


class FeatureSetConfig(_VersionedConfig):
    """A feature set: the entity/date/target columns and one optional config per group."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "default",
                    "description": "Daily demand features of one store and product",
                    "lag_config": {"lags": [1, 7, 14, 28]},
                    "rolling_config": {"windows": [7, 14, 28], "aggregations": ["mean", "std"]},
                    "calendar_config": {},
                    "exogenous_config": {"include_inventory": False},
                    "imputation_config": _IMPUTATION_EXAMPLE,
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=100)
    description: str | None = None
    entity_columns: list[Literal["store_id", "product_id"]] = Field(
        default=["store_id", "product_id"], min_length=1
    )
    date_column: Literal["date"] = "date"
    target_column: SeriesColumn = "quantity"
    lag_config: LagConfig | None = None
    rolling_config: RollingConfig | None = None
    calendar_config: CalendarConfig | None = None
    exogenous_config: ExogenousConfig | None = None
    imputation_config: ImputationConfig | None = None

    @model_validator(mode="after")
    def _distinct_entities(self) -> Self:
        _distinct(self.entity_columns, "entity_columns")
        return self


def default_feature_set(name: str = "default") -> FeatureSetConfig:
    """Every sub-config at its defaults: the feature set of `marts.fct_sales_features`."""
    return FeatureSetConfig(
        name=name,
        lag_config=LagConfig(),
        rolling_config=RollingConfig(),
        calendar_config=CalendarConfig(),
        exogenous_config=ExogenousConfig(),
        imputation_config=ImputationConfig(),
    )
