"""The /backtesting slice: time-series cross-validation of one model on one series."""

from __future__ import annotations

from fastapi import APIRouter

from forecastlab.backtest.results import BacktestResult
from forecastlab.forecasting import service
from serving.deps import EngineDep, SettingsDep
from serving.schemas.backtesting import BacktestRequest, BacktestResponse

router = APIRouter(prefix="/backtesting", tags=["backtesting"])


@router.post(
    "/run",
    response_model=BacktestResponse,
    responses={
        400: {
            "description": "No or too few rows for the split, n_splits or gap over the "
            "settings' limits, or a disabled model"
        },
        422: {"description": "Schema violation (e.g. horizon not greater than gap)"},
    },
)
def run_backtest(body: BacktestRequest, engine: EngineDep, settings: SettingsDep) -> BacktestResult:
    """Backtest a model and the naive baselines over expanding or sliding folds of one series."""
    return service.backtest(engine, body, settings)
