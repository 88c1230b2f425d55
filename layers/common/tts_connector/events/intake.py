"""Accepting an inbound event from any source: record it once, then put it on its capability's queue.

Fast enough for TikTok's 3-second deadline: one conditional put, one send, one conditional update.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tts_connector.events.models import EventStatus, InboundEvent
from tts_connector.events.queue import EventPublisher
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import EventStore
from tts_connector.observability import logger


@dataclass(frozen=True)
class IntakeResult:
    event_key: str
    duplicate: bool
    status: EventStatus


@dataclass
class EventIntake:
    store: EventStore
    publisher: EventPublisher
    registry: EventRegistry
    clock: Callable[[], float] = field(default=time.time)

    def accept(self, event: InboundEvent) -> IntakeResult:
        """Store the event once and queue it for the capability that subscribed to its type.

        The record is written before the message is sent, so a crash between the two leaves a RECEIVED
        record that the outbox sweeper re-sends; a retry of an event still RECEIVED re-sends it too (FIFO
        de-duplication drops the copy if the first send did go through).
        """
        logger.append_keys(event_key=event.event_key, shop_id=event.shop_id, topic=event.event_type)
        now = int(self.clock())
        queue = self.registry.queue_for(event.event_type)
        if queue is None:
            return self._record_unhandled(event, now)

        stored = self.store.add_if_new(event, now=now, request_id=_request_id())
        duplicate = stored is None
        if stored is None:
            stored = self.store.get(event.event_key)
            if stored is None or stored.status is not EventStatus.RECEIVED:
                logger.info("Duplicate event ignored")
                status = stored.status if stored else EventStatus.RECEIVED
                return IntakeResult(event_key=event.event_key, duplicate=True, status=status)

        self.publisher.publish(event, queue)
        # Conditional: a consumer may already have finished it, and that must not be undone.
        self.store.transition(event.event_key, EventStatus.ENQUEUED, "", now)
        logger.info("Event accepted", extra={"duplicate": duplicate, "queue": queue})
        return IntakeResult(event_key=event.event_key, duplicate=duplicate, status=EventStatus.ENQUEUED)

    def _record_unhandled(self, event: InboundEvent, now: int) -> IntakeResult:
        detail = f"No capability handles event type {event.event_type} in this connector version"
        stored = self.store.add_if_new(
            event, now=now, status=EventStatus.IGNORED, detail=detail, request_id=_request_id()
        )
        logger.info("Event recorded, no capability handles it", extra={"duplicate": stored is None})
        return IntakeResult(event_key=event.event_key, duplicate=stored is None, status=EventStatus.IGNORED)


def _request_id() -> str | None:
    """The delivering API request's id: handlers set it as the logs' correlation id (API Gateway requestId)."""
    correlation = logger.get_correlation_id()
    return str(correlation) if correlation else None
