"""Reconciliation: compare Magento's current values with what TikTok last accepted, for every listed SKU.

For stores that send no events, and to heal what events miss (a direct database change, a stock change that
does not touch `updated_at`, a lost delivery). A run walks the shop's listings in SKU order, page by page (at
most 100 SKUs, one Magento read of each kind per page), pushes only the SKUs whose value differs, and keeps its
place in a cursor; each page is one `sync:reconcile` work item on the shop's group of the push queue, so it
never races an event flush, and a long run continues in the next item when an invocation's budget is spent.
A changed setting (price rule, buffer, mapping) starts a run for what it affects.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from tts_connector.errors import ConflictError, NotFoundError
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.listings.records import Listing
from tts_connector.observability import logger, metrics
from tts_connector.stock_sync.engine import SYNCABLE_STATUSES, SyncReport, SyncRequest
from tts_connector.stock_sync.pushes import SKUS_PER_RUN, TIME_BUDGET_SECONDS, handle_flush
from tts_connector.stock_sync.records import ReconcileRun, SyncKind
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.work import flush_work, publish, reconcile_work

# A run whose cursor has not moved for this long is taken to have died (its work item parked in the DLQ):
# the schedule starts a new one.
STALE_RUN_SECONDS = 3600
HEALED_SAMPLE = 20


def start_run(
    services: SyncServices, shop_id: str, *, reason: str, kinds: Collection[SyncKind] | None = None
) -> ReconcileRun:
    """Start a run now (superseding one in progress) and queue its first page."""
    now = services.clock()
    run = ReconcileRun(
        shop_id=shop_id,
        run_id=uuid.uuid4().hex[:12],
        reason=reason,
        kinds=sorted(kinds) if kinds else [SyncKind.PRICE, SyncKind.STOCK],
        started_at=int(now),
        updated_at=int(now),
    )
    services.store().start_run(run)
    publish(services, reconcile_work(shop_id, run.run_id, 0, now))
    logger.info("Reconciliation started", extra={"shop_id": shop_id, "run_id": run.run_id, "reason": reason})
    return run


def start_scheduled_runs(services: SyncServices) -> dict[str, str]:
    """The schedule: a run for every shop served with sync on, unless one is still moving. Shop -> what happened."""
    started: dict[str, str] = {}
    now = services.clock()
    for shop in services.active_shops():
        settings, _ = services.settings_of(shop.shop_id)
        kinds = [k for k, on in ((SyncKind.PRICE, settings.price_sync), (SyncKind.STOCK, settings.stock_sync)) if on]
        if not kinds:
            started[shop.shop_id] = "sync is off"
            continue
        current = services.store().cursor(shop.shop_id)
        if current is not None and now - current.updated_at < STALE_RUN_SECONDS:
            started[shop.shop_id] = f"run {current.run_id} still in progress (page {current.page})"
            continue
        run = start_run(services, shop.shop_id, reason="schedule", kinds=kinds)
        started[shop.shop_id] = f"started run {run.run_id}"
    return started


def next_page(services: SyncServices, shop_id: str, after: str | None) -> list[Listing]:
    """Whole listings after `after`, up to SKUS_PER_RUN SKUs (at least one listing)."""
    page: list[Listing] = []
    count = 0
    for listing in services.listings().iter_listings(shop_id, after=after):
        if page and count + len(listing.skus) > SKUS_PER_RUN:
            break
        page.append(listing)
        count += len(listing.skus)
    return page


def handle_reconcile(event: InboundEvent, services: SyncServices) -> EventOutcome:
    shop_id, run_id, page_number = str(event.shop_id), str(event.payload["run_id"]), int(event.payload["page"])
    store = services.store()
    run = store.cursor(shop_id)
    if run is None or run.run_id != run_id:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Reconciliation run {run_id} was superseded")
    if run.page != page_number:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Page {page_number} of run {run_id} was already done")
    try:
        target = services.target(shop_id)
    except (NotFoundError, ConflictError) as exc:
        return EventOutcome(status=EventStatus.IGNORED, detail=exc.message)
    deadline = services.clock() + TIME_BUDGET_SECONDS
    # Marks left by events whose flush was lost are pushed first (this item is on the same group).
    if store.dirty(shop_id, 1):
        handle_flush(flush_work(shop_id, -1, services.clock()), services)
    reader = services.reader()
    calls_before = reader.calls
    engine = services.engine()
    kinds = frozenset(run.kinds)
    while services.clock() < deadline:
        listings = next_page(services, shop_id, run.after)
        if not listings:
            return _finish(services, run, reader.calls - calls_before)
        live = [listing for listing in listings if listing.status in SYNCABLE_STATUSES]
        report = engine.run(target, [SyncRequest(listing, kinds) for listing in live], deadline=deadline)
        if report.interrupted is not None:
            raise report.interrupted  # the page is retried; what it pushed is now "unchanged"
        done = _done_prefix(listings, report)
        if not done:
            break  # the budget ran out before the first product: the next item starts here
        run = _advance(run, done, [x for x in live if x in done], report, reader.calls - calls_before, services.clock())
        calls_before = reader.calls
        if not store.save_cursor(run, expected_page=run.page - 1):
            return EventOutcome(status=EventStatus.IGNORED, detail=f"Reconciliation run {run_id} was superseded")
    publish(services, reconcile_work(shop_id, run_id, run.page, services.clock()))
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"Run {run_id}: {run.skus_checked} SKU(s) checked so far, {run.skus_healed} healed; continues",
    )


def _done_prefix(listings: list[Listing], report: SyncReport) -> list[Listing]:
    """The listings of the page, in order, up to the first one the run did not get to (the cursor's new place)."""
    done: list[Listing] = []
    for listing in listings:
        if listing.status in SYNCABLE_STATUSES and listing.tiktok_product_id not in report.done_products:
            break
        done.append(listing)
    return done


def _advance(
    run: ReconcileRun, listings: list[Listing], live: list[Listing], report: SyncReport, magento_calls: int, now: float
) -> ReconcileRun:
    pushed = [r for r in report.results if r.outcome == "pushed"]
    failed = [r for r in report.results if r.outcome == "failed"]
    drifted = {r.magento_sku for r in pushed + failed}
    healed = sorted({r.magento_sku for r in pushed})
    if drifted:
        metrics.add_metric(name="ReconcileDrifted", unit="Count", value=len(drifted))
        metrics.add_metric(name="ReconcileHealed", unit="Count", value=len(healed))
        logger.info(
            "Reconciliation healed drift",
            extra={"shop_id": run.shop_id, "run_id": run.run_id, "healed": healed[:50], "failed": len(failed)},
        )
    return run.model_copy(
        update={
            "after": listings[-1].magento_sku,
            "page": run.page + 1,
            "updated_at": int(now),
            "skus_checked": run.skus_checked + sum(len(x.skus) for x in live),
            "skus_drifted": run.skus_drifted + len(drifted),
            "skus_healed": run.skus_healed + len(healed),
            "skus_failed": run.skus_failed + len({r.magento_sku for r in failed}),
            "tiktok_calls": run.tiktok_calls + report.tiktok_calls,
            "magento_calls": run.magento_calls + magento_calls,
            "healed_sample": (run.healed_sample + healed)[:HEALED_SAMPLE],
        }
    )


def _finish(services: SyncServices, run: ReconcileRun, magento_calls: int) -> EventOutcome:
    now = int(services.clock())
    done = run.model_copy(
        update={"finished_at": now, "updated_at": now, "magento_calls": run.magento_calls + magento_calls}
    )
    if not services.store().finish_run(done):
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Reconciliation run {run.run_id} was superseded")
    metrics.add_metric(name="ReconcileRunsFinished", unit="Count", value=1)
    logger.info("Reconciliation finished", extra={"shop_id": run.shop_id, "run": done.model_dump(mode="json")})
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"Run {run.run_id} finished: {done.skus_checked} SKU(s) checked, {done.skus_drifted} drifted, "
        f"{done.skus_healed} healed, {done.skus_failed} failed",
    )
