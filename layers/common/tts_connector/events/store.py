"""Where inbound events are recorded before they are queued (the outbox) and how far they got."""

from __future__ import annotations

import time
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.webhooks.tiktok import TikTokNotification

# Events are kept long enough to investigate a month of merchant questions, then expire.
RETENTION_SECONDS = 30 * 24 * 3600
STATUS_INDEX = "status-received_at-index"


class EventStore(Protocol):
    def add_if_new(self, notification: TikTokNotification, now: int) -> StoredEvent | None:
        """Record a new event; return None if an event with the same key is already recorded."""

    def get(self, event_key: str) -> StoredEvent | None: ...

    def set_status(self, event_key: str, status: EventStatus, detail: str = "") -> None: ...

    def list_stale(self, status: EventStatus, received_before: int, limit: int) -> list[StoredEvent]: ...


class DynamoDBEventStore:
    def __init__(self, table: Any):
        self._table = table

    def add_if_new(self, notification: TikTokNotification, now: int) -> StoredEvent | None:
        event = StoredEvent(
            event_key=notification.event_key,
            status=EventStatus.RECEIVED,
            received_at=now,
            message_group_id=notification.message_group_id,
            notification=notification,
        )
        try:
            self._table.put_item(
                Item={
                    "event_key": event.event_key,
                    "status": event.status.value,
                    "received_at": now,
                    "updated_at": now,
                    "message_group_id": event.message_group_id,
                    "shop_id": notification.shop_id,
                    "type": notification.type,
                    "notification": notification.model_dump_json(),
                    "expires_at": now + RETENTION_SECONDS,
                },
                ConditionExpression=Attr("event_key").not_exists(),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return event

    def get(self, event_key: str) -> StoredEvent | None:
        item = self._table.get_item(Key={"event_key": event_key}, ConsistentRead=True).get("Item")
        return _to_event(item) if item else None

    def set_status(self, event_key: str, status: EventStatus, detail: str = "") -> None:
        self._table.update_item(
            Key={"event_key": event_key},
            UpdateExpression="SET #s = :s, updated_at = :u, detail = :d",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": status.value, ":u": int(time.time()), ":d": detail[:1000]},
            ConditionExpression=Attr("event_key").exists(),
        )

    def list_stale(self, status: EventStatus, received_before: int, limit: int) -> list[StoredEvent]:
        response = self._table.query(
            IndexName=STATUS_INDEX,
            KeyConditionExpression=Key("status").eq(status.value) & Key("received_at").lt(received_before),
            Limit=limit,
        )
        return [_to_event(item) for item in response.get("Items", [])]


def _to_event(item: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        event_key=str(item["event_key"]),
        status=EventStatus(item["status"]),
        received_at=int(item["received_at"]),
        message_group_id=str(item["message_group_id"]),
        notification=TikTokNotification.model_validate_json(str(item["notification"])),
    )
