"""The outbox sweep: re-send events that were recorded but never reached the queue."""

from __future__ import annotations

from dataclasses import dataclass

from tts_connector.events.models import EventStatus
from tts_connector.events.queue import EventPublisher
from tts_connector.events.store import EventStore
from tts_connector.observability import logger


@dataclass(frozen=True)
class SweepResult:
    requeued: list[str]
    failed: list[str]


def requeue_stale_events(
    store: EventStore, publisher: EventPublisher, *, now: int, stale_after: int, limit: int = 100
) -> SweepResult:
    requeued: list[str] = []
    failed: list[str] = []
    for event in store.list_stale(EventStatus.RECEIVED, received_before=now - stale_after, limit=limit):
        try:
            publisher.publish(event)
            store.set_status(event.event_key, EventStatus.ENQUEUED, detail="re-sent by the outbox sweep")
        except Exception:
            # One bad send must not stop the sweep; the event stays RECEIVED for the next run.
            logger.exception("Re-sending a stale event failed", extra={"event_key": event.event_key})
            failed.append(event.event_key)
        else:
            requeued.append(event.event_key)
    return SweepResult(requeued=requeued, failed=failed)
