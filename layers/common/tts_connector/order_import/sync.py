"""Reconciliation: TikTok orders changed since a cursor, and new Magento shipments, fed to the same state machine.

Webhooks get lost (TikTok gives up after its fourth retry; a deployment may be down longer), and stores
without a change-event module send no shipment events. Both sweeps queue an `orders:converge` request per
order that needs a look, in the order's FIFO group; the request is keyed by what was found (order and
TikTok update time; shipment and its tracking numbers), so finding the same thing twice queues it once.

Cursors overlap the previous run by `sync_cursor.OVERLAP_SECONDS`: TikTok's search is not promised to show an
order the second its update_time is set, and Magento's `created_at` has second resolution.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from tts_connector.errors import ConnectorError
from tts_connector.magento.client import MagentoClient
from tts_connector.magento.search_criteria import SearchCriteria, iterate_all
from tts_connector.observability import logger, metrics
from tts_connector.order_import.converge import OrderServices, normalized_status
from tts_connector.order_import.handlers import Enqueue
from tts_connector.order_import.options import ORDERS_SECTION, OrderSettings
from tts_connector.order_import.records import OrderState
from tts_connector.order_import.requests import shipment_request, sync_request
from tts_connector.order_import.store import OrderStore
from tts_connector.shop_settings import ShopSettingsStore
from tts_connector.sync_cursor import sync_since
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.order import OrderSearchFilter

PAGE_SIZE = 50
SHIPMENTS_CURSOR = "magento-shipments"


def orders_cursor(shop_id: str) -> str:
    return f"orders#{shop_id}"


@dataclass
class SyncReport:
    """One shop's run (orders here, returns or cancellations in `refunds.sync`)."""

    shop_id: str
    since: int
    queued: list[str] = field(default_factory=list)
    up_to_date: int = 0
    # Where the next run starts; less than the run's start when the time budget ran out first.
    cursor: int = 0
    complete: bool = True


def _initial_sync_seconds(shop_settings: ShopSettingsStore, shop_id: str) -> int:
    """How far back a shop's first run looks (the merchant's setting)."""
    return shop_settings.get(shop_id, ORDERS_SECTION, OrderSettings).initial_sync_hours * 3600


def sync_shop_orders(
    *,
    shop: ShopRef,
    store: OrderStore,
    tiktok: TikTokShopApi,
    shop_settings: ShopSettingsStore,
    enqueue: Enqueue,
    since: int | None = None,
    deadline: float | None = None,
    clock: Callable[[], float] = time.time,
) -> SyncReport:
    """Queue every order of the shop TikTok updated since `since` (default: the stored cursor, overlapped)."""
    started = int(clock())
    cursor_name = orders_cursor(shop.shop_id)
    if since is None:
        since = sync_since(store, cursor_name, lambda: _initial_sync_seconds(shop_settings, shop.shop_id), started)
    report = SyncReport(shop_id=shop.shop_id, since=since, cursor=started)
    token: str | None = None
    progress = since
    while True:
        if deadline is not None and time.monotonic() > deadline:
            report.complete, report.cursor = False, progress
            break
        page = tiktok.orders.search(
            shop,
            OrderSearchFilter(update_time_ge=since, update_time_lt=started + 1),
            page_size=PAGE_SIZE,
            page_token=token,
            sort_field="update_time",
            sort_order="ASC",
        )
        for order in page.orders:
            record = store.get(shop.shop_id, order.id)
            if (
                record is not None
                and record.state is not OrderState.FAILED
                and record.tiktok_update_time >= order.update_time
                and record.tiktok_status == normalized_status(order.status)
            ):
                report.up_to_date += 1
            else:
                enqueue(sync_request(shop.shop_id, order.id, order.update_time, started))
                report.queued.append(order.id)
            progress = max(progress, order.update_time)
        token = page.next_page_token
        if not token or not page.orders:
            break
    store.set_cursor(cursor_name, report.cursor)
    return report


def _magento_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def scan_magento_shipments(
    *,
    magento: MagentoClient,
    store: OrderStore,
    enqueue: Enqueue,
    clock: Callable[[], float] = time.time,
    first_lookback_seconds: int = 24 * 3600,
) -> list[int]:
    """Queue the TikTok seller-shipping orders that have a Magento shipment with tracking not yet pushed."""
    started = int(clock())
    since = sync_since(store, SHIPMENTS_CURSOR, lambda: first_lookback_seconds, started)
    criteria = SearchCriteria(page_size=100).where("created_at", _magento_time(since), "gteq").sort_by("entity_id")
    queued: list[int] = []
    for shipment in iterate_all(magento.sales.search_shipments, criteria):
        shipment_id = int(shipment["entity_id"])
        record = store.by_magento_order(int(shipment["order_id"]))
        if record is None or (record.shipping_type or "").upper() != "SELLER":
            continue
        if shipment_id in {push.magento_shipment_id for push in record.pushed_shipments}:
            continue
        numbers = sorted(str(t.get("track_number")) for t in shipment.get("tracks") or [])
        if not numbers:
            continue  # nothing to push until the merchant adds tracking
        digest = hashlib.sha256("|".join(numbers).encode()).hexdigest()[:12]
        enqueue(
            shipment_request(record.shop_id, record.tiktok_order_id, shipment_id, started, f"{shipment_id}:{digest}")
        )
        queued.append(shipment_id)
    store.set_cursor(SHIPMENTS_CURSOR, started)
    return queued


def reconcile_orders(
    services: OrderServices, shop_ids: Sequence[str], *, enqueue: Enqueue, budget_seconds: float
) -> dict[str, Any]:
    """The schedule: every served shop's orders, then Magento's shipments. One failing shop stops only itself."""
    deadline = time.monotonic() + budget_seconds
    report: dict[str, Any] = {"shops": {}, "errors": {}, "shipments_queued": []}
    for shop_id in shop_ids:
        shop = services.shop(shop_id)
        if isinstance(shop, str):
            continue
        try:
            result = sync_shop_orders(
                shop=shop,
                store=services.store,
                tiktok=services.tiktok,
                shop_settings=services.shop_settings,
                enqueue=enqueue,
                deadline=deadline,
                clock=services.clock,
            )
        except ConnectorError as exc:
            report["errors"][shop_id] = exc.message
            continue
        report["shops"][shop_id] = {"queued": len(result.queued), "cursor": result.cursor, "complete": result.complete}
    try:
        report["shipments_queued"] = scan_magento_shipments(
            magento=services.magento, store=services.store, enqueue=enqueue, clock=services.clock
        )
    except ConnectorError as exc:
        report["errors"]["magento-shipments"] = exc.message
    if report["errors"]:
        metrics.add_metric(name="OrderSyncFailed", unit=MetricUnit.Count, value=len(report["errors"]))
        logger.error("Order reconciliation failed in part", extra={"errors": report["errors"]})
    return report
