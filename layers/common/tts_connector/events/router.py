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


class EventRouter:
    def __init__(self) -> None:
        self._handlers: dict[int, TopicHandler] = {}

    def register(self, topic: int, handler: TopicHandler) -> None:
        if topic in self._handlers:
            raise ValueError(f"Topic {topic} already has a handler")
        self._handlers[topic] = handler

    def topics(self) -> list[int]:
        return sorted(self._handlers)

    def route(self, message: EventMessage) -> EventOutcome:
        handler = self._handlers.get(message.notification.type)
        if handler is None:
            return EventOutcome(
                status=EventStatus.IGNORED,
                detail=f"No handler for TikTok topic {message.notification.type} in this connector version",
            )
        return handler(message.notification)
