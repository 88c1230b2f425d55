"""The TikTok topics product push handles, on the shop events queue: 5 and 37 (product audit)."""

from __future__ import annotations

from collections.abc import Callable

from tts_connector.connect.store import ConnectStore
from tts_connector.connect.topics import SHOP_EVENTS_QUEUE
from tts_connector.events.router import EventRegistry
from tts_connector.listings.store import ListingStore
from tts_connector.product_push.audit import handle_audit_event
from tts_connector.product_push.store import PushStore
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.webhook import PRODUCT_AUDIT_STATUS_CHANGE, PRODUCT_STATUS_CHANGE, event_type


def register(
    registry: EventRegistry,
    *,
    listings: Callable[[], ListingStore],
    store: Callable[[], PushStore],
    connect: Callable[[], ConnectStore],
    tiktok: Callable[[], TikTokShopApi],
) -> None:
    for topic in (PRODUCT_STATUS_CHANGE, PRODUCT_AUDIT_STATUS_CHANGE):
        registry.subscribe(
            event_type(topic),
            queue=SHOP_EVENTS_QUEUE,
            handler=lambda e: handle_audit_event(
                e, listings=listings(), store=store(), connect=connect(), tiktok=tiktok
            ),
        )
