"""Running pushes on the push queue: flushes of products marked by events, and chunks of manual push jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from tts_connector.errors import ConflictError, NotFoundError
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.jobs.records import ItemFailure, ItemStatus
from tts_connector.observability import logger, metrics
from tts_connector.stock_sync.engine import SkuResult, SyncReport, SyncRequest
from tts_connector.stock_sync.records import SkuFailure, SyncKind
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.work import schedule_flush

# One run reads at most this many SKUs from Magento (one page of each read) before pushing them.
SKUS_PER_RUN = 100
PRODUCTS_PER_FLUSH = 1000
# Work an invocation takes on before handing the rest to a follow-up (the push function's timeout is 120 s).
TIME_BUDGET_SECONDS = 60.0

HINTS = {
    "not_live": "Price and stock follow once TikTok approves the product (see its audit status)",
    "not_in_magento": "Check the SKU exists in Magento, or remove the product from TikTok Shop",
    "price_rule": "Change the price rule: `ttsc sync settings --shop SHOP ...`",
    "no_warehouse": "Choose the shop's warehouse (`ttsc shops select`) or map sources (`ttsc sync settings`)",
    "tiktok_refused": "Fix what TikTok names, then push again",
}


def in_runs[T](items: Sequence[T], size: Callable[[T], int], max_size: int = SKUS_PER_RUN) -> Iterator[list[T]]:
    """Consecutive groups of whole items (products) whose sizes (SKU counts) add up to at most `max_size`."""
    group: list[T] = []
    count = 0
    for item in items:
        if group and count + size(item) > max_size:
            yield group
            group, count = [], 0
        group.append(item)
        count += size(item)
    if group:
        yield group


def merge(total: SyncReport, part: SyncReport) -> None:
    total.results += part.results
    total.tiktok_calls += part.tiktok_calls
    total.done_products |= part.done_products
    total.interrupted = total.interrupted or part.interrupted


def record_metrics(report: SyncReport, origin: str) -> None:
    metrics.add_metric(name="SyncTikTokUpdateCalls", unit="Count", value=report.tiktok_calls)
    metrics.add_metric(name="SyncSkusPushed", unit="Count", value=report.count("pushed"))
    if report.count("failed"):
        metrics.add_metric(name="SyncSkusFailed", unit="Count", value=report.count("failed"))
        failed = [r for r in report.results if r.outcome == "failed"]
        logger.warning(
            "SKUs failed to sync",
            extra={
                "origin": origin,
                "failures": [
                    {"sku": r.magento_sku, "kind": r.kind.value, "reason": r.failure.message if r.failure else ""}
                    for r in failed[:20]
                ],
            },
        )


# ---------- flushes of products marked by change events ----------
def handle_flush(event: InboundEvent, services: SyncServices) -> EventOutcome:
    shop_id = str(event.shop_id)
    try:
        target = services.target(shop_id)
    except (NotFoundError, ConflictError) as exc:
        return EventOutcome(status=EventStatus.IGNORED, detail=exc.message)
    # The budget counts from the start: reading hundreds of marks and listings on a slow day must not push the
    # invocation past its timeout, which would hold the shop's FIFO group for the queue's visibility timeout.
    deadline = services.clock() + TIME_BUDGET_SECONDS
    store = services.store()
    marks = store.dirty(shop_id, PRODUCTS_PER_FLUSH)
    if not marks:
        return EventOutcome(status=EventStatus.PROCESSED, detail="Nothing was waiting (pushed by an earlier flush)")
    listed = services.listings().get_many(shop_id, [mark.listing_sku for mark in marks])
    waiting = []
    for mark in marks:
        listing = listed.get(mark.listing_sku)
        if listing is None or listing.tiktok_product_id != mark.tiktok_product_id:
            store.clear_dirty(shop_id, mark.tiktok_product_id, mark.generation)  # no longer listed as such
            continue
        waiting.append((mark, SyncRequest(listing, mark.kinds)))
    engine = services.engine()
    total = SyncReport()
    left = len(marks) >= PRODUCTS_PER_FLUSH
    for run in in_runs(waiting, lambda w: len(w[1].listing.skus)):
        if services.clock() > deadline:
            left = True
            break
        report = engine.run(target, [request for _, request in run], deadline=deadline)
        merge(total, report)
        for mark, request in run:
            if request.listing.tiktok_product_id in report.done_products:
                store.clear_dirty(shop_id, mark.tiktok_product_id, mark.generation)
            else:
                left = True
        if report.interrupted is not None:
            break
    record_metrics(total, "flush")
    if total.interrupted is not None:
        raise total.interrupted  # SQS retries the flush; the products not pushed are still marked
    if left:
        schedule_flush(services, shop_id)
    return EventOutcome(status=EventStatus.PROCESSED, detail=f"{len(waiting)} product(s): {total.summary()}")


# ---------- chunks of manual push jobs ----------
def item_failure(failure: SkuFailure | None) -> ItemFailure:
    if failure is None:
        return ItemFailure(code="sync_failed", message="The push failed")
    return ItemFailure(
        code=failure.code,
        message=failure.message,
        hint=HINTS.get(failure.code),
        tiktok_code=failure.tiktok_code,
        request_id=failure.request_id,
        retryable=failure.code == "tiktok_refused",
    )


def _record(services: SyncServices, job_id: str, sku: str, result: SkuResult | None, missing: str) -> bool:
    jobs = services.jobs()
    if result is None:
        recorded = jobs.record(job_id, sku, ItemStatus.FAILED, failure=ItemFailure(code="not_listed", message=missing))
    elif result.outcome in ("pushed", "unchanged"):
        value = result.value if isinstance(result.value, str) else dict(result.value or {})
        recorded = jobs.record(
            job_id,
            sku,
            ItemStatus.SUCCEEDED,
            result={"tiktok_product_id": result.tiktok_product_id, result.kind.value: value},
        )
    else:
        recorded = jobs.record(job_id, sku, ItemStatus.FAILED, failure=item_failure(result.failure))
    return recorded.job_completed


def handle_push_chunk(event: InboundEvent, services: SyncServices) -> EventOutcome:
    payload = event.payload
    shop_id, job_id = str(payload["shop_id"]), str(payload["job_id"])
    kind = SyncKind(str(payload["kind"]))
    warehouse = payload.get("warehouse_id")
    products: list[dict[str, list[str] | str]] = list(payload["products"])
    jobs = services.jobs()
    if jobs.get(job_id) is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Job {job_id} no longer exists")
    pending = {str(p["listing_sku"]): [s for s in p["skus"] if _queued(services, job_id, str(s))] for p in products}
    pending = {listing_sku: skus for listing_sku, skus in pending.items() if skus}
    if not pending:
        return EventOutcome(status=EventStatus.PROCESSED, detail="Every item of this chunk already has its outcome")
    completed = False
    try:
        target = services.target(shop_id)
    except (NotFoundError, ConflictError) as exc:
        for skus in pending.values():
            for sku in skus:
                completed |= _record(services, job_id, sku, None, exc.message)
        return EventOutcome(status=EventStatus.PROCESSED, detail=f"Shop unavailable: {exc.message}")
    listings = services.listings()
    requests = []
    for listing_sku, skus in pending.items():
        listing = listings.get(shop_id, listing_sku)
        if listing is None:
            for sku in skus:
                completed |= _record(services, job_id, sku, None, f"{listing_sku} is no longer listed in this shop")
            continue
        requests.append(SyncRequest(listing, frozenset({kind})))
    report = services.engine().run(target, requests, force=True, warehouse=str(warehouse) if warehouse else None)
    record_metrics(report, "manual")
    by_sku = {r.magento_sku: r for r in report.results if r.kind is kind}
    for request in requests:
        if request.listing.tiktok_product_id not in report.done_products:
            continue
        for sku in pending[request.listing.magento_sku]:
            completed |= _record(
                services, job_id, sku, by_sku.get(sku), f"{sku} is no longer part of {request.listing.magento_sku}"
            )
    if completed:
        job = jobs.get(job_id)
        logger.info("Push job finished", extra={"job_id": job_id, "job": job.model_dump() if job else None})
    if report.interrupted is not None:
        raise report.interrupted  # SQS retries the chunk; items already recorded are not pushed again
    return EventOutcome(
        status=EventStatus.PROCESSED, detail=f"Job {job_id} chunk {payload['chunk']}: {report.summary()}"
    )


def _queued(services: SyncServices, job_id: str, sku: str) -> bool:
    item = services.jobs().get_item(job_id, sku)
    return item is not None and item.status is ItemStatus.QUEUED
