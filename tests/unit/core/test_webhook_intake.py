"""Intake, routing and the outbox sweep with in-memory fakes (no AWS)."""

from __future__ import annotations

import pytest

from tests.helpers import encode, sign_tiktok_webhook, tiktok_notification
from tts_connector.errors import AuthenticationError, InvalidInputError
from tts_connector.events.intake import AppCredentials, accept_tiktok_webhook
from tts_connector.events.models import EventMessage, EventOutcome, EventStatus, StoredEvent
from tts_connector.events.outbox import requeue_stale_events
from tts_connector.events.router import EventRouter
from tts_connector.webhooks.tiktok import TikTokNotification, parse_tiktok_notification

CREDS = AppCredentials(app_key="6abcdefg", app_secret="s3cr3t-value")


class FakeStore:
    def __init__(self) -> None:
        self.events: dict[str, StoredEvent] = {}

    def add_if_new(self, notification: TikTokNotification, now: int) -> StoredEvent | None:
        if notification.event_key in self.events:
            return None
        event = StoredEvent(
            event_key=notification.event_key,
            status=EventStatus.RECEIVED,
            received_at=now,
            message_group_id=notification.message_group_id,
            notification=notification,
        )
        self.events[event.event_key] = event
        return event

    def get(self, event_key: str) -> StoredEvent | None:
        return self.events.get(event_key)

    def set_status(self, event_key: str, status: EventStatus, detail: str = "") -> None:
        self.events[event_key] = self.events[event_key].model_copy(update={"status": status})

    def list_stale(self, status: EventStatus, received_before: int, limit: int) -> list[StoredEvent]:
        return [e for e in self.events.values() if e.status is status and e.received_at < received_before][:limit]


class FakePublisher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[StoredEvent] = []
        self.fail = fail

    def publish(self, event: StoredEvent) -> None:
        if self.fail:
            raise ConnectionError("queue unavailable")
        self.sent.append(event)


def _accept(body: bytes, store: FakeStore, publisher: FakePublisher, signature: str | None = None) -> object:
    sig = sign_tiktok_webhook(CREDS.app_key, CREDS.app_secret, body) if signature is None else signature
    return accept_tiktok_webhook(body, sig, credentials=CREDS, store=store, publisher=publisher)


def test_accepted_webhook_is_stored_then_published_once() -> None:
    store, publisher = FakeStore(), FakePublisher()
    body = encode(tiktok_notification(notification_id="42"))

    _accept(body, store, publisher)
    _accept(body, store, publisher)

    assert [e.event_key for e in publisher.sent] == ["tts:42"]
    assert store.events["tts:42"].status is EventStatus.ENQUEUED


def test_a_retry_of_an_event_whose_publish_failed_publishes_it() -> None:
    store = FakeStore()
    body = encode(tiktok_notification(notification_id="43"))
    with pytest.raises(ConnectionError):
        _accept(body, store, FakePublisher(fail=True))
    assert store.events["tts:43"].status is EventStatus.RECEIVED

    publisher = FakePublisher()
    _accept(body, store, publisher)

    assert [e.event_key for e in publisher.sent] == ["tts:43"]


def test_bad_signature_changes_nothing() -> None:
    store, publisher = FakeStore(), FakePublisher()

    with pytest.raises(AuthenticationError):
        _accept(encode(tiktok_notification()), store, publisher, signature="00" * 32)

    assert store.events == {}
    assert publisher.sent == []


def test_envelope_errors_say_which_field_is_wrong() -> None:
    with pytest.raises(InvalidInputError, match="shop_id"):
        parse_tiktok_notification(encode({"type": 1, "timestamp": 1, "data": {}}))
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        parse_tiktok_notification(b"{oops")


def test_numeric_ids_stay_exact_strings() -> None:
    notification = parse_tiktok_notification(
        b'{"type":5,"shop_id":7494049642642441621,"timestamp":1,"data":{"product_id":576486316948490000}}'
    )

    assert notification.shop_id == "7494049642642441621"
    assert notification.message_group_id == "7494049642642441621:shop"
    assert notification.event_key.startswith("sha256:")


def test_event_without_notification_id_gets_a_content_key() -> None:
    a = parse_tiktok_notification(b'{"type":3,"shop_id":"1","timestamp":1,"data":{"order_id":"9","update_time":5}}')
    b = parse_tiktok_notification(b'{"shop_id":"1","type":3,"timestamp":2,"data":{"update_time":5,"order_id":"9"}}')

    assert a.event_key == b.event_key  # same content, key order and push time do not matter
    assert a.message_group_id == "1:order:9"


def test_router_sends_each_topic_to_its_handler_and_ignores_unknown_topics() -> None:
    router = EventRouter()
    seen: list[str] = []

    def handle_order(notification: TikTokNotification) -> EventOutcome:
        seen.append(notification.data["order_id"])
        return EventOutcome(status=EventStatus.PROCESSED, detail="order imported")

    router.register(1, handle_order)
    order = parse_tiktok_notification(encode(tiktok_notification(topic=1)))
    other = parse_tiktok_notification(encode(tiktok_notification(topic=99)))

    assert router.route(EventMessage(event_key=order.event_key, notification=order)).status is EventStatus.PROCESSED
    assert router.route(EventMessage(event_key=other.event_key, notification=other)).status is EventStatus.IGNORED
    assert seen == ["576486316948490001"]
    with pytest.raises(ValueError, match="already"):
        router.register(1, handle_order)


def test_a_stopped_shop_gets_only_the_authorization_topics() -> None:
    handled: list[int] = []

    def record(notification: TikTokNotification) -> EventOutcome:
        handled.append(notification.type)
        return EventOutcome(status=EventStatus.PROCESSED, detail="done")

    router = EventRouter(shop_guard=lambda n: "deauthorized" if n.shop_id == "stopped" else None)
    router.register(1, record)
    router.register(7, record, even_when_stopped=True)
    order = parse_tiktok_notification(encode(tiktok_notification(topic=1, shop_id="stopped")))
    expiry = parse_tiktok_notification(encode(tiktok_notification(topic=7, shop_id="stopped", data={})))
    live = parse_tiktok_notification(encode(tiktok_notification(topic=1, shop_id="live")))

    outcomes = [router.route(EventMessage(event_key=n.event_key, notification=n)) for n in (order, expiry, live)]

    assert [o.status for o in outcomes] == [EventStatus.IGNORED, EventStatus.PROCESSED, EventStatus.PROCESSED]
    assert "deauthorized" in outcomes[0].detail
    assert handled == [7, 1]


def test_outbox_sweep_requeues_only_stale_received_events_and_survives_a_failed_send() -> None:
    store = FakeStore()
    old = parse_tiktok_notification(encode(tiktok_notification(notification_id="1")))
    fresh = parse_tiktok_notification(encode(tiktok_notification(notification_id="2")))
    store.add_if_new(old, now=1_000)
    store.add_if_new(fresh, now=1_290)

    result = requeue_stale_events(store, FakePublisher(fail=True), now=1_300, stale_after=60)
    assert result.failed == ["tts:1"] and result.requeued == []

    publisher = FakePublisher()
    result = requeue_stale_events(store, publisher, now=1_300, stale_after=60)

    assert result.requeued == ["tts:1"]
    assert [e.event_key for e in publisher.sent] == ["tts:1"]
    assert store.events["tts:1"].status is EventStatus.ENQUEUED
    assert store.events["tts:2"].status is EventStatus.RECEIVED
