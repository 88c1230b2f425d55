"""Routing queued events to the capability that handles their topic.

Capabilities (orders, returns, shop authorization, product audits) register a handler per topic. A
topic nobody handles is recorded as IGNORED with the reason, not failed: it is valid input that this
version has no use for, and retrying it would only fill the DLQ.
"""

from __future__ import annotations

from collections.abc import Callable

from tts_connector.events.models import EventMessage, EventOutcome, EventStatus
from tts_connector.webhooks.tiktok import TikTokNotification

TopicHandler = Callable[[TikTokNotification], EventOutcome]
# Returns why work for the notification's shop is stopped (e.g. the seller deauthorized the app), or None.
ShopGuard = Callable[[TikTokNotification], str | None]


class EventRouter:
    def __init__(self, shop_guard: ShopGuard | None = None) -> None:
        self._handlers: dict[int, TopicHandler] = {}
        self._always: set[int] = set()
        self._shop_guard = shop_guard

    def register(self, topic: int, handler: TopicHandler, *, even_when_stopped: bool = False) -> None:
        """`even_when_stopped`: the topic is about the authorization itself, so it runs for a stopped shop."""
        if topic in self._handlers:
            raise ValueError(f"Topic {topic} already has a handler")
        self._handlers[topic] = handler
        if even_when_stopped:
            self._always.add(topic)

    def topics(self) -> list[int]:
        return sorted(self._handlers)

    def route(self, message: EventMessage) -> EventOutcome:
        handler = self._handlers.get(message.notification.type)
        if handler is None:
            return EventOutcome(
                status=EventStatus.IGNORED,
                detail=f"No handler for TikTok topic {message.notification.type} in this connector version",
            )
        if self._shop_guard is not None and message.notification.type not in self._always:
            stopped = self._shop_guard(message.notification)
            if stopped:
                return EventOutcome(status=EventStatus.IGNORED, detail=f"Work for this shop is stopped: {stopped}")
        return handler(message.notification)
