"""Replaying events parked in the dead-letter queues once their cause is fixed (`ttsc events replay`).

A replay re-sends the *stored* event (the record is the source of truth, and a DLQ message written by an
older version may not parse any more: only its `event_key` is needed) to the queue its type routes to
now, with a fresh de-duplication id, then deletes the DLQ message. Idempotency makes a replay of an event
that did get processed harmless: it is answered from its idempotency record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.events.queue import EventPublisher
from tts_connector.events.router import EventRegistry
from tts_connector.events.store import EventStore
from tts_connector.observability import logger


@dataclass(frozen=True)
class DeadLetter:
    body: str
    receipt: str


class DeadLetterQueue(Protocol):
    name: str

    def receive(self, max_messages: int) -> list[DeadLetter]: ...

    def delete(self, letter: DeadLetter) -> None: ...


@dataclass
class ReplayResult:
    replayed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # event key (or DLQ message) -> why


def event_key_of(body: str) -> str | None:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    key = payload.get("event_key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) and key else None


@dataclass
class EventReplayer:
    store: EventStore
    publisher: EventPublisher
    registry: EventRegistry
    clock: Callable[[], float] = field(default=time.time)

    def replay_events(self, event_keys: Sequence[str]) -> ReplayResult:
        """Re-send the named events, whatever queue (if any) they are in; processed ones are skipped."""
        result = ReplayResult()
        for key in event_keys:
            self._replay_one(key, result)
        return result

    def drain_dead_letters(self, queues: Sequence[DeadLetterQueue], limit: int = 1000) -> ReplayResult:
        """Replay every message in the DLQs (up to `limit`); unreadable ones stay parked and are reported."""
        result = ReplayResult()
        seen = 0
        for dlq in queues:
            while seen < limit:
                letters = dlq.receive(min(10, limit - seen))
                if not letters:
                    break
                for letter in letters:
                    seen += 1
                    key = event_key_of(letter.body)
                    if key is None:
                        result.skipped[f"{dlq.name}:{letter.receipt[:16]}"] = "the message names no event_key"
                        continue
                    if self._replay_one(key, result):
                        dlq.delete(letter)
        return result

    def _replay_one(self, key: str, result: ReplayResult) -> bool:
        """True when the event was re-sent or needs no replay (so its DLQ message may go)."""
        try:
            event = self.store.get(key)
        except ValueError as exc:
            result.skipped[key] = str(exc)
            return False
        if event is None:
            result.skipped[key] = "no such event is recorded (expired or never received)"
            return False
        if event.status in (EventStatus.PROCESSED, EventStatus.IGNORED):
            result.skipped[key] = f"already {event.status.value}"
            return True
        queue = self.registry.queue_for(event.event_type)
        if queue is None:
            result.skipped[key] = f"no capability handles {event.event_type} any more"
            return False
        return self._send(event, queue, result)

    def _send(self, event: StoredEvent, queue: str, result: ReplayResult) -> bool:
        now = self.clock()
        self.publisher.publish(event, queue, replay_token=f"{now:.6f}")
        # RECEIVED/ENQUEUED stay as they are (a replay never moves status back); FAILED becomes ENQUEUED.
        self.store.transition(event.event_key, EventStatus.ENQUEUED, "replayed", int(now))
        logger.info("Event replayed", extra={"event_key": event.event_key, "queue": queue})
        result.replayed.append(event.event_key)
        return True


class SqsDeadLetterQueue:
    def __init__(self, sqs: Any, name: str, url: str, visibility_timeout: int = 60):
        self._sqs = sqs
        self.name = name
        self._url = url
        self._visibility = visibility_timeout

    def receive(self, max_messages: int) -> list[DeadLetter]:
        response = self._sqs.receive_message(
            QueueUrl=self._url, MaxNumberOfMessages=max_messages, VisibilityTimeout=self._visibility, WaitTimeSeconds=0
        )
        return [DeadLetter(body=m["Body"], receipt=m["ReceiptHandle"]) for m in response.get("Messages", [])]

    def delete(self, letter: DeadLetter) -> None:
        self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=letter.receipt)

    def approximate_depth(self) -> int:
        """Messages parked here (visible plus being received), as the DLQ alarm counts them."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
            attributes.get("ApproximateNumberOfMessagesNotVisible", 0)
        )
