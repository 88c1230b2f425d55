"""The events order import handles, all on its own FIFO queue (group = shop + order)."""

from __future__ import annotations

import time
from collections.abc import Callable

from tts_connector.events.router import EventRegistry
from tts_connector.magento.change_events import MagentoChangeKind
from tts_connector.magento.change_events import event_type as magento_event_type
from tts_connector.order_import.converge import OrderServices
from tts_connector.order_import.handlers import (
    Enqueue,
    handle_converge_request,
    handle_magento_shipment,
    handle_order_notification,
    handle_package_update,
)
from tts_connector.order_import.requests import EVENT_TYPE as CONVERGE_EVENT_TYPE
from tts_connector.order_import.store import OrderStore
from tts_connector.tiktok.webhook import ORDER_STATUS_CHANGE, PACKAGE_UPDATE, RECIPIENT_ADDRESS_UPDATE
from tts_connector.tiktok.webhook import event_type as tiktok_event_type

ORDER_EVENTS_QUEUE = "order_events_queue_url"


def register(
    registry: EventRegistry,
    *,
    services: Callable[[], OrderServices],
    store: Callable[[], OrderStore],
    enqueue: Callable[[], Enqueue],
    clock: Callable[[], float] = time.time,
) -> None:
    """Dependencies are providers, resolved when an event arrives, so registering needs no AWS."""
    for topic in (ORDER_STATUS_CHANGE, RECIPIENT_ADDRESS_UPDATE):
        registry.subscribe(
            tiktok_event_type(topic),
            queue=ORDER_EVENTS_QUEUE,
            handler=lambda e: handle_order_notification(e, services()),
        )
    registry.subscribe(
        tiktok_event_type(PACKAGE_UPDATE),
        queue=ORDER_EVENTS_QUEUE,
        handler=lambda e: handle_package_update(e, enqueue(), int(clock())),
    )
    registry.subscribe(
        CONVERGE_EVENT_TYPE, queue=ORDER_EVENTS_QUEUE, handler=lambda e: handle_converge_request(e, services())
    )
    registry.subscribe(
        magento_event_type(MagentoChangeKind.SHIPMENT_SAVED),
        queue=ORDER_EVENTS_QUEUE,
        handler=lambda e: handle_magento_shipment(e, store(), enqueue(), int(clock())),
    )
