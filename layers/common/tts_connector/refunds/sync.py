"""Reconciliation: returns and cancellations TikTok changed since a cursor, settled like a webhook would.

A refund whose webhook was lost (TikTok gives up after its retries; the deployment was down) is found by Search
Returns / Search Cancellations with `update_time_ge` (reference §7.1, §7.3) from the shop's cursor minus
`OVERLAP_SECONDS` until the run's start, and queued as a `refunds:settle` request keyed by what was found
(return and TikTok update time), so finding it twice queues it once and a record already at that update is
skipped. A run out of time stores how far it got.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from tts_connector.errors import ConnectorError
from tts_connector.observability import logger, metrics
from tts_connector.order_import.sync import SyncReport
from tts_connector.refunds.handlers import Enqueue
from tts_connector.refunds.records import RefundKind, RefundState
from tts_connector.refunds.requests import Reason, settle_request
from tts_connector.refunds.settle import RefundServices
from tts_connector.refunds.tiktok_view import Ticket, from_cancellation, from_return
from tts_connector.sync_cursor import sync_since
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.returns import CancellationSearchFilter, ReturnSearchFilter

INITIAL_LOOKBACK_SECONDS = 24 * 3600
PAGE_SIZE = 50
# States a new look can change: anything not yet credited, closed or settled without a credit memo.
SETTLED = frozenset({RefundState.CREDITED, RefundState.NOT_CREDITED, RefundState.CLOSED})


def refunds_cursor(kind: RefundKind, shop_id: str) -> str:
    return f"refunds#{kind.value}#{shop_id}"


def _search(
    services: RefundServices, shop: ShopRef, kind: RefundKind, since: int, until: int, token: str | None
) -> tuple[list[Ticket], str | None]:
    api = services.tiktok.returns
    if kind is RefundKind.RETURN:
        page = api.search_returns(
            shop, ReturnSearchFilter(update_time_ge=since, update_time_lt=until), page_size=PAGE_SIZE, page_token=token
        )
        return [from_return(r) for r in page.return_orders], page.next_page_token
    found = api.search_cancellations(
        shop,
        CancellationSearchFilter(update_time_ge=since, update_time_lt=until),
        page_size=PAGE_SIZE,
        page_token=token,
    )
    return [from_cancellation(c) for c in found.cancellations], found.next_page_token


def _pages(services: RefundServices, shop: ShopRef, kind: RefundKind, since: int, until: int) -> Iterator[list[Ticket]]:
    token: str | None = None
    while True:
        tickets, token = _search(services, shop, kind, since, until, token)
        yield tickets
        if not token:
            return


def sync_shop_refunds(
    services: RefundServices,
    shop: ShopRef,
    kind: RefundKind,
    enqueue: Enqueue,
    *,
    since: int | None = None,
    deadline: float | None = None,
) -> SyncReport:
    now = int(services.clock())
    name = refunds_cursor(kind, shop.shop_id)
    if since is None:
        since = sync_since(services.store, name, lambda: INITIAL_LOOKBACK_SECONDS, now)
    report = SyncReport(shop_id=shop.shop_id, since=since, cursor=now)
    for tickets in _pages(services, shop, kind, since, now):
        for t in tickets:
            record = services.store.get(shop.shop_id, kind, t.refund_id)
            if record is not None and record.state in SETTLED and record.tiktok_update_time >= t.update_time:
                report.up_to_date += 1
                continue
            enqueue(
                settle_request(
                    shop.shop_id,
                    t.order_id,
                    kind,
                    t.refund_id,
                    Reason.SYNC,
                    now=now,
                    key=str(t.update_time),
                    update_time=t.update_time,
                )
            )
            report.queued.append(t.refund_id)
        if deadline is not None and time.monotonic() > deadline:
            # Pages come in creation order, not update order: the next run starts over from the same cursor.
            report.complete, report.cursor = False, since
            break
    if report.complete:
        services.store.set_cursor(name, report.cursor)
    return report


def reconcile_refunds(
    services: RefundServices,
    shop_ids: Sequence[str],
    *,
    enqueue: Enqueue,
    budget_seconds: float,
    since: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    deadline = clock() + budget_seconds
    reports: list[dict[str, Any]] = []
    for shop_id in shop_ids:
        shop = services.shop(shop_id)
        if isinstance(shop, str):
            continue
        for kind in RefundKind:
            try:
                r = sync_shop_refunds(services, shop, kind, enqueue, since=since, deadline=deadline)
            except ConnectorError as exc:
                metrics.add_metric(name="RefundSyncFailed", unit=MetricUnit.Count, value=1)
                logger.warning(
                    "Refund reconciliation failed", extra={"shop_id": shop_id, "kind": kind.value, "error": exc.message}
                )
                continue
            reports.append({"kind": kind.value, **r.__dict__})
    return {"shops": reports}
