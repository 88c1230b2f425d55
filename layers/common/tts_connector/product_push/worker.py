"""The push queue's consumer: each product of a batch in its own thread, each outcome recorded once.

A product is tried up to `max_attempts` times: a failure a retry can fix (TikTok throttling or 5xx, Magento
down, a timeout) leaves the message on the queue with a growing delay (the message's visibility), and the
last attempt records the item FAILED with the reason, so nothing is lost and the job still completes. A
worker that died mid-product (timeout, crash) is noticed by the receive count; the next attempt finds the
create's intent and never creates a second TikTok product. Messages that cannot even be read go to the
queue's DLQ, whose alarm notifies.
"""

from __future__ import annotations

import random
import resource
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tts_connector.alerts import AlertPublisher
from tts_connector.catalog.images import ImageUploader
from tts_connector.catalog.store import CatalogStore
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import ConnectorError
from tts_connector.jobs.records import ItemFailure, ItemStatus
from tts_connector.jobs.store import JobStore
from tts_connector.listings.store import ListingStore
from tts_connector.magento.client import MagentoClient
from tts_connector.observability import logger
from tts_connector.product_push.context import shop_context
from tts_connector.product_push.failures import failure_for
from tts_connector.product_push.magento_reader import MagentoReader
from tts_connector.product_push.notify import notify_if_failed
from tts_connector.product_push.planner import plan_page
from tts_connector.product_push.preflight import PreflightFailed
from tts_connector.product_push.pusher import ProductPusher
from tts_connector.product_push.queue import PushQueue
from tts_connector.product_push.records import PlanMessage, ProductMessage, WriteBackMessage, parse_push_message
from tts_connector.product_push.store import PushStore
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.tiktok.api import TikTokShopApi

MAX_DELAY = 900  # SQS's longest visibility change is 12 h; a quarter of an hour keeps pushes moving


@dataclass
class PushServices:
    """One thread's clients and stores (HTTP sessions are per thread; stores share thread-safe clients)."""

    jobs: JobStore
    listings: ListingStore
    store: PushStore
    catalog_store: CatalogStore
    settings: ShopSettingsStore
    connect: ConnectStore
    queue: PushQueue
    alerts: AlertPublisher
    tiktok: TikTokShopApi
    magento: MagentoClient
    images: ImageUploader
    max_attempts: int
    retry_base_seconds: float
    delay_message: Callable[[str, int], None]


@dataclass(frozen=True)
class QueuedRecord:
    message_id: str
    body: str
    receipt_handle: str
    receive_count: int

    @classmethod
    def from_sqs(cls, record: Mapping[str, Any]) -> QueuedRecord:
        attributes = record.get("attributes") or {}
        return cls(
            message_id=str(record["messageId"]),
            body=str(record["body"]),
            receipt_handle=str(record.get("receiptHandle", "")),
            receive_count=int(attributes.get("ApproximateReceiveCount", 1)),
        )


class RetryLater(Exception):
    """Leave the message on the queue; it comes back after `delay` seconds."""

    def __init__(self, delay: int, reason: str):
        super().__init__(reason)
        self.delay = delay


def backoff(receive_count: int, base: float, retry_after: float | None = None) -> int:
    """Seconds until the next attempt: base x 2^(n-1), jittered, never below TikTok's Retry-After."""
    delay = base * (2 ** max(0, receive_count - 1)) * random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return int(min(MAX_DELAY, max(0.0, delay)))


