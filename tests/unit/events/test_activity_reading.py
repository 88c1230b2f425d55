"""What the console reads of the pipeline: the delivering request's id, recent events newest first, deduplicated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.aws_tables import template_tables
from tests.helpers import encode, tiktok_notification
from tests.unit.events.fakes import InMemoryEventStore, RecordingPublisher
from tts_connector.events.activity import EventActivity
from tts_connector.events.intake import EventIntake
from tts_connector.events.models import EventOutcome, EventStatus
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import DynamoDBEventStore
from tts_connector.observability import logger
from tts_connector.tiktok.webhook import event_type, parse_notification

NOW = 1_800_000_000


def _event(notification_id: str, shop_id: str = "shop-1", topic: int = 1) -> Any:
    return parse_notification(
        encode(tiktok_notification(topic=topic, notification_id=notification_id, shop_id=shop_id))
    ).to_event()


def test_intake_records_the_request_that_delivered_the_event() -> None:
    registry = EventRegistry()
    registry.subscribe(
        event_type(1), queue="q", handler=lambda e: EventOutcome(status=EventStatus.PROCESSED, detail="")
    )
    store = InMemoryEventStore()
    intake = EventIntake(store, RecordingPublisher(), registry, clock=lambda: NOW)
    logger.set_correlation_id("api-request-1")
    try:
        intake.accept(_event("1"))
        intake.accept(_event("2", topic=99))  # recorded IGNORED: no capability handles it
    finally:
        logger.set_correlation_id(None)
    intake.accept(_event("3"))

    assert store.get("tts:1").request_id == "api-request-1"  # type: ignore[union-attr]
    assert store.get("tts:2").request_id == "api-request-1"  # type: ignore[union-attr]
    assert store.get("tts:3").request_id is None  # type: ignore[union-attr]


@pytest.fixture
def table() -> Iterator[Any]:
    with template_tables("EventsTable") as tables:
        yield tables["EventsTable"]


def test_recent_events_are_newest_first_filtered_and_survive_a_status_change(table: Any) -> None:
    store = DynamoDBEventStore(table)
    for n, shop in enumerate(["shop-1", "shop-2", "shop-1"]):
        store.add_if_new(_event(str(n), shop_id=shop), now=NOW + n, request_id=f"req-{n}")
    store.transition("tts:0", EventStatus.FAILED, "boom", NOW + 10)
    activity = EventActivity(table, page_size=1)

    everything = activity.recent(list(EventStatus), since=NOW, until=NOW + 100)
    assert [e.event_key for e in everything] == ["tts:2", "tts:1", "tts:0"]
    shop_1 = activity.recent(list(EventStatus), since=NOW, until=NOW + 100, shop_id="shop-1")
    assert [e.event_key for e in shop_1] == ["tts:2", "tts:0"]
    assert [e.event_key for e in activity.recent([EventStatus.FAILED], since=NOW, until=NOW + 100)] == ["tts:0"]
    assert activity.recent(list(EventStatus), since=NOW + 3, until=NOW + 100) == []
    assert activity.last_seen("shop-2", since=NOW, until=NOW + 100) == NOW + 1
    assert activity.last_seen("shop-9", since=NOW, until=NOW + 100) is None
    assert everything[2].request_id == "req-0"  # type: ignore[union-attr]


def test_an_event_seen_in_two_statuses_is_shown_once_as_its_record_says(table: Any) -> None:
    store = DynamoDBEventStore(table)
    store.add_if_new(_event("7"), now=NOW)
    activity = EventActivity(table)
    stale = table.get_item(Key={"event_key": "tts:7"})["Item"]
    store.transition("tts:7", EventStatus.PROCESSED, "done", NOW + 5)
    # The RECEIVED query ran before the change: a stale copy beside the PROCESSED one.
    real_query = activity._query

    def query(status: EventStatus, *args: Any) -> Any:
        if status is EventStatus.RECEIVED:
            from tts_connector.events.store import _to_event

            return [_to_event(stale)]
        return real_query(status, *args)

    activity._query = query  # type: ignore[method-assign]
    shown = activity.recent([EventStatus.RECEIVED, EventStatus.PROCESSED], since=NOW, until=NOW + 100)

    assert [(e.event_key, e.status) for e in shown] == [("tts:7", EventStatus.PROCESSED)]  # type: ignore[union-attr]
