"""Planning a push: the selection read page by page, each page's products added to the job and queued.

Each page is one message (`PlanMessage`): it reads 100 products, adds them as the job's items, sends one
product message each (in batches of 10), then sends the next page's message and moves the job's planning
cursor. A redelivered page finds the cursor already moved and stops there, so pages are never planned twice
in parallel; its products were added once (items are conditional puts) and a duplicate product message is
recognised by the worker. The last page ends the planning; a job whose items all finished meanwhile is
completed there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tts_connector.alerts import AlertPublisher
from tts_connector.catalog.magento_metadata import MagentoMetadata
from tts_connector.jobs.records import ItemFailure, ItemStatus, Job, JobStatus
from tts_connector.jobs.store import JobStore
from tts_connector.magento.client import MagentoClient
from tts_connector.observability import logger
from tts_connector.product_push.magento_reader import MagentoReader
from tts_connector.product_push.notify import notify_if_failed
from tts_connector.product_push.queue import PushQueue
from tts_connector.product_push.records import PlanMessage, ProductMessage
from tts_connector.product_push.snapshot import ProductSnapshot


@dataclass(frozen=True)
class PlanOutcome:
    job_id: str
    products: int
    finished: bool
    detail: str


def _not_found(jobs: JobStore, job_id: str, skus: list[str]) -> bool:
    """Record the SKUs Magento does not have; True when that finished the job."""
    completed = False
    for sku in skus:
        completed |= jobs.record(
            job_id,
            sku,
            ItemStatus.FAILED,
            failure=ItemFailure(
                code="not_found",
                message=f"Magento has no product with SKU {sku}",
                hint="Check the SKU in Catalog > Products (SKUs are case-sensitive)",
                magento_attribute="sku",
            ),
        ).job_completed
    return completed


def _messages(message: PlanMessage, products: list[ProductSnapshot]) -> list[ProductMessage]:
    planned_at = message.started_at or time.time()
    return [
        ProductMessage(
            job_id=message.job_id,
            shop_id=message.shop_id,
            warehouse_id=message.warehouse_id,
            sku=p.sku,
            planned_at=planned_at,
            snapshot=p,
        )
        for p in products
    ]


def plan_page(
    message: PlanMessage, *, jobs: JobStore, magento: MagentoClient, queue: PushQueue, alerts: AlertPublisher
) -> PlanOutcome:
    job = jobs.get(message.job_id)
    if job is None:
        return PlanOutcome(message.job_id, 0, False, "job not found (expired?)")
    reader = MagentoReader(magento)
    if message.retry_skus:
        return _plan_retry(message, job, jobs, reader, queue, alerts)
    if job.status is not JobStatus.PLANNING or job.plan_cursor != message.cursor:
        return PlanOutcome(job.job_id, 0, False, f"page at {message.cursor} already planned")
    scope = f"{message.job_id}@{message.started_at}"
    tree = MagentoMetadata(magento, scope).categories() if message.selection.category_id is not None else None
    page = reader.page(message.selection, message.cursor, tree)
    keys = [p.sku for p in page.products]
    added = set(jobs.add_items(job.job_id, keys + [s for s in page.requested if s not in keys]))
    if len(added) < len(set(keys)):
        # A redelivered page: send again what is still waiting (a worker drops what already finished).
        waiting = {k for k in keys if k not in added and _queued(jobs, job.job_id, k)}
        added |= waiting
    queue.send_products(_messages(message, [p for p in page.products if p.sku in added]))
    missing = [s for s in page.requested if s not in keys and s in added]
    if missing:
        _not_found(jobs, job.job_id, missing)
    if page.next_cursor is not None:
        queue.send_plan(message.model_copy(update={"cursor": page.next_cursor}))
        jobs.advance_planning(job.job_id, message.cursor, page.next_cursor)
        return PlanOutcome(job.job_id, len(keys), False, f"page planned, next from {page.next_cursor}")
    completed = jobs.finish_planning(job.job_id)
    finished = jobs.get(job.job_id)
    logger.info("Push planned", extra={"job_id": job.job_id, "total": finished.total if finished else None})
    if completed and finished is not None:
        notify_if_failed(finished, jobs, alerts)
    return PlanOutcome(job.job_id, len(keys), True, "planning finished")


def _queued(jobs: JobStore, job_id: str, key: str) -> bool:
    item = jobs.get_item(job_id, key)
    return item is not None and item.status is ItemStatus.QUEUED


def _plan_retry(
    message: PlanMessage, job: Job, jobs: JobStore, reader: MagentoReader, queue: PushQueue, alerts: AlertPublisher
) -> PlanOutcome:
    """Read the retried products again (they may have been fixed) and send them."""
    products = reader.by_skus(message.retry_skus)
    found = {p.sku for p in products}
    queue.send_products(_messages(message, [p for p in products if _queued(jobs, job.job_id, p.sku)]))
    gone = [sku for sku in message.retry_skus if sku not in found and _queued(jobs, job.job_id, sku)]
    current = jobs.get(job.job_id)
    if _not_found(jobs, job.job_id, gone) and current is not None:
        notify_if_failed(jobs.get(job.job_id) or current, jobs, alerts)
    return PlanOutcome(job.job_id, len(products), True, "retry sent")
