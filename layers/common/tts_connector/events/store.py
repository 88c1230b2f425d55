"""Where inbound events are recorded before they are queued (the outbox) and how far they got.

Item layout (one item per event, key `event_key`): `status`, `received_at`, `updated_at`, `detail`,
`message_group_id`, `shop_id`, `type` (the source's topic), `notification` (the payload as JSON),
`source` (absent on records written before Magento events existed: those are TikTok's), `request_id` (the
API request that delivered it, when known), `expires_at`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from pydantic import ValidationError

from tts_connector.events.models import ALLOWED_PREVIOUS, EventStatus, InboundEvent, StoredEvent

# Kept far longer than TikTok's retry horizon (about 15.5 hours of retries, reference §3.3), so a retried
# or replayed notification always finds its record; then the record expires.
RETENTION_SECONDS = 30 * 24 * 3600
STATUS_INDEX = "status-received_at-index"
DETAIL_MAX = 1000
REQUEST_ID_MAX = 128
TIKTOK_SOURCE = "tts"


@dataclass(frozen=True)
class UnreadableEvent:
    """A record that no longer parses (hand-edited, or written by an incompatible version)."""

    event_key: str
    reason: str


class EventStore(Protocol):
    def add_if_new(
        self,
        event: InboundEvent,
        now: int,
        status: EventStatus = EventStatus.RECEIVED,
        detail: str = "",
        request_id: str | None = None,
    ) -> StoredEvent | None:
        """Record a new event; None if an event with the same key is already recorded."""
        ...

    def get(self, event_key: str) -> StoredEvent | None: ...

    def transition(self, event_key: str, status: EventStatus, detail: str, now: int) -> bool:
        """Move the event to `status` if its current status allows it (ALLOWED_PREVIOUS); False if not."""
        ...

    def scan_status(self, status: EventStatus, received_before: int) -> Iterator[StoredEvent | UnreadableEvent]:
        """Every event in `status` received before the given time, oldest first, page by page."""
        ...


class DynamoDBEventStore:
    def __init__(self, table: Any, page_size: int = 100):
        self._table = table
        self._page_size = page_size

    def add_if_new(
        self,
        event: InboundEvent,
        now: int,
        status: EventStatus = EventStatus.RECEIVED,
        detail: str = "",
        request_id: str | None = None,
    ) -> StoredEvent | None:
        stored = StoredEvent(
            **event.model_dump(), status=status, received_at=now, detail=detail[:DETAIL_MAX], request_id=request_id
        )
        item: dict[str, Any] = {
            "event_key": event.event_key,
            "status": status.value,
            "received_at": now,
            "updated_at": now,
            "message_group_id": event.message_group_id,
            "type": int(event.topic) if event.topic.isdigit() else event.topic,
            "notification": json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False),
            "occurred_at": event.occurred_at,
            "expires_at": now + RETENTION_SECONDS,
        }
        if event.shop_id is not None:
            item["shop_id"] = event.shop_id
        if event.source != TIKTOK_SOURCE:
            item["source"] = event.source
        if detail:
            item["detail"] = detail[:DETAIL_MAX]
        if request_id:
            item["request_id"] = request_id[:REQUEST_ID_MAX]
        try:
            self._table.put_item(Item=item, ConditionExpression=Attr("event_key").not_exists())
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return stored

    def get(self, event_key: str) -> StoredEvent | None:
        item = self._table.get_item(Key={"event_key": event_key}, ConsistentRead=True).get("Item")
        if not item:
            return None
        event = _to_event(item)
        if isinstance(event, UnreadableEvent):
            raise ValueError(f"Event record {event_key} is unreadable: {event.reason}")
        return event

    def transition(self, event_key: str, status: EventStatus, detail: str, now: int) -> bool:
        allowed = sorted(s.value for s in ALLOWED_PREVIOUS[status])
        try:
            self._table.update_item(
                Key={"event_key": event_key},
                UpdateExpression="SET #s = :s, updated_at = :u, detail = :d",
                ConditionExpression=Attr("status").is_in(allowed),
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": status.value, ":u": now, ":d": detail[:DETAIL_MAX]},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def scan_status(self, status: EventStatus, received_before: int) -> Iterator[StoredEvent | UnreadableEvent]:
        kwargs: dict[str, Any] = {
            "IndexName": STATUS_INDEX,
            "KeyConditionExpression": Key("status").eq(status.value) & Key("received_at").lt(received_before),
            "Limit": self._page_size,
        }
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                yield _to_event(item)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _to_event(item: dict[str, Any]) -> StoredEvent | UnreadableEvent:
    key = str(item.get("event_key", "?"))
    try:
        return StoredEvent(
            event_key=key,
            source=str(item.get("source", TIKTOK_SOURCE)),
            topic=str(item["type"]),
            shop_id=str(item["shop_id"]) if item.get("shop_id") is not None else None,
            occurred_at=int(item.get("occurred_at", 0)),
            message_group_id=str(item["message_group_id"]),
            payload=json.loads(str(item["notification"])),
            status=EventStatus(item["status"]),
            received_at=int(item["received_at"]),
            detail=str(item.get("detail", "")),
            request_id=str(item["request_id"]) if item.get("request_id") else None,
        )
    except (KeyError, ValueError, TypeError, ValidationError) as exc:
        return UnreadableEvent(event_key=key, reason=f"{type(exc).__name__}: {str(exc)[:200]}")
