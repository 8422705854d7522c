"""Rule-based explanations of the target-only baselines (spec §10.1-10.2, D-17).

Each explainer redoes its model's arithmetic for the first forecast day from the observed
series, or, where that arithmetic is more than a line (the trend regression, the
intermittent-demand models), fits the model and reads its fitted state; either way the
explained value is exactly what `make_forecaster(config).fit(y).predict(1)[0]` returns, split
into drivers whose contributions sum to it (context drivers add 0). Hyper-parameters are read
off the unfitted forecaster, which names them like its config.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
from pydantic import ValidationError

from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.explanation import (
    BIAS_DRIVER,
    Breakdown,
    Confidence,
    Driver,
    direction_of,
)
from forecastlab.explain.history import History
from forecastlab.explain.narrative import floor_caveat
from forecastlab.models import (
    ADIDAConfig,
    CrostonConfig,
    Forecaster,
    IMAPAConfig,
    InsufficientDataError,
    ModelConfigBase,
    ModelError,
    MovingAverageConfig,
    NaiveConfig,
    SeasonalAverageConfig,
    SeasonalNaiveConfig,
    TrendRegressionBaselineConfig,
    TSBConfig,
    WeightedMovingAverageConfig,
    make_forecaster,
    trend_design,
)
from forecastlab.models.intermittent import ALPHA_SEARCH_BOUNDS, SBA_FACTOR
from forecastlab.settings import Settings

_CONFIGS: Final[dict[str, type[ModelConfigBase]]] = {
    config.model_fields["model_type"].default: config
    for config in (
        NaiveConfig,
        SeasonalNaiveConfig,
        MovingAverageConfig,
        WeightedMovingAverageConfig,
        SeasonalAverageConfig,
        TrendRegressionBaselineConfig,
        CrostonConfig,
        TSBConfig,
        ADIDAConfig,
        IMAPAConfig,
    )
}
EXPLAINABLE_TYPES: Final[tuple[str, ...]] = tuple(_CONFIGS)
# Fields every configuration has that are not hyper-parameters.
_NOT_PARAMETERS: Final = frozenset({"model_type", "schema_version"})
# Spec §10.2: naive's recent_trend compares the last week with the one before, and its
# confidence wants those two weeks of history.
RECENT_WEEK: Final = 7
NAIVE_COMFORTABLE_HISTORY: Final = 2 * RECENT_WEEK
# The trend design's one-hot blocks: position mod 7, and (position div 30) mod 12.
TREND_WEEK: Final = 7
TREND_BLOCKS: Final = 12
# A trend fit sees each weekday position at least four times.
TREND_COMFORTABLE_HISTORY: Final = 28
# Spec §10.2: a window whose standard deviation is under half its mean is steady.
STEADY_DISPERSION: Final = 0.5
# The intermittent-demand models smooth what happens on the days with demand: with fewer of
# them than this the smoothed values rest on a handful of points (confidence low), and eight
# weeks of history show a few intervals between them even for slow sellers.
FEW_DEMAND_DAYS: Final = 5
INTERMITTENT_COMFORTABLE_HISTORY: Final = 56


def baseline_config(model_type: str, params: Mapping[str, Any]) -> ModelConfigBase:
    """The configuration of an explainable baseline; `params` may hold anything (a request's
    optional fields, a run's model_config): only the model's own, non-null keys are read."""
    config_class = _CONFIGS.get(model_type)
    if config_class is None:
        raise NotExplainableError(
            f"model_type {model_type!r} has no rule-based explanation; explainable: "
            f"{', '.join(EXPLAINABLE_TYPES)} (tree models: POST /explain/contributions)"
        )
    own = {
        name: value
        for name, value in params.items()
        if name in config_class.model_fields and name not in _NOT_PARAMETERS and value is not None
    }
    try:
        return config_class.model_validate(own)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise ModelError(f"invalid {model_type} parameters: {problems}") from None


def explain_baseline(
    config: ModelConfigBase, history: History, settings: Settings | None = None
) -> Breakdown:
    """The drivers of the model's first forecast day; 400 when the series is too short."""
    forecaster = make_forecaster(config, settings)
    if history.n < forecaster.min_observations:
        raise InsufficientDataError(
            f"{config.model_type} needs at least {forecaster.min_observations} observations on "
            f"or before the cutoff, got {history.n}"
        )
    return _EXPLAINERS[config.model_type](forecaster, history)


def _naive(model: Any, history: History) -> Breakdown:
    y = history.quantity
    value = float(y[-1])
    drivers = [
        Driver.term(
            "last_observation",
            value,
            value,
            f"The last observed quantity, on {history.dates[-1]}, carried forward.",
        )
    ]
    comfortable = NAIVE_COMFORTABLE_HISTORY
    if history.n >= comfortable:
        shift = float(y[-RECENT_WEEK:].mean() - y[-2 * RECENT_WEEK : -RECENT_WEEK].mean())
        drivers.append(
            Driver.context(
                "recent_trend",
                shift,
                "Mean of the last 7 observations minus the mean of the 7 before them; the naive "
                "forecast does not follow it.",
                direction_of(shift),
            )
        )
    return Breakdown(
        forecast=value,
        drivers=tuple(drivers),
        confidence="low" if history.n < comfortable else "medium",
        comfortable_history=comfortable,
        caveat="Naive repeats the last observation: it ignores trend and seasonality.",
    )


def _seasonal_naive(model: Any, history: History) -> Breakdown:
    season = model.season_length
    value = float(history.quantity[-season])
    driver = Driver.term(
        "season_match",
        value,
        value,
        f"The quantity one season ({season} observations) back, on {history.dates[-season]}.",
    )
    return Breakdown(
        forecast=value,
        drivers=(driver,),
        confidence="low" if history.n < 2 * season else "medium",
        comfortable_history=2 * season,
        caveat=f"Seasonal naive assumes the last cycle of {season} observations repeats.",
    )


def _moving_average(model: Any, history: History) -> Breakdown:
    width = model.window_size
    window = history.quantity[-width:]
    value = float(window.mean())
    return _window_explanation(
        history,
        window,
        value,
        Driver.term(
            "window_mean",
            value,
            value,
            f"Mean of the last {width} observations "
            f"({history.dates[-width]}..{history.dates[-1]}).",
        ),
        caveat="A moving average smooths recent shifts: a change in level shows only gradually.",
    )


def _weighted_moving_average(model: Any, history: History) -> Breakdown:
    width = model.window_size
    window = history.quantity[-width:]
    weights = model.weights()
    value = float(weights @ window / weights.sum())
    return _window_explanation(
        history,
        window,
        value,
        Driver.term(
            "weighted_window_mean",
            value,
            value,
            f"Weighted mean of the last {width} observations "
            f"({history.dates[-width]}..{history.dates[-1]}, {model.weight_strategy} weights, "
            "the newest weighing most).",
        ),
        caveat="A weighted moving average leans on the newest observations but still lags a "
        "change in level.",
    )


def _window_explanation(
    history: History, window: np.ndarray, value: float, mean: Driver, caveat: str
) -> Breakdown:
    """A window mean (plain or weighted): the mean, the window's spread, confidence by it."""
    spread = float(window.std())
    dispersion = Driver.context(
        "window_dispersion",
        spread,
        f"Population standard deviation of the {window.size} observations in the window.",
    )
    return Breakdown(
        forecast=value,
        drivers=(mean, dispersion),
        confidence=_steadiness(value, spread),
        comfortable_history=2 * window.size,
        caveat=caveat,
    )


def _seasonal_average(model: Any, history: History) -> Breakdown:
    season, cycles = model.season_length, model.lookback_cycles
    kept = history.quantity[-season * cycles :]
    # Day 1 reads the values exactly k seasons before it: kept[last - (k*S - 1)], k = 1..C. With
    # n >= 2S at least two exist, so the model's "no sample" fallback never applies here.
    positions = kept.size - 1 - (season * np.arange(1, cycles + 1) - 1)
    samples = kept[positions[positions >= 0]]
    trimmed = model.trim_outliers and samples.size >= 4
    used = np.sort(samples)[1:-1] if trimmed else samples
    value = float(used.mean())
    trim_note = ", the lowest and the highest left out" if trimmed else ""
    drivers = (
        Driver.term(
            "seasonal_mean",
            value,
            value,
            f"Mean of the quantities exactly 1..{samples.size} seasons of {season} "
            f"observations before the forecast day{trim_note}.",
        ),
        Driver.context(
            "season_samples", float(used.size), "How many past seasons the mean averages."
        ),
    )
    comfortable = season * cycles
    return Breakdown(
        forecast=value,
        drivers=drivers,
        confidence="low" if history.n < comfortable else _steadiness(value, float(used.std())),
        comfortable_history=comfortable,
        caveat=f"A seasonal average assumes the same position of the last {cycles} cycles "
        "repeats; a trend shows only gradually.",
    )


def _trend_regression_baseline(model: Any, history: History) -> Breakdown:
    fitted = model.fit(history.quantity)
    ridge = fitted.estimator_
    n = history.n
    # The design row of position n, and the terms of Ridge's prediction x @ coef + intercept.
    row = trend_design(
        np.array([n]), include_dow=model.include_dow, include_month=model.include_month
    )
    terms = ridge.coef_ * row[0]
    drivers = [
        Driver.term(
            "trend",
            float(n),
            terms[0],
            f"Slope times position {n} (positions count observed rows, not calendar days).",
        )
    ]
    offset = 1  # after the position column come the one-hot blocks, in design order
    for name, width, meaning in _trend_blocks(model):
        code = int(np.flatnonzero(row[0][offset : offset + width])[0])
        drivers.append(
            Driver.term(name, float(code), terms[offset + code], f"Effect of {meaning} {code}.")
        )
        offset += width
    drivers.append(
        Driver.term(BIAS_DRIVER, None, float(ridge.intercept_), "The regression's intercept.")
    )
    raw = float(sum(driver.contribution for driver in drivers))
    return Breakdown(
        forecast=float(fitted.predict(1)[0]),
        drivers=tuple(drivers),
        confidence="low" if n < TREND_COMFORTABLE_HISTORY else "medium",
        comfortable_history=TREND_COMFORTABLE_HISTORY,
        caveat="The trend baseline extrapolates a straight line over observation positions (not "
        "calendar dates), plus weekday and 30-position block effects.",
        extra_caveats=floor_caveat(raw),
    )


def _trend_blocks(model: Any) -> list[tuple[str, int, str]]:
    """The one-hot blocks of the trend design: driver name, width, what a code means."""
    blocks = []
    if model.include_dow:
        blocks.append(("day_of_week_effect", TREND_WEEK, "weekday position (position mod 7)"))
    if model.include_month:
        blocks.append(("month_effect", TREND_BLOCKS, "30-position block (of 12)"))
    return blocks


def _croston(model: Any, history: History) -> Breakdown:
    fitted = model.fit(history.quantity)
    value = float(fitted.predict(1)[0])
    sba = model.variant == "sba"
    times_factor = f" times the SBA factor {SBA_FACTOR}" if sba else ""
    if fitted.demands_ == 0:
        drivers = [
            Driver.term(
                "last_observation",
                float(history.quantity[-1]),
                value,
                f"No positive quantity up to {history.dates[-1]}: Croston repeats the last "
                f"observation{times_factor}.",
            )
        ]
    else:
        drivers = [
            Driver.term(
                "demand_rate",
                value,
                value,
                f"Smoothed demand size / smoothed demand interval{times_factor}: the expected "
                "quantity per observation.",
            ),
            Driver.context(
                "demand_size",
                float(fitted.demand_size_),
                f"Exponential smoothing (alpha {model.alpha}) of the {fitted.demands_} positive "
                "quantities.",
            ),
            Driver.context(
                "demand_interval",
                float(fitted.demand_interval_),
                f"Exponential smoothing (alpha {model.alpha}) of the intervals, in observations, "
                "between non-zero quantities.",
            ),
        ]
    if sba:
        drivers.append(
            Driver.context(
                "sba_factor",
                SBA_FACTOR,
                "Syntetos-Boylan approximation: Croston's ratio overstates demand, so it is "
                "scaled down.",
            )
        )
    return _intermittent_breakdown(history, value, drivers, "Croston")


def _tsb(model: Any, history: History) -> Breakdown:
    fitted = model.fit(history.quantity)
    value = float(fitted.predict(1)[0])
    drivers = [
        Driver.term(
            "demand_rate",
            value,
            value,
            "Smoothed probability of demand x smoothed demand size: the expected quantity per "
            "observation.",
        ),
        Driver.context(
            "demand_probability",
            float(fitted.demand_probability_),
            f"Exponential smoothing (alpha_p {model.alpha_p}) of whether each observation is "
            "non-zero: it decays on every day without demand.",
        ),
        Driver.context(
            "demand_size",
            float(fitted.demand_size_),
            f"Exponential smoothing (alpha_d {model.alpha_d}) of the positive quantities.",
        ),
    ]
    return _intermittent_breakdown(history, value, drivers, "TSB")


def _adida(model: Any, history: History) -> Breakdown:
    fitted = model.fit(history.quantity)
    value = float(fitted.predict(1)[0])
    size = int(fitted.aggregation_level_)
    if size == 0:
        return _intermittent_breakdown(history, value, [_no_demand(value, "ADIDA")], "ADIDA")
    drivers = [
        Driver.term(
            "aggregated_rate",
            value,
            value,
            f"The forecast total of the next bucket of {size} observations, spread evenly over "
            "them.",
        ),
        _aggregation_level(size, "Bucket size"),
        Driver.context(
            "bucket_forecast",
            float(fitted.bucket_forecast_),
            f"Exponential smoothing of the bucket totals, alpha {float(fitted.alpha_):.3f} (the "
            f"best fit in [{ALPHA_SEARCH_BOUNDS[0]}, {ALPHA_SEARCH_BOUNDS[1]}]).",
        ),
    ]
    return _intermittent_breakdown(history, value, drivers, "ADIDA")


def _imapa(model: Any, history: History) -> Breakdown:
    fitted = model.fit(history.quantity)
    value = float(fitted.predict(1)[0])
    largest = int(fitted.aggregation_level_)
    if largest == 0:
        return _intermittent_breakdown(history, value, [_no_demand(value, "IMAPA")], "IMAPA")
    rates = fitted.level_forecasts_[:largest]
    drivers = [
        Driver.term(
            "aggregated_rate_mean",
            value,
            value,
            f"Mean of ADIDA's per-observation forecasts at bucket sizes 1 to {largest}.",
        ),
        _aggregation_level(largest, "Largest bucket size"),
        Driver.context(
            "rate_unaggregated",
            float(rates[0]),
            "The per-observation forecast at bucket size 1 (no aggregation).",
        ),
        Driver.context(
            "rate_largest_bucket",
            float(rates[-1]),
            f"The per-observation forecast at bucket size {largest}.",
        ),
    ]
    return _intermittent_breakdown(history, value, drivers, "IMAPA")


def _no_demand(value: float, name: str) -> Driver:
    """The one driver of an aggregation model on a series without any non-zero quantity."""
    return Driver.term("no_demand", 0.0, value, f"No non-zero quantity: {name} forecasts 0.")


def _aggregation_level(size: int, what: str) -> Driver:
    """ADIDA's and IMAPA's bucket size, as context."""
    return Driver.context(
        "aggregation_level",
        float(size),
        f"{what}: the mean interval between non-zero quantities, in observations, rounded.",
    )


def _intermittent_breakdown(
    history: History, value: float, drivers: list[Driver], name: str
) -> Breakdown:
    """An intermittent-demand model's breakdown: its drivers, then how many days had demand;
    confidence is never high (the forecast is a rate, not a day's quantity)."""
    demand_days = int(np.count_nonzero(history.quantity))
    drivers.append(
        Driver.context(
            "demand_days",
            float(demand_days),
            f"Observations with a non-zero quantity, of {history.n}.",
        )
    )
    comfortable = INTERMITTENT_COMFORTABLE_HISTORY
    steady = history.n >= comfortable and demand_days >= FEW_DEMAND_DAYS
    return Breakdown(
        forecast=value,
        drivers=tuple(drivers),
        confidence="medium" if steady else "low",
        comfortable_history=comfortable,
        caveat=f"{name} forecasts the average quantity per observation, not any one day's: most "
        "days sell 0 and a day with demand sells more; trend and seasonality are ignored.",
    )


def _steadiness(mean: float, spread: float) -> Confidence:
    """Spec §10.2: high when the spread is under half the mean (a mean <= 0 counts as 0)."""
    ratio = spread / mean if mean > 0 else 0.0
    return "high" if ratio < STEADY_DISPERSION else "medium"


_EXPLAINERS: Final[dict[str, Callable[[Forecaster, History], Breakdown]]] = {
    "naive": _naive,
    "seasonal_naive": _seasonal_naive,
    "moving_average": _moving_average,
    "weighted_moving_average": _weighted_moving_average,
    "seasonal_average": _seasonal_average,
    "trend_regression_baseline": _trend_regression_baseline,
    "croston": _croston,
    "tsb": _tsb,
    "adida": _adida,
    "imapa": _imapa,
}
