"""Processing a queued event exactly once, with Powertools Idempotency over an in-memory persistence layer."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

from tests.helpers import encode, tiktok_notification
from tests.unit.events.fakes import InMemoryEventStore, InMemoryPersistence
from tts_connector.errors import InvalidInputError, TransientError
from tts_connector.events.models import EventOutcome, EventStatus, InboundEvent
from tts_connector.events.processing import build_event_processor, parse_event_message
from tts_connector.events.router import EventRegistry
from tts_connector.tiktok.webhook import event_type, parse_notification

NOW = 1_800_000_000


def _event(notification_id: str) -> InboundEvent:
    return parse_notification(encode(tiktok_notification(topic=1, notification_id=notification_id))).to_event()


def _processor(store: InMemoryEventStore, calls: list[str], fail_times: int = 0):  # type: ignore[no-untyped-def]
    failures = [fail_times]

    def handle(event: InboundEvent) -> EventOutcome:
        calls.append(event.event_key)
        if failures[0] > 0:
            failures[0] -= 1
            raise TransientError("Magento is down for maintenance")
        return EventOutcome(status=EventStatus.PROCESSED, detail="imported")

    registry = EventRegistry()
    registry.subscribe(event_type(1), queue="q", handler=handle)
    config = IdempotencyConfig(event_key_jmespath="event_key", expires_after_seconds=3600)
    return build_event_processor(registry.router("q"), store, InMemoryPersistence(), config, clock=lambda: NOW)


def test_a_redelivered_event_runs_its_handler_once() -> None:
    store, calls = InMemoryEventStore(), []
    event = _event("100")
    store.add_if_new(event, now=NOW)
    process = _processor(store, calls)

    first, second = process(event), process(event)

    assert calls == ["tts:100"]
    assert first == second
    assert store.status("tts:100") is EventStatus.PROCESSED


def test_a_failure_is_recorded_failed_with_the_reason_and_the_retry_succeeds() -> None:
    store, calls = InMemoryEventStore(), []
    event = _event("101")
    store.add_if_new(event, now=NOW)
    process = _processor(store, calls, fail_times=1)

    with pytest.raises(TransientError):
        process(event)
    failed = store.get("tts:101")
    assert failed is not None and failed.status is EventStatus.FAILED
    assert "Magento is down" in failed.detail

    assert process(event).status is EventStatus.PROCESSED
    assert calls == ["tts:101", "tts:101"]
    assert store.status("tts:101") is EventStatus.PROCESSED


def test_a_malformed_message_is_refused_with_what_is_wrong() -> None:
    with pytest.raises(InvalidInputError, match="malformed"):
        parse_event_message('{"not": "an event"}')
    with pytest.raises(InvalidInputError):
        parse_event_message("[" * 100_000)