def process_product(message: ProductMessage, record: QueuedRecord, services: PushServices) -> str:
    """Push one product and record its outcome; raises RetryLater when a later attempt may succeed."""
    jobs = services.jobs
    item = jobs.get_item(message.job_id, message.sku)
    if item is None:
        return "item unknown (job expired?)"
    ctx = shop_context(
        message.shop_id,
        message.warehouse_id,
        generation=f"{message.job_id}@{message.planned_at}",
        connect=services.connect,
        settings=services.settings,
        catalog_store=services.catalog_store,
        tiktok_catalog=services.tiktok.catalog,
        magento=services.magento,
    )
    pusher = ProductPusher(ctx, services.tiktok.products, services.images, services.listings, services.store)
    if item.status.finished:
        pusher.finish(message.sku)
        return f"already {item.status.value}"
    last = record.receive_count >= services.max_attempts
    if record.receive_count > services.max_attempts:
        # Earlier attempts ended without recording anything: the worker was stopped (timeout, crash).
        failure = ItemFailure(
            code="worker_stopped",
            message=f"Magento product {message.sku}: the worker stopped {record.receive_count - 1} times while "
            "pushing it (timeout or crash)",
            hint="See the ProductPushFunction log, then `ttsc jobs retry`",
            retryable=True,
        )
        return _record(services, message, ItemStatus.FAILED, failure=failure)
    jobs.start_attempt(message.job_id, message.sku)
    try:
        snapshot = message.snapshot
        if snapshot is None:
            found = MagentoReader(services.magento).by_skus([message.sku])
            if not found:
                failure = ItemFailure(
                    code="not_found", message=f"Magento has no product with SKU {message.sku}", magento_attribute="sku"
                )
                return _record(services, message, ItemStatus.FAILED, failure=failure)
            snapshot = found[0]
        result = pusher.push(snapshot, message.job_id)
        services.queue.send_write_back(
            WriteBackMessage(
                shop_id=message.shop_id,
                sku=message.sku,
                tiktok_product_id=result.tiktok_product_id,
                job_id=message.job_id,
            )
        )
    except PreflightFailed as exc:
        return _record(services, message, ItemStatus.FAILED, failure=exc.failure())
    except ConnectorError as exc:
        if exc.retryable and not last:
            retry_after = getattr(exc, "retry_after", None)
            raise RetryLater(
                backoff(record.receive_count, services.retry_base_seconds, retry_after), exc.message
            ) from exc
        return _record(
            services, message, ItemStatus.FAILED, failure=failure_for(exc, message.sku, attempts=record.receive_count)
        )
    except Exception as exc:
        logger.exception("Product push failed unexpectedly", extra={"sku": message.sku, "job_id": message.job_id})
        if not last:
            raise RetryLater(backoff(record.receive_count, services.retry_base_seconds), type(exc).__name__) from exc
        return _record(services, message, ItemStatus.FAILED, failure=failure_for(exc, message.sku))
    outcome = _record(services, message, ItemStatus.SUCCEEDED, result=result.as_result())
    if result.created:
        pusher.finish(message.sku)
    return outcome


def _record(
    services: PushServices,
    message: ProductMessage,
    status: ItemStatus,
    *,
    failure: ItemFailure | None = None,
    result: dict[str, Any] | None = None,
) -> str:
    recorded = services.jobs.record(message.job_id, message.sku, status, failure=failure, result=result)
    if recorded.job_completed and recorded.job is not None:
        logger.info(
            "Push job completed",
            extra={"job_id": message.job_id, "succeeded": recorded.job.succeeded, "failed": recorded.job.failed},
        )
        notify_if_failed(recorded.job, services.jobs, services.alerts)
    if failure is not None:
        logger.info("Product push failed", extra={"sku": message.sku, "job_id": message.job_id, "code": failure.code})
    return status.value if recorded.changed else f"already recorded ({status.value})"


def handle_record(record: QueuedRecord, services: PushServices) -> str:
    message = parse_push_message(record.body)
    if isinstance(message, PlanMessage):
        try:
            outcome = plan_page(
                message, jobs=services.jobs, magento=services.magento, queue=services.queue, alerts=services.alerts
            )
        except ConnectorError as exc:
            if exc.retryable and record.receive_count < services.max_attempts * 2:
                raise RetryLater(backoff(record.receive_count, services.retry_base_seconds), exc.message) from exc
            raise
        return outcome.detail
    return process_product(message, record, services)


_pool = ThreadPoolExecutor(max_workers=10, thread_name_prefix="push")
_pool_lock = threading.Lock()


def process_batch(records: list[Mapping[str, Any]], services: Callable[[], PushServices]) -> dict[str, Any]:
    """Lambda's partial batch response: the ids of the messages to leave on the queue."""
    queued = [QueuedRecord.from_sqs(r) for r in records]

    def run(record: QueuedRecord) -> str | None:
        own = services()
        try:
            outcome = handle_record(record, own)
        except RetryLater as later:
            logger.info(
                "Product push will be retried",
                extra={"message_id": record.message_id, "delay": later.delay, "reason": str(later)[:300]},
            )
            try:
                own.delay_message(record.receipt_handle, later.delay)
            except Exception:
                logger.exception("Could not delay the message; it returns after the visibility timeout")
            return record.message_id
        except (ValidationError, ValueError) as exc:
            # Not a message this queue's producers write: leave it to the redrive policy (DLQ + alarm).
            logger.error("Unreadable push message", extra={"message_id": record.message_id, "error": str(exc)[:300]})
            return record.message_id
        except Exception:
            logger.exception("Push message failed", extra={"message_id": record.message_id})
            return record.message_id
        logger.debug("Push message done", extra={"message_id": record.message_id, "outcome": outcome})
        return None

    with _pool_lock:
        failed = [m for m in _pool.map(run, queued) if m is not None]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    logger.info(
        "Push batch done",
        extra={"messages": len(queued), "retried": len(failed), "peak_rss_mb": round(peak_mb, 1)},
    )
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
