"""Publishing stored events to the FIFO events queue."""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from tts_connector.events.models import EventMessage, StoredEvent


class EventPublisher(Protocol):
    def publish(self, event: StoredEvent) -> None: ...


class SqsFifoEventPublisher:
    def __init__(self, sqs: Any, queue_url: str):
        self._sqs = sqs
        self._queue_url = queue_url

    def publish(self, event: StoredEvent) -> None:
        message = EventMessage(event_key=event.event_key, notification=event.notification)
        self._sqs.send_message(
            QueueUrl=self._queue_url,
            MessageBody=message.model_dump_json(),
            MessageGroupId=event.message_group_id,
            # SQS allows 128 characters; a digest of the business key keeps FIFO's 5-minute dedup exact.
            MessageDeduplicationId=hashlib.sha256(event.event_key.encode()).hexdigest(),
        )
