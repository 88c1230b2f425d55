"""Jobs: product pushes (and the price/stock pushes the job store also holds), their progress and results.

The guide's push notification and "View Details". The list is `GET /admin/jobs` (`JobStore.list_jobs`), a
job's page is `GET /admin/jobs/{id}` (`product_push.service.job_detail`: failures first, with TikTok's
status of each pushed product), its progress while running is the same call with no items (`limit=0`, as
the CLI's progress bar polls), and *Retry failed* is `POST /admin/jobs/{id}/retry`
(`product_push.service.retry_push`): only FAILED items are requeued, so a second click requeues nothing.
"""

# No `from __future__ import annotations`: Powertools reads route annotations at runtime.
import re
import time
from dataclasses import dataclass
from enum import StrEnum

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from tts_connector import wiring
from tts_connector.console.auth import ConsoleUser, require_operator
from tts_connector.console.badges import Badge, job_badge, push_failure_fix
from tts_connector.console.lists import list_fragment
from tts_connector.console.responses import current_user, fragment, parsed, query
from tts_connector.console.slots import SlotValue
from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError
from tts_connector.jobs.records import Job, JobStatus
from tts_connector.jobs.store import JobStore
from tts_connector.listings.store import ListingStore
from tts_connector.product_push import service as push_service
from tts_connector.product_push.queue import PushQueue
from tts_connector.product_push.records import JOB_KIND as PRODUCT_PUSH
from tts_connector.settings import get_settings
from tts_connector.tiktok.rate_limit import rate_ceiling

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

PAGE_LIMIT = 50
ITEM_LIMIT = 200
JOB_ID = r"^[A-Za-z0-9_-]{1,80}$"
# htmx polls a running job's counters this often; the poll stops with the job (no poller in the answer).
POLL_SECONDS = 2


class JobState(StrEnum):
    RUNNING = "running"  # planning or running
    COMPLETED = "completed"


