"""What the pipeline carries and records, whatever the source (TikTok webhooks, Magento change events)."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# SQS FIFO limits MessageGroupId to 128 characters (letters, digits and punctuation).
MAX_GROUP_ID_LENGTH = 128


class EventStatus(StrEnum):
    RECEIVED = "RECEIVED"  # stored, not yet on the queue
    ENQUEUED = "ENQUEUED"  # on its capability's queue, waiting for the consumer
    PROCESSED = "PROCESSED"  # a capability handler completed it
    IGNORED = "IGNORED"  # valid, but nothing in this version acts on it (or it is stale)
    FAILED = "FAILED"  # the last attempt failed; SQS retries it, then parks it in the DLQ for a replay


# Status only moves forward: a late writer (a duplicate intake, a redelivered message) can never set an
# event back. FAILED -> ENQUEUED is the one way back, taken by a replay.
ALLOWED_PREVIOUS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.ENQUEUED: frozenset({EventStatus.RECEIVED, EventStatus.FAILED}),
    EventStatus.PROCESSED: frozenset({EventStatus.RECEIVED, EventStatus.ENQUEUED, EventStatus.FAILED}),
    EventStatus.IGNORED: frozenset({EventStatus.RECEIVED, EventStatus.ENQUEUED, EventStatus.FAILED}),
    EventStatus.FAILED: frozenset({EventStatus.RECEIVED, EventStatus.ENQUEUED, EventStatus.FAILED}),
}


def bounded_group_id(*parts: str) -> str:
    """A FIFO message group id from `parts`, never longer than SQS allows.

    Ids come from outside (TikTok order ids, Magento SKUs); a long one keeps a readable prefix and ends in a
    digest of the whole, so distinct groups stay distinct and the same input always lands in the same group.
    """
    group = ":".join(parts)
    if len(group) <= MAX_GROUP_ID_LENGTH:
        return group
    digest = hashlib.sha256(group.encode()).hexdigest()
    return f"{group[: MAX_GROUP_ID_LENGTH - len(digest) - 1]}~{digest}"


class InboundEvent(BaseModel):
    """One notification from a source, as recorded and queued.

    `event_key` is the business identity the pipeline de-duplicates on (`tts:<notification id>`,
    `mage:<...>`); `topic` is the source's own name for the kind of event (TikTok's topic number,
    a Magento event name); `payload` is the notification as the source sent it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_key: str = Field(min_length=1, max_length=1024)
    source: str = Field(min_length=1, max_length=16)
    topic: str = Field(min_length=1, max_length=128)
    shop_id: str | None = None
    occurred_at: int = Field(default=0, ge=0)
    message_group_id: str = Field(min_length=1, max_length=MAX_GROUP_ID_LENGTH)
    payload: dict[str, Any]

    @property
    def event_type(self) -> str:
        """What capabilities subscribe to: `<source>:<topic>`, e.g. `tts:6`."""
        return f"{self.source}:{self.topic}"


class StoredEvent(InboundEvent):
    status: EventStatus
    received_at: int
    detail: str = ""
    # The API request that delivered the event (API Gateway's request id, the intake logs' correlation_id).
    request_id: str | None = None


class EventOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: EventStatus
    detail: str
    result: dict[str, Any] = {}
