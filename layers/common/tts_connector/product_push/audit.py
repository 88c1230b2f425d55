"""TikTok's audit of pushed products: webhooks 5 and 37, and a periodic check of products still in review.

Webhook 5 (PRODUCT_STATUS_CHANGE: PRODUCT_FIRST_PASS_REVIEW, PRODUCT_STATUS_CHANGED, PRODUCT_AUDIT_FAILURE)
and 37 (PRODUCT_AUDIT_STATUS_CHANGE: audit.status) are thin (reference §3.4): an approval is recorded as it
is; anything else reads the product (Get Product: `status`, `audit`, `audit_failed_reasons`). Statuses are
recorded with TikTok's `update_time`, so an older notification never overwrites a newer status. A result
for a product whose listing is not saved yet (the create's answer is still on its way) is kept and applied
by the push when it saves the listing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tts_connector.connect.records import ShopStatus
from tts_connector.connect.store import ConnectStore
from tts_connector.errors import NotFoundError
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.listings.records import Listing, ListingStatus
from tts_connector.listings.store import ListingStore
from tts_connector.product_push.pusher import PRODUCT_NOT_FOUND_CODES
from tts_connector.product_push.store import PushStore, SeenAudit
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.errors import TikTokApiError
from tts_connector.tiktok.models.product import Product
from tts_connector.tiktok.webhook import PRODUCT_AUDIT_STATUS_CHANGE, notification_of

FIRST_PASS = "PRODUCT_FIRST_PASS_REVIEW"


def reasons_of(product: Product) -> list[str]:
    reasons: list[str] = []
    for failed in product.audit_failed_reasons:
        where = f"{failed.position}: " if failed.position else ""
        reasons += [f"{where}{r}" for r in failed.reasons]
        reasons += [f"suggestion: {s}" for s in failed.suggestions]
    return reasons


def status_of(product: Product) -> tuple[ListingStatus, list[str]]:
    try:
        status = ListingStatus(product.status)
    except ValueError:
        status = ListingStatus.PENDING
    audit = product.audit.status if product.audit else None
    if status is ListingStatus.FAILED or audit == "FAILED":
        prefix = "" if status is ListingStatus.FAILED else "edit rejected (the live version stays on sale): "
        return status, [prefix + r for r in reasons_of(product)] or [prefix + "audit failed"]
    return status, []


def read_status(api: TikTokShopApi, shop: ShopRef, product_id: str) -> tuple[ListingStatus, list[str], int]:
    try:
        product = api.products.get(shop, product_id)
    except TikTokApiError as exc:
        if exc.tiktok_code in PRODUCT_NOT_FOUND_CODES:
            return ListingStatus.DELETED, ["the product no longer exists on TikTok"], int(time.time())
        raise
    status, reasons = status_of(product)
    return status, reasons, int(product.update_time or time.time())


def handle_audit_event(
    event: InboundEvent,
    *,
    listings: ListingStore,
    store: PushStore,
    connect: ConnectStore,
    tiktok: Callable[[], TikTokShopApi],
) -> EventOutcome:
    notification = notification_of(event)
    shop_id = notification.shop_id
    product_id = str(notification.data.get("product_id") or "")
    if not product_id:
        return EventOutcome(status=EventStatus.IGNORED, detail="No product_id in the notification")
    at = int(str(notification.data.get("update_time") or notification.timestamp))
    listing = listings.by_tiktok_product(shop_id, product_id)
    quick = _approved(notification.type, notification.data, listing)
    if quick is not None:
        status, reasons = quick, list[str]()
    else:
        shop = connect.get_shop(shop_id)
        if shop is None:
            return EventOutcome(status=EventStatus.IGNORED, detail=f"Shop {shop_id} is not known here")
        status, reasons, at = read_status(tiktok(), ShopRef(shop.shop_id, shop.cipher), product_id)
    if listing is None:
        store.remember_audit(shop_id, product_id, SeenAudit(status, reasons, at))
        return EventOutcome(
            status=EventStatus.PROCESSED,
            detail=f"{status.value} kept for TikTok product {product_id}, not (yet) a connector listing",
        )
    updated = listings.set_status(shop_id, listing.magento_sku, status, reasons, at)
    shown = updated.status.value if updated else status.value
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"{listing.magento_sku} ({product_id}): {shown}" + (f" - {'; '.join(reasons)[:300]}" if reasons else ""),
    )


def _approved(topic: int, data: dict[str, object], listing: Listing | None) -> ListingStatus | None:
    """The status an approval implies without asking TikTok, or None when the product must be read."""
    if topic == PRODUCT_AUDIT_STATUS_CHANGE:
        audit = data.get("audit")
        approved = isinstance(audit, dict) and audit.get("status") == "APPROVED"
    else:
        approved = data.get("status") == FIRST_PASS
    live_or_new = listing is None or listing.status in (ListingStatus.PENDING, ListingStatus.ACTIVATE)
    return ListingStatus.ACTIVATE if approved and live_or_new else None


@dataclass
class AuditCheckReport:
    checked: int = 0
    changed: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def check_in_review(
    *,
    listings: ListingStore,
    connect: ConnectStore,
    api: TikTokShopApi,
    older_than: int = 60,
    limit: int = 500,
    clock: Callable[[], float] = time.time,
) -> AuditCheckReport:
    """Read TikTok's status of every listing still PENDING (in case a webhook was missed)."""
    report = AuditCheckReport()
    now = int(clock())
    for shop in connect.list_shops():
        if not shop.selected or shop.status is not ShopStatus.CONNECTED:
            continue
        ref = ShopRef(shop.shop_id, shop.cipher)
        for listing in listings.iter_listings(shop.shop_id):
            if listing.status is not ListingStatus.PENDING or listing.pushed_at > now - older_than:
                continue
            if report.checked >= limit:
                return report
            report.checked += 1
            try:
                status, reasons, at = read_status(api, ref, listing.tiktok_product_id)
            except (TikTokApiError, NotFoundError) as exc:
                report.failed[listing.magento_sku] = str(exc)[:200]
                continue
            if status is not ListingStatus.PENDING:
                listings.set_status(shop.shop_id, listing.magento_sku, status, reasons, at)
                report.changed[listing.magento_sku] = status.value
    return report