class JobFilters(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    shop: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    status: JobState | None = None
    # `#/jobs?job=<id>` is a job's page (the console's hash routes are one word).
    job: str | None = Field(default=None, pattern=JOB_ID)


@dataclass(frozen=True)
class CreateRate:
    """A product push's pace beside what TikTok allows the shop per API (the limiter's ceiling)."""

    per_second: float
    ceiling: float
    share: float  # percent of the ceiling


@dataclass(frozen=True)
class Progress:
    job: Job
    badge: Badge
    running: bool
    queued: int
    percent: int
    poll_seconds: int
    rate: CreateRate | None = None


@dataclass(frozen=True)
class ItemRow:
    item: push_service.ItemView
    fix: str


@dataclass(frozen=True)
class JobPage:
    progress: Progress
    items: list[ItemRow]
    tiktok_statuses: dict[str, int]
    more_items: bool
    can_retry: bool


def is_running(job: Job) -> bool:
    return job.status is not JobStatus.COMPLETED


def create_rate(job: Job, *, ceiling: float, now: float) -> CreateRate | None:
    """Succeeded products per second since the job was created, from its own counters and times.

    Each succeeded product of a push is one Create Product or Edit Product call (its images go to another
    API), so this is the create rate the limiter holds under `ceiling`. Price and stock pushes send a call
    only for what differs, so their counters do not give a call rate: None.
    """
    if job.kind != PRODUCT_PUSH or not job.created_at:
        return None
    # Times are whole seconds: a job done within its first second has run for at least one.
    elapsed = max((job.finished_at or now) - job.created_at, 1)
    per_second = job.succeeded / elapsed
    return CreateRate(per_second=per_second, ceiling=ceiling, share=100 * per_second / ceiling)


def progress_of(job: Job, *, ceiling: float | None = None, now: float | None = None) -> Progress:
    rate = None
    if ceiling is not None:
        rate = create_rate(job, ceiling=ceiling, now=time.time() if now is None else now)
    return Progress(
        job=job,
        badge=job_badge(job.status, job.failed),
        running=is_running(job),
        queued=max(job.total - job.done, 0),
        percent=round(100 * job.done / job.total) if job.total else (100 if not is_running(job) else 0),
        poll_seconds=POLL_SECONDS,
        rate=rate,
    )


def shop_ceiling() -> float:
    return rate_ceiling(get_settings())


def can_retry(user: ConsoleUser, job: Job) -> bool:
    """What the admin retry accepts: a product push past planning with failed items."""
    return user.can_write and job.kind == PRODUCT_PUSH and job.status is not JobStatus.PLANNING and job.failed > 0


def list_jobs(store: JobStore, filters: JobFilters) -> list[Progress]:
    jobs = store.list_jobs(limit=PAGE_LIMIT)
    wanted = [
        j
        for j in jobs
        if (filters.shop is None or j.shop_id == filters.shop)
        and (filters.status is None or is_running(j) == (filters.status is JobState.RUNNING))
    ]
    return [progress_of(j) for j in wanted]


def job_page(
    user: ConsoleUser, job: Job, jobs: JobStore, listings: ListingStore, *, ceiling: float | None = None
) -> JobPage:
    detail = push_service.job_detail(job, jobs=jobs, listings=listings, status=None, limit=ITEM_LIMIT)
    return JobPage(
        progress=progress_of(detail.job, ceiling=ceiling),
        items=[ItemRow(i, push_failure_fix(i.sku, i.failure) if i.failure else "") for i in detail.items],
        tiktok_statuses=detail.tiktok_statuses,
        more_items=detail.more_items,
        can_retry=can_retry(user, detail.job),
    )


def retry_failed(jobs: JobStore, queue: PushQueue, job: Job) -> str:
    if job.kind != PRODUCT_PUSH:
        raise ConflictError(f"Retrying {job.kind} jobs is not supported")
    report = push_service.retry_push(job.job_id, push_service.RetryRequest(), jobs=jobs, queue=queue)
    if not report.requeued:
        return f"Job {job.job_id} has no failed product left: nothing was queued again."
    return f"{len(report.requeued)} failed product(s) of job {job.job_id} are queued again."


def running_jobs_slot(store: JobStore, shop_id: str) -> SlotValue:
    """Overview: the shop's jobs still planning or running, linking to the Jobs screen filtered to them."""
    running = list_jobs(store, JobFilters(shop=shop_id, status=JobState.RUNNING))
    detail = f"{sum(p.job.done for p in running)} of {sum(p.job.total for p in running)} items done" if running else ""
    return SlotValue(str(len(running)), detail=detail, link=f"#/jobs?shop={shop_id}&status=running")


def _job(job_id: str) -> Job:
    if not re.fullmatch(JOB_ID, job_id):
        raise InvalidInputError(f"{job_id!r} is not a job id")
    job = wiring.job_store().get(job_id)
    if job is None:
        raise NotFoundError(f"No job {job_id}", hint="It may have expired (jobs are kept 90 days)")
    return job


def _job_fragment(user: ConsoleUser, job: Job, notice: str = "") -> Response[str]:
    page = job_page(user, job, wiring.job_store(), wiring.listing_store(), ceiling=shop_ceiling())
    return fragment("job.html", user=user, page=page, notice=notice)


@router.get("/console/ui/jobs")
def jobs() -> Response[str]:
    event = router.current_event
    filters = parsed(JobFilters, query(event), "Filter ")
    if filters.job is not None:
        return _job_fragment(current_user(event), _job(filters.job))
    rows = list_jobs(wiring.job_store(), filters)
    return list_fragment("jobs.html", current_user(event), rows, filters, limit=PAGE_LIMIT, states=list(JobState))


@router.get("/console/ui/jobs/<job_id>")
def job(job_id: str) -> Response[str]:
    return _job_fragment(current_user(router.current_event), _job(job_id))


@router.get("/console/ui/jobs/<job_id>/progress")
def progress(job_id: str) -> Response[str]:
    current_user(router.current_event)
    return fragment("job_progress.html", progress=progress_of(_job(job_id), ceiling=shop_ceiling()))


@router.post("/console/ui/jobs/<job_id>/retry")
def retry(job_id: str) -> Response[str]:
    user = current_user(router.current_event)
    require_operator(user)
    found = _job(job_id)
    notice = retry_failed(wiring.job_store(), wiring.push_queue(), found)
    return _job_fragment(user, wiring.job_store().get(job_id) or found, notice)
