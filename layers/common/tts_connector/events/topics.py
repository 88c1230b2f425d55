"""The topic → capability table the events consumer routes with.

Capabilities register their handlers here as they are built (orders: 1, 3, 4; returns and
cancellations: 11, 12; product audit: 5, 37). Dependencies are resolved when an event arrives, so
importing the router needs no AWS configuration.
"""

from __future__ import annotations

from tts_connector import wiring
from tts_connector.connect.shop_events import handle_authorization_expiring, handle_deauthorization, stopped_reason
from tts_connector.events.router import EventRouter
from tts_connector.webhooks.tiktok import SELLER_DEAUTHORIZATION, UPCOMING_AUTHORIZATION_EXPIRATION


def build_router() -> EventRouter:
    router = EventRouter(shop_guard=lambda n: stopped_reason(wiring.connect_store(), n.shop_id))
    router.register(
        SELLER_DEAUTHORIZATION,
        lambda n: handle_deauthorization(n, store=wiring.connect_store(), alerts=wiring.alerts()),
        even_when_stopped=True,
    )
    router.register(
        UPCOMING_AUTHORIZATION_EXPIRATION,
        lambda n: handle_authorization_expiring(n, store=wiring.connect_store(), alerts=wiring.alerts()),
        even_when_stopped=True,
    )
    return router
