"""Admin routes for jobs (product pushes and later price/stock pushes): list, details, retry of failures."""

# No `from __future__ import annotations`: Powertools reads the route annotations at runtime for validation.
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from tts_connector import wiring
from tts_connector.errors import ConflictError, NotFoundError
from tts_connector.jobs.records import ItemStatus, Job
from tts_connector.product_push import service as push_service
from tts_connector.product_push.records import JOB_KIND as PRODUCT_PUSH

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.get("/admin/jobs", summary="Recent jobs, newest first")
def list_jobs(
    kind: Annotated[str | None, Query(max_length=32, description="e.g. product_push")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[Job]:
    return wiring.job_store().list_jobs(limit=limit, kind=kind)


@router.get("/admin/jobs/<job_id>", summary="A job's progress and its items (failures first, with their messages)")
def show_job(
    job_id: str,
    status: Annotated[ItemStatus | None, Query(description="Only items in this status")] = None,
    limit: Annotated[int, Query(ge=0, le=2000, description="Items to list (0: the counters only)")] = 200,
) -> push_service.JobDetail:
    job = wiring.job_store().get(job_id)
    if job is None:
        raise NotFoundError(f"No job {job_id}", hint="List jobs with `ttsc jobs list`")
    return push_service.job_detail(
        job, jobs=wiring.job_store(), listings=wiring.listing_store(), status=status, limit=limit
    )


@router.post("/admin/jobs/<job_id>/retry", summary="Retry a job's failed items (all, or the SKUs named)")
def retry_job(job_id: str, request: Annotated[push_service.RetryRequest, Body()]) -> push_service.RetryReport:
    job = wiring.job_store().get(job_id)
    if job is None:
        raise NotFoundError(f"No job {job_id}", hint="List jobs with `ttsc jobs list`")
    if job.kind != PRODUCT_PUSH:
        raise ConflictError(f"Retrying {job.kind} jobs is not supported")
    return push_service.retry_push(job_id, request, jobs=wiring.job_store(), queue=wiring.push_queue())
