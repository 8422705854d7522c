"""The explanations behind `/explain/*` (spec §10.6, D-17) and the tree-model extension.

* :func:`explain_forecast` — a baseline's first forecast day from the series up to a cutoff;
* :func:`explain_run` / :func:`explain_job` — the same for a registry run / a predict job;
* :func:`explain_contributions` — per-feature contributions of a tree model's forecast days.

Every explanation is written to `app.forecast_explanation` before it is returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from forecastlab.explain.baselines import baseline_config, explain_baseline
from forecastlab.explain.contributions import tree_breakdown
from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.explanation import Breakdown, Explanation, Method
from forecastlab.explain.history import SeriesFacts, load_facts, load_history
from forecastlab.explain.narrative import agent_summary, caveats, reason_codes
from forecastlab.explain.store import save_explanations
from forecastlab.explain.tree_rows import TREE_MODEL_TYPES, tree_rows
from forecastlab.explain.trees import attribute
from forecastlab.forecasting.errors import NoDataError
from forecastlab.forecasting.service import forecast_series
from forecastlab.jobs.records import JobRecord
from forecastlab.models import ModelConfigBase
from forecastlab.registry import PORTFOLIO_MODEL_TYPE, RunNotFoundError, RunRecord, get_run
from forecastlab.settings import Settings

CONTRIBUTION_RUN_TYPES = (*TREE_MODEL_TYPES, PORTFOLIO_MODEL_TYPE)


@dataclass(frozen=True)
class Contributions:
    """The explained forecast days of one series by a tree model (of a run or a portfolio)."""

    run_id: str
    run_model_type: str
    store_id: int
    product_id: int
    horizon: int
    method: Method
    explanations: tuple[Explanation, ...]


def explain_forecast(
    engine: Engine,
    store_id: int,
    product_id: int,
    model_type: str,
    as_of_date: date,
    params: Mapping[str, Any],
    settings: Settings | None = None,
) -> Explanation:
    """A baseline's forecast for `as_of_date + 1` from the series up to `as_of_date`; `params`
    may name the model's hyper-parameters (season_length, window_size, ...), defaults else."""
    config = baseline_config(model_type, params)
    return _explain_baseline(engine, store_id, product_id, config, as_of_date, settings=settings)


def explain_run(
    engine: Engine,
    run_id: str,
    store_id: int | None = None,
    product_id: int | None = None,
    settings: Settings | None = None,
) -> Explanation:
    """A baseline run's forecast after its data window, with its own hyper-parameters; a run
    without a series (DESIGN "Runs without a grain") needs `store_id` and `product_id`."""
    run = get_run(run_id)
    config = baseline_config(run.model_type, run.model_config)
    if run.data_window_end is None:
        raise NotExplainableError(f"run {run_id} records no data_window_end to explain from")
    store_id, product_id = _run_series(run, store_id, product_id)
    return _explain_baseline(
        engine, store_id, product_id, config, run.data_window_end, run_id=run_id, settings=settings
    )


def explain_job(engine: Engine, job: JobRecord, settings: Settings | None = None) -> Explanation:
    """A completed predict job's first forecast day, from the day before it; the model's
    hyper-parameters are those of the job's run (defaults when the result names none)."""
    if job.job_type != "predict" or job.status != "completed":
        raise NotExplainableError(
            f"job {job.job_id} is a {job.status} {job.job_type} job: only completed predict "
            "jobs can be explained"
        )
    result = job.result or {}
    missing = [
        key for key in ("forecasts", "store_id", "product_id", "model_type") if not result.get(key)
    ]
    if missing:
        raise NotExplainableError(f"the result of job {job.job_id} lacks {', '.join(missing)}")
    run_id = result.get("run_id")
    config = baseline_config(result["model_type"], _run_config(run_id) if run_id else {})
    first_day = date.fromisoformat(result["forecasts"][0]["date"])
    return _explain_baseline(
        engine,
        result["store_id"],
        result["product_id"],
        config,
        first_day - timedelta(days=1),
        run_id=run_id,
        job_id=job.job_id,
        settings=settings,
    )


