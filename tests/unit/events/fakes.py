"""In-memory stand-ins for the event pipeline's stores and queues (fakes over mocks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer, DataRecord

from tts_connector.events.models import ALLOWED_PREVIOUS, EventStatus, InboundEvent, StoredEvent
from tts_connector.events.processing import parse_event_message
from tts_connector.events.queue import message_body
from tts_connector.events.replay import DeadLetter
from tts_connector.events.store import UnreadableEvent


class InMemoryEventStore:
    """The DynamoDB store's rules: a key is recorded once; status moves only as ALLOWED_PREVIOUS allows."""

    def __init__(self) -> None:
        self.events: dict[str, StoredEvent | UnreadableEvent] = {}
        self._lock = threading.Lock()

    def add_if_new(
        self,
        event: InboundEvent,
        now: int,
        status: EventStatus = EventStatus.RECEIVED,
        detail: str = "",
        request_id: str | None = None,
    ) -> StoredEvent | None:
        with self._lock:
            if event.event_key in self.events:
                return None
            stored = StoredEvent(
                **event.model_dump(), status=status, received_at=now, detail=detail, request_id=request_id
            )
            self.events[event.event_key] = stored
            return stored

    def get(self, event_key: str) -> StoredEvent | None:
        event = self.events.get(event_key)
        if isinstance(event, UnreadableEvent):
            raise ValueError(f"Event record {event_key} is unreadable: {event.reason}")
        return event

    def transition(self, event_key: str, status: EventStatus, detail: str, now: int) -> bool:
        with self._lock:
            current = self.events.get(event_key)
            if not isinstance(current, StoredEvent) or current.status not in ALLOWED_PREVIOUS[status]:
                return False
            self.events[event_key] = current.model_copy(update={"status": status, "detail": detail})
            return True

    def scan_status(self, status: EventStatus, received_before: int) -> Iterator[StoredEvent | UnreadableEvent]:
        for event in sorted(self.events.values(), key=lambda e: getattr(e, "received_at", 0)):
            if isinstance(event, UnreadableEvent):
                if status is EventStatus.RECEIVED:
                    yield event
            elif event.status is status and event.received_at < received_before:
                yield event

    def status(self, event_key: str) -> EventStatus:
        event = self.events[event_key]
        assert isinstance(event, StoredEvent)
        return event.status


@dataclass
class RecordingPublisher:
    sent: list[tuple[str, str, str | None]] = field(default_factory=list)  # (event key, queue, replay token)
    fail: bool = False

    def publish(self, event: InboundEvent, queue: str, *, replay_token: str | None = None) -> None:
        if self.fail:
            raise ConnectionError("queue unavailable")
        # Through the wire format, as SQS carries it: what the consumer parses is what was sent.
        sent = parse_event_message(message_body(event))
        self.sent.append((sent.event_key, queue, replay_token))

    def keys(self) -> list[str]:
        return [key for key, _, _ in self.sent]


@dataclass
class InMemoryDeadLetterQueue:
    name: str
    bodies: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    _handed_out: set[int] = field(default_factory=set)

    def receive(self, max_messages: int) -> list[DeadLetter]:
        letters = []
        for index, body in enumerate(self.bodies):
            if index not in self._handed_out and len(letters) < max_messages:
                self._handed_out.add(index)
                letters.append(DeadLetter(body=body, receipt=str(index)))
        return letters

    def delete(self, letter: DeadLetter) -> None:
        self.deleted.append(self.bodies[int(letter.receipt)])


class InMemoryPersistence(BasePersistenceLayer):
    """Powertools idempotency records in a dict, with DynamoDB's put-if-absent-or-expired rule."""

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, DataRecord] = {}
        self._lock = threading.Lock()

    def _get_record(self, idempotency_key: str) -> DataRecord:
        try:
            return self.records[idempotency_key]
        except KeyError:
            raise IdempotencyItemNotFoundError from None

    def _put_record(self, data_record: DataRecord) -> None:
        with self._lock:
            existing = self.records.get(data_record.idempotency_key)
            if existing is not None and (existing.expiry_timestamp or 0) > time.time():
                raise IdempotencyItemAlreadyExistsError(old_data_record=existing)
            self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)
