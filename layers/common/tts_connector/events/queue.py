"""Publishing stored events to their capability's FIFO queue."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol

from tts_connector.events.models import InboundEvent


class EventPublisher(Protocol):
    def publish(self, event: InboundEvent, queue: str, *, replay_token: str | None = None) -> None:
        """Send `event` to `queue` (a Settings field naming the queue URL).

        `replay_token` makes the send distinct from earlier ones, so FIFO's 5-minute de-duplication does
        not drop a deliberate replay.
        """
        ...


_WIRE_FIELDS = set(InboundEvent.model_fields)


def message_body(event: InboundEvent) -> str:
    """The queue message: the event itself, without what only the record holds (status, received_at)."""
    return event.model_dump_json(include=_WIRE_FIELDS)


def deduplication_id(event_key: str, replay_token: str | None = None) -> str:
    # SQS allows 128 characters; a digest of the business key keeps FIFO's 5-minute dedup exact.
    seed = event_key if replay_token is None else f"{event_key}#replay:{replay_token}"
    return hashlib.sha256(seed.encode()).hexdigest()


class SqsEventPublisher:
    def __init__(self, sqs: Any, queue_url: Callable[[str], str]):
        self._sqs = sqs
        self._queue_url = queue_url

    def publish(self, event: InboundEvent, queue: str, *, replay_token: str | None = None) -> None:
        self._sqs.send_message(
            QueueUrl=self._queue_url(queue),
            MessageBody=message_body(event),
            MessageGroupId=event.message_group_id,
            MessageDeduplicationId=deduplication_id(event.event_key, replay_token),
        )