def explain_contributions(
    engine: Engine,
    run_id: str,
    horizon: int = 1,
    store_id: int | None = None,
    product_id: int | None = None,
    settings: Settings | None = None,
) -> Contributions:
    """Per-feature contributions to each of the `horizon` days a tree model's run forecasts
    (the days `/forecasting/predict` answers): TreeSHAP for LightGBM, the decision path for
    HistGradientBoosting. A global model or a portfolio needs `store_id` and `product_id`."""
    run = get_run(run_id)
    if run.model_type not in CONTRIBUTION_RUN_TYPES:
        raise NotExplainableError(
            f"run {run_id} is a {run.model_type} model: contributions exist for "
            f"{', '.join(CONTRIBUTION_RUN_TYPES)} runs (baselines: GET /explain/runs/{run_id})"
        )
    forecast = forecast_series(engine, run_id, horizon, store_id, product_id, settings)
    store_id, product_id = forecast.store_id, forecast.product_id
    rows = tree_rows(forecast.forecaster, store_id, product_id, horizon)
    attribution = attribute(rows.estimator, rows.rows)
    facts = load_facts(engine, store_id, product_id, forecast.origin, horizon)
    explanations = tuple(
        _explanation(
            store_id,
            product_id,
            rows.model_type,
            attribution.method,
            tree_breakdown(rows, attribution, step, float(value), facts.observations),
            facts,
            day,
            run_id=run_id,
        )
        for step, (day, value) in enumerate(zip(forecast.dates, forecast.values, strict=True))
    )
    save_explanations(engine, explanations)
    return Contributions(
        run_id=run_id,
        run_model_type=run.model_type,
        store_id=store_id,
        product_id=product_id,
        horizon=horizon,
        method=attribution.method,
        explanations=explanations,
    )


def _explain_baseline(
    engine: Engine,
    store_id: int,
    product_id: int,
    config: ModelConfigBase,
    as_of: date,
    *,
    run_id: str | None = None,
    job_id: str | None = None,
    settings: Settings | None = None,
) -> Explanation:
    history = load_history(engine, store_id, product_id, as_of)
    if history.n == 0:
        raise NoDataError(
            f"No sales history for store {store_id} product {product_id} on or before {as_of}"
        )
    breakdown = explain_baseline(config, history, settings)
    explanation = _explanation(
        store_id,
        product_id,
        config.model_type,
        "rule_based",
        breakdown,
        load_facts(engine, store_id, product_id, as_of),
        as_of + timedelta(days=1),
        run_id=run_id,
        job_id=job_id,
    )
    save_explanations(engine, [explanation])
    return explanation


def _explanation(
    store_id: int,
    product_id: int,
    model_type: str,
    method: Method,
    breakdown: Breakdown,
    facts: SeriesFacts,
    forecast_date: date,
    *,
    run_id: str | None = None,
    job_id: str | None = None,
) -> Explanation:
    """The breakdown with the series' reason codes, the caveats and the summary."""
    codes = reason_codes(facts, forecast_date, breakdown.comfortable_history, model_type)
    return Explanation(
        explanation_id=uuid.uuid4().hex,
        store_id=store_id,
        product_id=product_id,
        model_type=model_type,
        method=method,
        forecast_value=breakdown.forecast,
        drivers=breakdown.drivers,
        reason_codes=codes,
        confidence=breakdown.confidence,
        caveats=caveats(
            breakdown.caveat, codes, facts, breakdown.comfortable_history, breakdown.extra_caveats
        ),
        agent_summary=agent_summary(
            store_id=store_id,
            product_id=product_id,
            model_type=model_type,
            forecast_value=breakdown.forecast,
            forecast_date=forecast_date,
            drivers=breakdown.drivers,
            confidence=breakdown.confidence,
            codes=codes,
        ),
        as_of_date=facts.as_of,
        forecast_date=forecast_date,
        generated_at=datetime.now(UTC),
        run_id=run_id,
        job_id=job_id,
    )


def _run_series(run: RunRecord, store_id: int | None, product_id: int | None) -> tuple[int, int]:
    """The series to explain a run on: its own, or (for a run without one) the one asked for."""
    for name, trained, given in (
        ("store_id", run.store_id, store_id),
        ("product_id", run.product_id, product_id),
    ):
        if trained is not None and given is not None and given != trained:
            raise NotExplainableError(
                f"run {run.run_id} was trained for {name} {trained}, not {given}"
            )
    store = store_id if run.store_id is None else run.store_id
    product = product_id if run.product_id is None else run.product_id
    if store is None or product is None:
        raise NotExplainableError(
            f"run {run.run_id} ({run.model_type}) has no single series: give the store_id and "
            "product_id query parameters"
        )
    return store, product


def _run_config(run_id: str) -> dict[str, Any]:
    """The model_config of the run a job used; 400 when the run is gone from the registry."""
    try:
        return get_run(run_id).model_config
    except RunNotFoundError as exc:
        raise NotExplainableError(
            f"the run {run_id} this job forecast with is no longer in the registry"
        ) from exc
