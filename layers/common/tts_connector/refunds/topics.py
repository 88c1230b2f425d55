"""The events refunds handle, all on their own FIFO queue, grouped per shop and order like order import's."""

from __future__ import annotations

import time
from collections.abc import Callable

from tts_connector.events.router import EventRegistry
from tts_connector.refunds.handlers import (
    Enqueue,
    handle_legacy_reverse,
    handle_refund_notification,
    handle_settle_request,
)
from tts_connector.refunds.requests import EVENT_TYPE as SETTLE_EVENT_TYPE
from tts_connector.refunds.settle import RefundServices
from tts_connector.tiktok.webhook import CANCELLATION_STATUS_CHANGE, RETURN_STATUS_CHANGE, REVERSE_STATUS_UPDATE
from tts_connector.tiktok.webhook import event_type as tiktok_event_type

REFUND_EVENTS_QUEUE = "refund_events_queue_url"


def register(
    registry: EventRegistry,
    *,
    services: Callable[[], RefundServices],
    enqueue: Callable[[], Enqueue],
    clock: Callable[[], float] = time.time,
) -> None:
    for topic in (CANCELLATION_STATUS_CHANGE, RETURN_STATUS_CHANGE):
        registry.subscribe(
            tiktok_event_type(topic),
            queue=REFUND_EVENTS_QUEUE,
            handler=lambda e: handle_refund_notification(e, services()),
        )
    registry.subscribe(
        tiktok_event_type(REVERSE_STATUS_UPDATE),
        queue=REFUND_EVENTS_QUEUE,
        handler=lambda e: handle_legacy_reverse(e, services(), enqueue(), int(clock())),
    )
    registry.subscribe(
        SETTLE_EVENT_TYPE, queue=REFUND_EVENTS_QUEUE, handler=lambda e: handle_settle_request(e, services())
    )
