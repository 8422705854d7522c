"""Execute one job: the synchronous endpoints' service calls, recorded in `app.job_result`.

The Dagster job's step is a thin shell over :func:`run_and_record`; the result payload is the
synchronous endpoint's response body (spec §9.1, D-34).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from forecastlab.errors import BadRequestError
from forecastlab.forecasting import service
from forecastlab.forecasting.requests import BacktestRequest, PredictRequest, TrainRequest
from forecastlab.jobs.contract import JobType
from forecastlab.jobs.params import JobRequest, PredictJobRequest, request_from_json
from forecastlab.jobs.store import save_failure, save_result
from forecastlab.registry import get_run

Payload = dict[str, Any]


def run_and_record(
    engine: Engine,
    job_id: str,
    job_type: JobType,
    request_json: str,
    params: Mapping[str, Any],
) -> Payload:
    """Execute the job and record its result; on failure record the error, then re-raise it."""
    try:
        result = execute(engine, job_type, request_from_json(job_type, request_json))
    except Exception as exc:
        save_failure(engine, job_id, job_type, params, exc)
        raise
    save_result(engine, job_id, job_type, params, result)
    return result


def execute(engine: Engine, job_type: JobType, request: JobRequest) -> Payload:
    """The result payload of one job; the service reads its settings from the environment."""
    return _EXECUTORS[job_type](engine, request)


def _train(engine: Engine, request: TrainRequest) -> Payload:
    return _json(service.train(engine, request))


def _predict(engine: Engine, request: PredictJobRequest) -> Payload:
    store_id, product_id = _series(request)
    predict = PredictRequest(
        store_id=store_id, product_id=product_id, horizon=request.horizon, run_id=request.run_id
    )
    return _json(service.predict(engine, predict))


def _series(request: PredictJobRequest) -> tuple[int, int]:
    """The series to forecast: as given, else the run's own grain."""
    if request.store_id is not None and request.product_id is not None:
        return request.store_id, request.product_id
    run = get_run(request.run_id)
    # Ids are >= 1, so `or` only fills what the request left out.
    store_id = request.store_id or run.store_id
    product_id = request.product_id or run.product_id
    if store_id is None or product_id is None:
        raise BadRequestError(
            f"run {request.run_id} ({run.model_type}) has no single series: "
            "give store_id and product_id"
        )
    return store_id, product_id


def _backtest(engine: Engine, request: BacktestRequest) -> Payload:
    body = service.backtest(engine, request).to_json_dict()
    main = body["main_model_results"]
    summary = {
        "backtest_id": body["backtest_id"],
        "model_type": main["model_type"],
        "n_splits": len(main["fold_results"]),  # folds actually run (the split may reduce them)
        "aggregated_metrics": main["aggregated_metrics"],
        "duration_ms": body["duration_ms"],
    }
    return {**summary, **body}


def _json(response: Any) -> Payload:
    # The JSON serialiser writes non-finite floats as null (D-03); model_dump would keep them.
    return json.loads(response.model_dump_json())


_EXECUTORS: dict[JobType, Callable[[Engine, Any], Payload]] = {
    "train": _train,
    "predict": _predict,
    "backtest": _backtest,
}
