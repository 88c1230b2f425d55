"""What the admin API does for product push: start a push, retry failures, show jobs and products."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.catalog.shops import resolve_shop
from tts_connector.connect.records import ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobItem, JobStatus
from tts_connector.jobs.store import JobStore
from tts_connector.listings.records import Listing, ListingStatus
from tts_connector.listings.store import ListingStore
from tts_connector.product_push.queue import PushQueue
from tts_connector.product_push.records import JOB_KIND, PlanMessage, PushSelection, WriteBackState
from tts_connector.product_push.store import PushStore
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.logistics import Warehouse

RETRY_CHUNK = 100


class PushRequest(PushSelection):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = Field(default=None, max_length=64)
    warehouse_id: str | None = Field(default=None, max_length=64)

    def selection(self) -> PushSelection:
        return PushSelection.model_validate(self.model_dump(exclude={"shop_id", "warehouse_id"}))


class RetryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    skus: list[str] = Field(default_factory=list, max_length=5000)


class RetryReport(BaseModel):
    job: Job
    requeued: list[str]
    skipped: dict[str, str]


class ItemView(BaseModel):
    sku: str
    status: ItemStatus
    attempts: int
    failure: ItemFailure | None = None
    result: dict[str, object] = Field(default_factory=dict)
    tiktok_status: ListingStatus | None = None
    audit_reasons: list[str] = Field(default_factory=list)


class JobDetail(BaseModel):
    job: Job
    items: list[ItemView]
    # Product push: the TikTok status of the pushed products (PENDING in review, ACTIVATE, FAILED ...).
    tiktok_statuses: dict[str, int] = Field(default_factory=dict)
    more_items: bool = False


class ProductView(BaseModel):
    shop_id: str
    sku: str
    listing: Listing | None
    write_back: WriteBackState | None


def start_push(
    request: PushRequest,
    *,
    connect: ConnectStore,
    jobs: JobStore,
    queue: PushQueue,
    warehouses: Callable[[ShopRef], list[Warehouse]],
) -> Job:
    selection = request.selection()
    shop = resolve_shop(connect, request.shop_id)
    if shop.status is not ShopStatus.CONNECTED:
        raise ConflictError(f"Shop {shop.name} is {shop.status.value}", hint="Re-authorize it with `ttsc connect`")
    if not shop.selected:
        raise ConflictError(
            f"The connector does not serve shop {shop.name} ({shop.shop_id})",
            hint=f"Serve it first: `ttsc shops select {shop.shop_id} --warehouse WAREHOUSE_ID`",
        )
    warehouse_id = request.warehouse_id or shop.warehouse_id
    if warehouse_id is None:
        raise InvalidInputError(
            f"Shop {shop.shop_id} has no default warehouse",
            hint="Pass --warehouse, or set one with `ttsc shops select`",
        )
    if request.warehouse_id is not None and request.warehouse_id != shop.warehouse_id:
        sales = {w.id for w in warehouses(ShopRef(shop.shop_id, shop.cipher)) if w.type == "SALES_WAREHOUSE"}
        if warehouse_id not in sales:
            raise InvalidInputError(
                f"Warehouse {warehouse_id} is not a sales warehouse of shop {shop.shop_id}",
                hint=f"Choose one of: {', '.join(sorted(sales)) or 'none'}",
            )
    job = jobs.open(
        Job(
            job_id=f"push-{uuid.uuid4().hex[:16]}",
            kind=JOB_KIND,
            shop_id=shop.shop_id,
            warehouse_id=warehouse_id,
            selection=selection.model_dump(exclude_defaults=True),
        )
    )
    queue.send_plan(
        PlanMessage(job_id=job.job_id, shop_id=shop.shop_id, warehouse_id=warehouse_id, selection=selection)
    )
    return job


def retry_push(job_id: str, request: RetryRequest, *, jobs: JobStore, queue: PushQueue) -> RetryReport:
    job = _job(jobs, job_id)
    if job.status is JobStatus.PLANNING:
        raise ConflictError(f"Job {job_id} is still reading its selection", hint="Retry once it is running")
    skipped: dict[str, str] = {}
    if request.skus:
        wanted = []
        for sku in dict.fromkeys(request.skus):
            item = jobs.get_item(job_id, sku)
            if item is None:
                skipped[sku] = "not in this job"
            elif item.status is not ItemStatus.FAILED:
                skipped[sku] = f"is {item.status.value}, not FAILED"
            else:
                wanted.append(sku)
    else:
        wanted = [i.item_key for i in jobs.items(job_id, ItemStatus.FAILED)]
    requeued = jobs.requeue(job_id, wanted)
    started_at = time.time()
    for start in range(0, len(requeued), RETRY_CHUNK):
        queue.send_plan(
            PlanMessage(
                job_id=job_id,
                shop_id=job.shop_id,
                warehouse_id=job.warehouse_id or "",
                selection=PushSelection(skus=requeued[start : start + RETRY_CHUNK]),
                retry_skus=requeued[start : start + RETRY_CHUNK],
                started_at=started_at,
            )
        )
    return RetryReport(job=jobs.get(job_id) or job, requeued=requeued, skipped=skipped)


def _job(jobs: JobStore, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise NotFoundError(f"No job {job_id}", hint="List jobs with `ttsc jobs list`")
    if job.kind != JOB_KIND:
        raise ConflictError(f"Job {job_id} is a {job.kind} job, not a product push")
    return job


def job_detail(job: Job, *, jobs: JobStore, listings: ListingStore, status: ItemStatus | None, limit: int) -> JobDetail:
    items: list[JobItem] = []
    # `limit=0` is a progress poll (the CLI's bar, the console, every second or two): the job's counters
    # answer it, and querying the items of a 2,000-product job on each poll would cost reads for nothing.
    more = limit == 0 and job.total > 0
    # Failures first: they are what the merchant acts on.
    order = [status] if status is not None else [ItemStatus.FAILED, ItemStatus.QUEUED, ItemStatus.SUCCEEDED]
    for wanted in order if limit > 0 else []:
        for item in jobs.items(job.job_id, wanted):
            if len(items) >= limit:
                more = True
                break
            items.append(item)
    found: dict[str, Listing] = {}
    statuses: Counter[str] = Counter()
    if job.kind == JOB_KIND and limit > 0:
        succeeded = [i.item_key for i in jobs.items(job.job_id, ItemStatus.SUCCEEDED)]
        found = listings.get_many(job.shop_id, succeeded)
        statuses.update(listing.status.value for listing in found.values())
    views = [
        ItemView(
            sku=i.item_key,
            status=i.status,
            attempts=i.attempts,
            failure=i.failure,
            result=i.result,
            tiktok_status=found[i.item_key].status if i.item_key in found else None,
            audit_reasons=found[i.item_key].audit_reasons if i.item_key in found else [],
        )
        for i in items
    ]
    return JobDetail(job=job, items=views, tiktok_statuses=dict(statuses), more_items=more)


def product_view(shop_id: str, sku: str, *, listings: ListingStore, store: PushStore) -> ProductView:
    listing = listings.get(shop_id, sku)
    write_back = store.write_back(shop_id, sku)
    if listing is None and write_back is None:
        link = listings.sku_by_magento(shop_id, sku)
        if link is not None:
            listing = listings.get(shop_id, link.listing_sku)
    if listing is None:
        raise NotFoundError(
            f"Magento product {sku} is not listed in shop {shop_id}",
            hint=f"Push it with `ttsc push products --sku {sku}`",
        )
    return ProductView(shop_id=shop_id, sku=sku, listing=listing, write_back=write_back)
