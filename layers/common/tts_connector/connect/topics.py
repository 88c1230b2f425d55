"""The TikTok topics Connect handles, registered with the event pipeline (shop events queue)."""

from __future__ import annotations

from collections.abc import Callable

from tts_connector.alerts import AlertPublisher
from tts_connector.connect.shop_events import handle_authorization_expiring, handle_deauthorization
from tts_connector.connect.store import ConnectStore
from tts_connector.events.router import EventRegistry
from tts_connector.tiktok.webhook import (
    SELLER_DEAUTHORIZATION,
    UPCOMING_AUTHORIZATION_EXPIRATION,
    event_type,
    notification_of,
)

# The queue for shop-level TikTok events (authorization now; product audit with product push).
SHOP_EVENTS_QUEUE = "tiktok_events_queue_url"


def register(
    registry: EventRegistry, *, store: Callable[[], ConnectStore], alerts: Callable[[], AlertPublisher]
) -> None:
    """Dependencies are providers, resolved when an event arrives, so registering needs no AWS."""
    registry.subscribe(
        event_type(SELLER_DEAUTHORIZATION),
        queue=SHOP_EVENTS_QUEUE,
        handler=lambda e: handle_deauthorization(notification_of(e), store=store(), alerts=alerts()),
        even_when_stopped=True,
    )
    registry.subscribe(
        event_type(UPCOMING_AUTHORIZATION_EXPIRATION),
        queue=SHOP_EVENTS_QUEUE,
        handler=lambda e: handle_authorization_expiring(notification_of(e), store=store(), alerts=alerts()),
        even_when_stopped=True,
    )
