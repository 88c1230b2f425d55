"""The outbox sweep: re-send events recorded but never queued, and report events that are stuck.

Stuck means: RECEIVED for longer than `stale_after` (a crash between the record and the send: re-sent
here), or ENQUEUED/FAILED for longer than `stuck_after` (the message is in a DLQ, or its consumer keeps
failing: reported, and replayed with `ttsc events replay` once the cause is fixed). A record that does not
parse is skipped and reported; it never stops the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tts_connector.events.models import EventStatus
from tts_connector.events.queue import EventPublisher
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import EventStore, UnreadableEvent
from tts_connector.observability import logger


@dataclass
class SweepResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # re-send failed; still RECEIVED for the next sweep
    unreadable: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # ENQUEUED/FAILED past `stuck_after`


def sweep_events(
    store: EventStore,
    publisher: EventPublisher,
    registry: EventRegistry,
    *,
    now: int,
    stale_after: int,
    stuck_after: int,
) -> SweepResult:
    result = SweepResult()
    for event in store.scan_status(EventStatus.RECEIVED, received_before=now - stale_after):
        if isinstance(event, UnreadableEvent):
            logger.warning(
                "Unreadable event record skipped", extra={"event_key": event.event_key, "reason": event.reason}
            )
            result.unreadable.append(event.event_key)
            continue
        queue = registry.queue_for(event.event_type)
        try:
            if queue is None:
                store.transition(event.event_key, EventStatus.IGNORED, "No capability handles it any more", now)
                continue
            publisher.publish(event, queue)
            store.transition(event.event_key, EventStatus.ENQUEUED, "re-sent by the outbox sweep", now)
        except Exception:
            # One bad send must not stop the sweep; the event stays RECEIVED for the next run.
            logger.exception("Re-sending a stale event failed", extra={"event_key": event.event_key})
            result.failed.append(event.event_key)
        else:
            result.requeued.append(event.event_key)
    for status in (EventStatus.ENQUEUED, EventStatus.FAILED):
        for event in store.scan_status(status, received_before=now - stuck_after):
            (result.unreadable if isinstance(event, UnreadableEvent) else result.stuck).append(event.event_key)
    return result
