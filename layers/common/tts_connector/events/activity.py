"""Reading recent events for people (the console's Activity and Overview): newest first, filtered, bounded.

Uses the table's `status-received_at-index` (the only index): one descending query per status, filtered
by shop and entity (the message group names the entity: `<shop>:order:<id>`, `mage:product:<sku>`), and
stopped after `max_pages` pages so a screen never reads the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from tts_connector.events.models import EventStatus, StoredEvent
from tts_connector.events.store import STATUS_INDEX, TIKTOK_SOURCE, UnreadableEvent, _to_event


class EventActivity:
    def __init__(self, table: Any, page_size: int = 200, max_pages: int = 5):
        self._table = table
        self._page_size = page_size
        self._max_pages = max_pages

    def recent(
        self,
        statuses: Iterable[EventStatus],
        *,
        since: int,
        until: int,
        shop_id: str | None = None,
        entity: str | None = None,
        tiktok_only: bool = False,
        limit: int = 100,
    ) -> list[StoredEvent | UnreadableEvent]:
        """Events received in [since, until) in any of `statuses`, newest first, at most `limit`."""
        by_key: dict[str, StoredEvent | UnreadableEvent] = {}
        moved: set[str] = set()
        for status in statuses:
            for event in self._query(status, since, until, _filter(shop_id, entity, tiktok_only), limit):
                if event.event_key in by_key:
                    moved.add(event.event_key)
                by_key[event.event_key] = event
        # An event that changed status between two queries (or in a lagging index) shows up twice: the
        # record itself says which status is current.
        for key in moved:
            item = self._table.get_item(Key={"event_key": key}, ConsistentRead=True).get("Item")
            if item:
                by_key[key] = _to_event(item)
            else:
                del by_key[key]
        found = sorted(by_key.values(), key=_received_at, reverse=True)
        return found[:limit]

    def last_seen(self, shop_id: str, *, since: int, until: int) -> int | None:
        """When the newest TikTok notification for the shop was received (any status), if within the window."""
        newest = self.recent(list(EventStatus), since=since, until=until, shop_id=shop_id, tiktok_only=True, limit=1)
        return _received_at(newest[0]) or None if newest else None

    def _query(
        self, status: EventStatus, since: int, until: int, condition: ConditionBase | None, limit: int
    ) -> list[StoredEvent | UnreadableEvent]:
        kwargs: dict[str, Any] = {
            "IndexName": STATUS_INDEX,
            "KeyConditionExpression": Key("status").eq(status.value) & Key("received_at").between(since, until - 1),
            "ScanIndexForward": False,
            "Limit": self._page_size,
        }
        if condition is not None:
            kwargs["FilterExpression"] = condition
        items: list[StoredEvent | UnreadableEvent] = []
        for _ in range(self._max_pages):
            page = self._table.query(**kwargs)
            items += [_to_event(item) for item in page.get("Items", [])]
            if len(items) >= limit or "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:limit]


def _filter(shop_id: str | None, entity: str | None, tiktok_only: bool) -> ConditionBase | None:
    conditions: list[ConditionBase] = []
    if shop_id:
        conditions.append(Attr("shop_id").eq(shop_id))
    if entity:
        conditions.append(Attr("message_group_id").contains(entity))
    if tiktok_only:
        conditions.append(Attr("source").not_exists() | Attr("source").eq(TIKTOK_SOURCE))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _received_at(event: StoredEvent | UnreadableEvent) -> int:
    return event.received_at if isinstance(event, StoredEvent) else 0
