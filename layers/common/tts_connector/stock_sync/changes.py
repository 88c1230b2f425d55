"""Magento change events (`mage:product_saved`, `mage:stock_changed`): which listed products to push again.

An event is a hint, never a value: it names SKUs (or product ids) and the handler marks the TikTok products
listing them as waiting for a push, in every shop the connector serves, then makes sure a flush of the shop
runs once the coalescing window closes. The flush reads Magento again, so a stale, duplicated or out-of-order
event can only cause a read, never an old value on TikTok.
"""

from __future__ import annotations

from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.listings.store import ListingStore
from tts_connector.magento.change_events import MagentoChangeKind, change_of
from tts_connector.observability import logger
from tts_connector.stock_sync.records import SyncKind
from tts_connector.stock_sync.services import SyncServices
from tts_connector.stock_sync.work import schedule_flush

# A product save can change the price, the special price and (in the admin form) the quantity.
KINDS_BY_CHANGE = {
    MagentoChangeKind.PRODUCT_SAVED: frozenset({SyncKind.PRICE, SyncKind.STOCK}),
    MagentoChangeKind.STOCK_CHANGED: frozenset({SyncKind.STOCK}),
}


def listed_product(listings: ListingStore, shop_id: str, magento_sku: str) -> tuple[str, str] | None:
    """(TikTok product id, listing SKU) of the listing that sells `magento_sku` (a SKU or a listed parent)."""
    link = listings.sku_by_magento(shop_id, magento_sku)
    if link is not None:
        return link.tiktok_product_id, link.listing_sku
    listing = listings.get(shop_id, magento_sku)
    if listing is not None:
        return listing.tiktok_product_id, listing.magento_sku
    return None


def handle_change(event: InboundEvent, services: SyncServices) -> EventOutcome:
    change = change_of(event)
    kinds = KINDS_BY_CHANGE.get(change.kind)
    if kinds is None:
        return EventOutcome(status=EventStatus.IGNORED, detail=f"Price and stock sync does not act on {change.kind}")
    skus = list(dict.fromkeys(change.skus))
    if change.product_ids:
        skus += [s for s in services.reader().skus_of_ids(change.product_ids).values() if s not in skus]
    if not skus:
        return EventOutcome(status=EventStatus.IGNORED, detail="The change names no product Magento knows")
    listings = services.listings()
    marked: dict[str, set[str]] = {}
    for shop in services.active_shops():
        settings = services.recent_settings(shop.shop_id)
        wanted = [k for k in kinds if (settings.price_sync if k is SyncKind.PRICE else settings.stock_sync)]
        if not wanted:
            continue
        for sku in skus:
            product = listed_product(listings, shop.shop_id, sku)
            if product is None:
                continue
            services.store().mark_dirty(shop.shop_id, product[0], product[1], wanted)
            marked.setdefault(shop.shop_id, set()).add(product[0])
        if shop.shop_id in marked:
            schedule_flush(services, shop.shop_id)
    if not marked:
        return EventOutcome(
            status=EventStatus.IGNORED,
            detail=f"None of {len(skus)} SKU(s) is listed in a shop the connector syncs ({', '.join(skus[:5])})",
        )
    products = sum(len(p) for p in marked.values())
    logger.info("Products marked for sync", extra={"shops": sorted(marked), "products": products})
    return EventOutcome(
        status=EventStatus.PROCESSED,
        detail=f"{products} TikTok product(s) in {len(marked)} shop(s) queued for a push of {', '.join(sorted(kinds))}",
    )
