"""app.job_result on a real PostgreSQL: results, errors, replacement, batch reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.errors import NotFoundError
from forecastlab.jobs.store import JobOutcome, fetch_outcomes, save_failure, save_result


@pytest.fixture(scope="module")
def engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    return engine_for(fresh_database("jobstore").app_sqlalchemy)


def test_result_and_params_are_stored_as_json(engine: Engine) -> None:
    params = {"run_id": "a" * 32, "horizon": 2}
    result = {"run_id": "a" * 32, "forecasts": [{"date": "2025-07-01", "forecast": 1.5}]}
    save_result(engine, "run-1", "predict", params, result)
    assert fetch_outcomes(engine, ["run-1", "run-unknown"]) == {"run-1": JobOutcome(result=result)}
    with engine.connect() as conn:
        row = conn.execute(text("select job_type, params from app.job_result")).one()
    assert (row.job_type, row.params) == ("predict", params)


def test_a_failure_records_message_and_class_and_replaces_a_result(engine: Engine) -> None:
    save_result(engine, "run-2", "train", {}, {"run_id": "b" * 32})
    save_failure(engine, "run-2", "train", {}, NotFoundError("x" * 2500))
    outcome = fetch_outcomes(engine, ["run-2"])["run-2"]
    assert outcome.result is None
    assert outcome.error_type == "NotFoundError"
    assert outcome.error_message == "x" * 2000


def test_other_errors_are_named_but_their_text_is_not_stored(engine: Engine) -> None:
    # A driver error's text can quote SQL and data; clients read error_message.
    save_failure(engine, "run-3", "backtest", {}, RuntimeError("select secret from raw.store"))
    outcome = fetch_outcomes(engine, ["run-3"])["run-3"]
    assert outcome.error_type == "RuntimeError"
    assert "secret" not in (outcome.error_message or "")
    assert outcome.error_message.startswith("RuntimeError: an internal error occurred")


def test_no_ids_reads_nothing_and_bad_job_types_are_refused(engine: Engine) -> None:
    assert fetch_outcomes(engine, []) == {}
    with pytest.raises(IntegrityError):
        save_result(engine, "run-4", "forecast", {}, {})  # type: ignore[arg-type]
