"""The /ingest slice (spec §3): batch upsert of daily sales by natural keys."""

from __future__ import annotations

from fastapi import APIRouter

from forecastlab.ingest import ingest_sales_daily
from serving.deps import EngineDep, SettingsDep
from serving.schemas.ingest import SalesIngestRequest, SalesIngestResponse

router = APIRouter(prefix="/ingest", tags=["ingest"])


@router.post(
    "/sales-daily",
    response_model=SalesIngestResponse,
    responses={422: {"description": "The body breaks the schema; nothing was written."}},
)
def ingest_sales(
    body: SalesIngestRequest, engine: EngineDep, settings: SettingsDep
) -> SalesIngestResponse:
    """Upsert daily sales by (date, store code, SKU); unknown keys are reported per row."""
    result = ingest_sales_daily(
        engine,
        [record.to_record() for record in body.records],
        batch_size=settings.ingest_batch_size,
        timeout_seconds=settings.ingest_timeout_seconds,
    )
    return SalesIngestResponse.model_validate(result)
