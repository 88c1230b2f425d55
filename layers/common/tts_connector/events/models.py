from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from tts_connector.webhooks.tiktok import TikTokNotification


class EventStatus(StrEnum):
    RECEIVED = "RECEIVED"  # stored, not yet on the queue
    ENQUEUED = "ENQUEUED"  # on the queue, waiting for its consumer
    PROCESSED = "PROCESSED"  # a capability handler completed it
    IGNORED = "IGNORED"  # valid, but nothing in this version acts on its topic


class StoredEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_key: str
    status: EventStatus
    received_at: int
    message_group_id: str
    notification: TikTokNotification


class EventMessage(BaseModel):
    """What travels on the events queue: the key to the stored record plus the notification itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_key: str
    notification: TikTokNotification


class EventOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: EventStatus
    detail: str
    result: dict[str, Any] = {}
