"""Sending push work: product and planning messages to the push queue, write-backs to their own queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from tts_connector.errors import TransientError
from tts_connector.product_push.records import PlanMessage, ProductMessage, WriteBackMessage

# SQS's limit is 256 KiB per message and per batch; stay clear of it (attributes and JSON overhead).
MAX_MESSAGE_BYTES = 200_000
BATCH = 10


class PushQueue(Protocol):
    def send_plan(self, message: PlanMessage) -> None: ...

    def send_products(self, messages: Sequence[ProductMessage]) -> None: ...

    def send_write_back(self, message: WriteBackMessage) -> None: ...


def fitting(message: ProductMessage) -> str:
    """The message body; a snapshot too big for SQS is left out and the worker reads the product itself."""
    body = message.model_dump_json()
    if len(body.encode()) > MAX_MESSAGE_BYTES:
        body = message.model_copy(update={"snapshot": None}).model_dump_json()
    return body


class SqsPushQueue:
    def __init__(self, sqs: Any, push_queue_url: str, write_back_queue_url: str | None):
        self._sqs = sqs
        self._push = push_queue_url
        self._write_back = write_back_queue_url

    def send_plan(self, message: PlanMessage) -> None:
        self._sqs.send_message(QueueUrl=self._push, MessageBody=message.model_dump_json())

    def send_products(self, messages: Sequence[ProductMessage]) -> None:
        bodies = [fitting(m) for m in messages]
        batch: list[str] = []
        size = 0
        for body in bodies:
            length = len(body.encode())
            if batch and (len(batch) == BATCH or size + length > MAX_MESSAGE_BYTES):
                self._send_batch(batch)
                batch, size = [], 0
            batch.append(body)
            size += length
        if batch:
            self._send_batch(batch)

    def _send_batch(self, bodies: list[str]) -> None:
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
        for _ in range(3):
            answer = self._sqs.send_message_batch(QueueUrl=self._push, Entries=entries)
            failed = {f["Id"] for f in answer.get("Failed", [])}
            if not failed:
                return
            entries = [e for e in entries if e["Id"] in failed]
        raise TransientError(f"SQS refused {len(entries)} product message(s) of a batch; the page is sent again")

    def send_write_back(self, message: WriteBackMessage) -> None:
        if self._write_back is None:
            raise TransientError("PRODUCT_WRITE_BACK_QUEUE_URL is not configured")
        self._sqs.send_message(QueueUrl=self._write_back, MessageBody=message.model_dump_json())
