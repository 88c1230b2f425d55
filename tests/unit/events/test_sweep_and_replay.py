"""The outbox sweep and the DLQ replay, with in-memory fakes."""

from __future__ import annotations

from tests.helpers import encode, tiktok_notification
from tests.unit.events.fakes import InMemoryDeadLetterQueue, InMemoryEventStore, RecordingPublisher
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.events.outbox import sweep_events
from tts_connector.events.replay import EventReplayer
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import UnreadableEvent
from tts_connector.tiktok.webhook import event_type, parse_notification

QUEUE = "shop_events_queue_url"


def _event(notification_id: str, topic: int = 6) -> InboundEvent:
    body = encode(tiktok_notification(topic=topic, notification_id=notification_id, data={}))
    return parse_notification(body).to_event()


def _registry() -> EventRegistry:
    registry = EventRegistry()
    registry.subscribe(
        event_type(6), queue=QUEUE, handler=lambda e: EventOutcome(status=EventStatus.PROCESSED, detail="")
    )
    return registry


def test_sweep_requeues_every_stale_received_event_past_a_bad_record_and_a_failed_send() -> None:
    store = InMemoryEventStore()
    for n in range(250):
        store.add_if_new(_event(str(n)), now=1_000 + n)
    store.events["broken"] = UnreadableEvent(event_key="broken", reason="ValidationError: shop_id")
    store.add_if_new(_event("fresh"), now=9_990)

    result = sweep_events(store, RecordingPublisher(), _registry(), now=10_000, stale_after=60, stuck_after=3600)

    assert len(result.requeued) == 250
    assert result.unreadable == ["broken"]
    assert store.status("tts:fresh") is EventStatus.RECEIVED
    assert store.status("tts:0") is EventStatus.ENQUEUED


def test_sweep_keeps_events_whose_resend_failed_for_the_next_run() -> None:
    store = InMemoryEventStore()
    store.add_if_new(_event("1"), now=1_000)

    result = sweep_events(
        store, RecordingPublisher(fail=True), _registry(), now=10_000, stale_after=60, stuck_after=3600
    )

    assert result.failed == ["tts:1"] and result.requeued == []
    assert store.status("tts:1") is EventStatus.RECEIVED


def test_sweep_reports_events_stuck_in_enqueued_or_failed() -> None:
    store = InMemoryEventStore()
    for key, status in (("1", EventStatus.ENQUEUED), ("2", EventStatus.FAILED), ("3", EventStatus.PROCESSED)):
        store.add_if_new(_event(key), now=1_000)
        store.transition(f"tts:{key}", status, "", 1_000)

    result = sweep_events(store, RecordingPublisher(), _registry(), now=10_000, stale_after=60, stuck_after=3600)

    assert sorted(result.stuck) == ["tts:1", "tts:2"]


def test_drain_replays_parked_events_from_their_records_and_keeps_unreadable_letters() -> None:
    store, publisher = InMemoryEventStore(), RecordingPublisher()
    for key in ("1", "2"):
        store.add_if_new(_event(key), now=1_000)
        store.transition(f"tts:{key}", EventStatus.FAILED, "Magento down", 1_000)
    store.add_if_new(_event("3"), now=1_000)
    store.transition("tts:3", EventStatus.PROCESSED, "", 1_000)
    # An older version's message shape: only the event_key is needed.
    dlq = InMemoryDeadLetterQueue(
        "tiktok-events",
        ['{"event_key":"tts:1","notification":{}}', '{"event_key":"tts:2"}', '{"event_key":"tts:3"}', "garbage"],
    )

    result = EventReplayer(store, publisher, _registry(), clock=lambda: 5_000.0).drain_dead_letters([dlq])

    assert result.replayed == ["tts:1", "tts:2"]
    assert [key for key, _, token in publisher.sent if token] == ["tts:1", "tts:2"]
    assert store.status("tts:1") is EventStatus.ENQUEUED
    assert len(dlq.deleted) == 3  # the processed one needs no replay; only the unreadable letter stays
    assert any("event_key" in why for why in result.skipped.values())
