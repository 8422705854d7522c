"""Interval calibrations of the pipeline's models, from their stored backtest residuals.

Every fold of a series counts, the held-out one included. The champion was chosen on the other
folds, whose residuals therefore flatter it a little; the held-out fold does not.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, TextClause, text

from forecastlab.intervals import RunCalibration, calibrations_from_fold_errors

_COLUMNS = "m.store_id, m.product_id, m.fold, m.cutoff, m.bucket, m.abs_errors"
_CHAMPION_ERRORS_SQL = text(
    f"select {_COLUMNS} from ml.backtest_fold_metrics m "
    "join ml.champion c using (store_id, product_id, model) "
    "where m.abs_errors is not null"
)
_MODEL_ERRORS_SQL = text(
    f"select {_COLUMNS} from ml.backtest_fold_metrics m "
    "where m.model = :model and m.abs_errors is not null"
)


def champion_calibration(engine: Engine, level: float) -> RunCalibration:
    """Each series' calibration from its champion's residuals (the portfolio's)."""
    return calibrations_from_fold_errors(_read(engine, _CHAMPION_ERRORS_SQL, {}), level)


def model_calibration(engine: Engine, model: str, level: float) -> RunCalibration:
    """Each series' calibration from one model's residuals (a global model's run)."""
    return calibrations_from_fold_errors(_read(engine, _MODEL_ERRORS_SQL, {"model": model}), level)


def _read(engine: Engine, sql: TextClause, params: dict[str, str]) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(sql, conn, params=params)
