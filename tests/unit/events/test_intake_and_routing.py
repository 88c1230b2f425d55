"""Intake (record once, then queue per subscribing capability) and routing, with in-memory fakes."""

from __future__ import annotations

import pytest

from tests.helpers import encode, tiktok_notification
from tests.unit.events.fakes import InMemoryEventStore, RecordingPublisher
from tts_connector.events.intake import EventIntake
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent, bounded_group_id
from tts_connector.events.router import EventRegistry
from tts_connector.tiktok.webhook import event_type, parse_notification

NOW = 1_800_000_000


def _event(topic: int = 1, notification_id: str = "42", shop_id: str = "shop-1") -> InboundEvent:
    body = encode(tiktok_notification(topic=topic, notification_id=notification_id, shop_id=shop_id))
    return parse_notification(body).to_event()


def _processed(detail: str) -> EventOutcome:
    return EventOutcome(status=EventStatus.PROCESSED, detail=detail)


def _registry() -> EventRegistry:
    registry = EventRegistry()
    registry.subscribe(event_type(1), queue="order_events_queue_url", handler=lambda e: _processed("order"))
    registry.subscribe(event_type(6), queue="shop_events_queue_url", handler=lambda e: _processed("shop"))
    registry.subscribe("mage:stock_changed", queue="stock_events_queue_url", handler=lambda e: _processed("stock"))
    return registry


def _intake(store: InMemoryEventStore, publisher: RecordingPublisher) -> EventIntake:
    return EventIntake(store, publisher, _registry(), clock=lambda: NOW)


def test_each_event_goes_to_the_queue_of_the_capability_that_subscribed_to_it() -> None:
    store, publisher = InMemoryEventStore(), RecordingPublisher()
    intake = _intake(store, publisher)
    stock = InboundEvent(
        event_key="mage:evt-1",
        source="mage",
        topic="stock_changed",
        message_group_id="stock:SKU-1",
        payload={"skus": ["SKU-1"]},
    )

    intake.accept(_event(topic=1, notification_id="1"))
    intake.accept(_event(topic=6, notification_id="2"))
    intake.accept(stock)

    assert publisher.sent == [
        ("tts:1", "order_events_queue_url", None),
        ("tts:2", "shop_events_queue_url", None),
        ("mage:evt-1", "stock_events_queue_url", None),
    ]
    assert {key: store.status(key) for key in ("tts:1", "tts:2", "mage:evt-1")} == dict.fromkeys(
        ("tts:1", "tts:2", "mage:evt-1"), EventStatus.ENQUEUED
    )


def test_a_duplicate_is_recorded_and_published_once() -> None:
    store, publisher = InMemoryEventStore(), RecordingPublisher()
    intake = _intake(store, publisher)

    first = intake.accept(_event(notification_id="42"))
    second = intake.accept(_event(notification_id="42"))

    assert (first.duplicate, second.duplicate) == (False, True)
    assert publisher.keys() == ["tts:42"]


def test_a_retry_of_an_event_whose_publish_failed_publishes_it() -> None:
    store = InMemoryEventStore()
    with pytest.raises(ConnectionError):
        _intake(store, RecordingPublisher(fail=True)).accept(_event(notification_id="43"))
    assert store.status("tts:43") is EventStatus.RECEIVED

    publisher = RecordingPublisher()
    _intake(store, publisher).accept(_event(notification_id="43"))

    assert publisher.keys() == ["tts:43"]
    assert store.status("tts:43") is EventStatus.ENQUEUED


def test_an_event_no_capability_handles_is_recorded_ignored_and_not_queued() -> None:
    store, publisher = InMemoryEventStore(), RecordingPublisher()

    result = _intake(store, publisher).accept(_event(topic=99, notification_id="44"))

    assert result.status is EventStatus.IGNORED
    assert publisher.sent == []
    stored = store.get("tts:44")
    assert stored is not None and "tts:99" in stored.detail


def test_a_late_intake_never_moves_a_finished_event_back() -> None:
    # The consumer finished the event between the intake's send and its status update.
    store = InMemoryEventStore()
    event = _event(notification_id="45")
    store.add_if_new(event, now=NOW)
    assert store.transition("tts:45", EventStatus.PROCESSED, "done", NOW)

    assert not store.transition("tts:45", EventStatus.ENQUEUED, "", NOW)
    assert store.status("tts:45") is EventStatus.PROCESSED


def test_the_router_of_a_queue_holds_only_that_queues_subscriptions() -> None:
    registry = _registry()
    router = registry.router("order_events_queue_url")

    assert router.route(_event(topic=1)).detail == "order"
    other = router.route(_event(topic=6))
    assert other.status is EventStatus.IGNORED and "tts:6" in other.detail
    with pytest.raises(ValueError, match="already"):
        registry.subscribe(event_type(1), queue="x", handler=lambda e: _processed("again"))


def test_a_stopped_shop_gets_only_the_subscriptions_marked_even_when_stopped() -> None:
    registry = EventRegistry()
    registry.subscribe(event_type(1), queue="q", handler=lambda e: _processed("order"))
    registry.subscribe(event_type(7), queue="q", handler=lambda e: _processed("expiry"), even_when_stopped=True)
    router = registry.router("q", shop_guard=lambda shop: "deauthorized" if shop == "stopped" else None)

    outcomes = [
        router.route(_event(topic=1, shop_id="stopped")),
        router.route(_event(topic=7, shop_id="stopped")),
        router.route(_event(topic=1, shop_id="live")),
    ]

    assert [o.status for o in outcomes] == [EventStatus.IGNORED, EventStatus.PROCESSED, EventStatus.PROCESSED]
    assert "deauthorized" in outcomes[0].detail


def test_group_ids_never_exceed_what_sqs_allows_and_stay_distinct() -> None:
    long_a, long_b = "9" * 300, "9" * 299 + "8"

    a, b = bounded_group_id("shop", "order", long_a), bounded_group_id("shop", "order", long_b)

    assert len(a) <= 128 and len(b) <= 128
    assert a != b
    assert a == bounded_group_id("shop", "order", long_a)
    assert bounded_group_id("shop", "order", "1") == "shop:order:1"
