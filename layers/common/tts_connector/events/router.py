"""Which capability handles which event, and on which queue.

Capabilities subscribe to event types (`tts:1`, `mage:stock_changed`, ...) with a handler and the queue
their consumer reads; the pipeline only ever sees this registry, never a capability. An event type no
capability subscribed to is recorded IGNORED at intake with the reason: it is valid input this version
has no use for, and queueing or retrying it would only fill a DLQ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent

TopicHandler = Callable[[InboundEvent], EventOutcome]
# Why work for the event's shop is stopped (e.g. the seller deauthorized the app), or None.
ShopGuard = Callable[[str], str | None]


@dataclass(frozen=True)
class Subscription:
    event_type: str
    # Settings field that holds the URL of the capability's FIFO queue (e.g. "order_events_queue_url").
    queue: str
    handler: TopicHandler
    # The event is about the authorization itself, so it runs even for a shop whose work is stopped.
    even_when_stopped: bool = False


class EventRegistry:
    def __init__(self) -> None:
        self._subscriptions: dict[str, Subscription] = {}

    def subscribe(self, event_type: str, *, queue: str, handler: TopicHandler, even_when_stopped: bool = False) -> None:
        if event_type in self._subscriptions:
            raise ValueError(f"Event type {event_type} already has a handler")
        self._subscriptions[event_type] = Subscription(event_type, queue, handler, even_when_stopped)

    def queue_for(self, event_type: str) -> str | None:
        subscription = self._subscriptions.get(event_type)
        return subscription.queue if subscription else None

    def queues(self) -> list[str]:
        return sorted({s.queue for s in self._subscriptions.values()})

    def event_types(self, queue: str | None = None) -> list[str]:
        return sorted(t for t, s in self._subscriptions.items() if queue is None or s.queue == queue)

    def router(self, queue: str, shop_guard: ShopGuard | None = None) -> EventRouter:
        """The router a queue's consumer uses: only the subscriptions on that queue."""
        return EventRouter([s for s in self._subscriptions.values() if s.queue == queue], shop_guard)


class EventRouter:
    def __init__(self, subscriptions: list[Subscription], shop_guard: ShopGuard | None = None) -> None:
        self._subscriptions = {s.event_type: s for s in subscriptions}
        self._shop_guard = shop_guard

    def route(self, event: InboundEvent) -> EventOutcome:
        subscription = self._subscriptions.get(event.event_type)
        if subscription is None:
            # Routing changed since the event was queued (or it was sent to the wrong queue by hand).
            return EventOutcome(
                status=EventStatus.IGNORED, detail=f"No handler for event type {event.event_type} on this queue"
            )
        if self._shop_guard is not None and event.shop_id and not subscription.even_when_stopped:
            stopped = self._shop_guard(event.shop_id)
            if stopped:
                return EventOutcome(status=EventStatus.IGNORED, detail=f"Work for this shop is stopped: {stopped}")
        return subscription.handler(event)
