"""The /registry slice (spec §8): runs, integrity checks, aliases and comparisons over MLflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AfterValidator, Field

from forecastlab.registry import (
    Status,
    compare_runs,
    create_run,
    delete_alias,
    get_alias,
    get_run,
    list_aliases,
    list_runs,
    set_alias,
    update_run,
    verify,
)
from forecastlab.wire import DbId, no_nul
from serving.deps import SettingsDep
from serving.params import Order, PageNumber
from serving.schemas.registry import (
    AliasCreateRequest,
    AliasResponse,
    RunComparisonResponse,
    RunCreateRequest,
    RunListResponse,
    RunResponse,
    RunUpdateRequest,
    VerifiedResponse,
    VerifyMismatchResponse,
    VerifyResponse,
)

router = APIRouter(prefix="/registry", tags=["registry"])


_RUN_NOT_FOUND = {
    404: {
        "description": "No run with this id in the `forecastlab` experiment (also for malformed "
        "ids)."
    }
}
_ALIAS_NOT_FOUND = {404: {"description": "No such alias."}}


@router.post(
    "/runs",
    response_model=RunResponse,
    status_code=201,
    responses={
        409: {
            "description": "A non-archived duplicate exists and registry_duplicate_policy is "
            "`deny`."
        },
        422: {
            "description": "Schema violation, data_window_end before data_window_start, or a "
            "JSON field too large for an MLflow tag."
        },
    },
)
def create_registry_run(body: RunCreateRequest, settings: SettingsDep) -> RunResponse:
    """Create a pending run (an MLflow run) with its config hash and runtime_info."""
    record = create_run(
        body.model_type,
        body.config,
        body.data_window_start,
        body.data_window_end,
        body.store_id,
        body.product_id,
        feature_config=body.feature_config,
        runtime_info_extras=body.runtime_info_extras,
        agent_context=None
        if body.agent_context is None
        else body.agent_context.model_dump(exclude_none=True),
        git_sha=body.git_sha,
        duplicate_policy=settings.registry_duplicate_policy,
    )
    return RunResponse.model_validate(record)


@router.get(
    "/runs", response_model=RunListResponse, responses={422: {"description": "Bad status or page."}}
)
def list_registry_runs(
    page: PageNumber = 1,
    page_size: Annotated[int, Query(ge=1, le=100, description="Runs per page.")] = 20,
    model_type: Annotated[
        Annotated[str, Field(min_length=1, max_length=50), AfterValidator(no_nul)] | None, Query()
    ] = None,
    status: Status | None = None,
    store_id: Annotated[DbId | None, Query()] = None,
    product_id: Annotated[DbId | None, Query()] = None,
    sort_by: Annotated[
        str | None,
        Query(
            description="created_at (default), model_type, status, store_id or product_id; "
            "an unknown name sorts by created_at."
        ),
    ] = None,
    sort_order: Order = "desc",
) -> RunListResponse:
    """List runs with filters, pagination and an allow-listed sort (ties broken by run id)."""
    result = list_runs(
        model_type=model_type,
        status=status,
        store_id=store_id,
        product_id=product_id,
        sort_by=sort_by,
        sort_order=sort_order,
        page=page,
        page_size=page_size,
    )
    return RunListResponse.model_validate(result)


@router.get("/runs/{run_id}", response_model=RunResponse, responses=_RUN_NOT_FOUND)
def read_registry_run(run_id: str) -> RunResponse:
    """One run with its metrics, runtime_info and computed fields."""
    return RunResponse.model_validate(get_run(run_id))


@router.patch(
    "/runs/{run_id}",
    response_model=RunResponse,
    responses={
        400: {
            "description": "A status change the lifecycle does not allow (the detail names the "
            "allowed ones)."
        },
        **_RUN_NOT_FOUND,
    },
)
def patch_registry_run(run_id: str, body: RunUpdateRequest) -> RunResponse:
    """Change a run's status, metrics, artifact reference or error message."""
    record = update_run(
        run_id,
        status=body.status,
        metrics=body.metrics,
        artifact_uri=body.artifact_uri,
        artifact_hash=body.artifact_hash,
        artifact_size_bytes=body.artifact_size_bytes,
        error_message=body.error_message,
    )
    return RunResponse.model_validate(record)


@router.get(
    "/runs/{run_id}/verify",
    response_model=VerifyResponse,
    responses={
        400: {
            "description": "The run records no artifact_uri or artifact_hash, or its "
            "artifact_uri escapes the artifact store."
        },
        404: {"description": "No such run, or the artifact store no longer has the artifact."},
    },
)
def verify_registry_run(run_id: str) -> VerifyResponse:
    """Recompute the artifact's SHA-256 and compare it with the recorded hash."""
    result = verify(run_id)
    if result.verified:
        return VerifiedResponse.model_validate(result)
    return VerifyMismatchResponse.model_validate(result)


@router.post(
    "/aliases",
    response_model=AliasResponse,
    status_code=201,
    responses={
        400: {
            "description": "The run is not `success`, or `production` for a run that is not a "
            "portfolio."
        },
        **_RUN_NOT_FOUND,
        422: {
            "description": "Bad alias name (pattern, length, or reserved by MLflow: latest, v<n>)."
        },
    },
)
def upsert_registry_alias(body: AliasCreateRequest) -> AliasResponse:
    """Point an alias of `forecastlab-demand` at a successful run (create or re-point)."""
    return AliasResponse.model_validate(set_alias(body.alias_name, body.run_id, body.description))


@router.get("/aliases", response_model=list[AliasResponse])
def list_registry_aliases() -> list[AliasResponse]:
    """Every alias, ordered by name."""
    return [AliasResponse.model_validate(alias) for alias in list_aliases()]


@router.get(
    "/aliases/{alias_name}",
    response_model=AliasResponse,
    responses=_ALIAS_NOT_FOUND,
)
def read_registry_alias(alias_name: str) -> AliasResponse:
    """One alias and the run it points at."""
    return AliasResponse.model_validate(get_alias(alias_name))


@router.delete("/aliases/{alias_name}", status_code=204, responses=_ALIAS_NOT_FOUND)
def delete_registry_alias(alias_name: str) -> Response:
    """Delete an alias; the model version and the run stay."""
    delete_alias(alias_name)
    return Response(status_code=204)


@router.get(
    "/compare/{run_id_a}/{run_id_b}",
    response_model=RunComparisonResponse,
    responses={404: {"description": "Either run does not exist."}},
)
def compare_registry_runs(run_id_a: str, run_id_b: str) -> RunComparisonResponse:
    """Shallow model_config diff, metric diffs and whether the two runs are comparable."""
    return RunComparisonResponse.model_validate(compare_runs(run_id_a, run_id_b))
