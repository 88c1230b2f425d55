"""Order records in OrdersTable, and the reconciliation cursors.

Keys (pk / sk):
  ORDER#<shop>#<tiktok order id> / ORDER    the record (JSON in `data`; `state`, `updated_at`, `version`,
                                            `magento_order_id` as attributes for conditions and indexes)
  CURSOR#<name>                  / CURSOR   a reconciliation cursor (Unix seconds)

Indexes: `state-updated_at-index` (records by state, newest first: `ttsc orders list --status failed`) and
`magento_order_id-index` (the TikTok order behind a Magento order: shipment events name only Magento's id).
Every save is conditional on the version read, so two runs can never both apply their changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.errors import TransientError
from tts_connector.order_import.records import OrderRecord, OrderState

STATE_INDEX = "state-updated_at-index"
MAGENTO_ORDER_INDEX = "magento_order_id-index"


class OrderRecordConflict(TransientError):
    """Someone saved the record since it was read; the run is retried on the new version."""

    code = "order_record_conflict"


class OrderRecords(Protocol):
    """Reading order records: what the refunds capability needs from order import."""

    def get(self, shop_id: str, tiktok_order_id: str) -> OrderRecord | None: ...

    def by_magento_order(self, magento_order_id: int) -> OrderRecord | None: ...


class OrderStore(OrderRecords, Protocol):
    def save(self, record: OrderRecord) -> OrderRecord:
        """Save if nobody saved since `record.version` was read; returns the record with its new version.

        Raises OrderRecordConflict otherwise.
        """
        ...

    def list(self, state: OrderState | None = None, *, limit: int = 100) -> list[OrderRecord]:
        """Records in a state (all states when None), most recently changed first."""
        ...

    def get_cursor(self, name: str) -> int | None: ...

    def set_cursor(self, name: str, value: int) -> None: ...


def _record_key(shop_id: str, tiktok_order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{shop_id}#{tiktok_order_id}", "sk": "ORDER"}


class OrdersTableStore:
    """What the stores on OrdersTable share (order records here, refund records in `refunds.store`): the
    reconciliation cursors, saves conditional on the version read, and reads of the state index."""

    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    def get_cursor(self, name: str) -> int | None:
        item = self._table.get_item(Key={"pk": f"CURSOR#{name}", "sk": "CURSOR"}, ConsistentRead=True).get("Item")
        return int(item["value"]) if item else None

    def set_cursor(self, name: str, value: int) -> None:
        self._table.put_item(
            Item={"pk": f"CURSOR#{name}", "sk": "CURSOR", "value": int(value), "updated_at": int(self._clock())}
        )

    def _put_if_version(self, item: dict[str, Any], read_version: int, conflict: Callable[[], Exception]) -> None:
        """Put `item` if nobody saved it since `read_version` was read (0: it must not exist yet); raises
        `conflict()` otherwise, so two runs can never both apply their changes."""
        condition = Attr("pk").not_exists() if read_version == 0 else Attr("version").eq(read_version)
        try:
            self._table.put_item(Item=item, ConditionExpression=condition)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise conflict() from exc
            raise

    def _items_in_state(self, state: str, limit: int) -> Iterator[dict[str, Any]]:
        """Items whose `state` attribute is `state`, most recently changed first, page after page up to `limit`."""
        kwargs: dict[str, Any] = {
            "IndexName": STATE_INDEX,
            "KeyConditionExpression": Key("state").eq(state),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        seen = 0
        while seen < limit:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                seen += 1
                yield item
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class DynamoDBOrderStore(OrdersTableStore):
    def get(self, shop_id: str, tiktok_order_id: str) -> OrderRecord | None:
        item = self._table.get_item(Key=_record_key(shop_id, tiktok_order_id), ConsistentRead=True).get("Item")
        return _to_record(item) if item else None

    def by_magento_order(self, magento_order_id: int) -> OrderRecord | None:
        page = self._table.query(
            IndexName=MAGENTO_ORDER_INDEX,
            KeyConditionExpression=Key("magento_order_id").eq(magento_order_id),
            Limit=1,
        )
        items = page.get("Items", [])
        if not items:
            return None
        # The index is eventually consistent; the record itself is read consistently.
        return self.get(str(items[0]["shop_id"]), str(items[0]["tiktok_order_id"]))

    def save(self, record: OrderRecord) -> OrderRecord:
        now = int(self._clock())
        saved = record.model_copy(
            update={"version": record.version + 1, "updated_at": now, "created_at": record.created_at or now}
        )
        item: dict[str, Any] = {
            **_record_key(record.shop_id, record.tiktok_order_id),
            "shop_id": record.shop_id,
            "tiktok_order_id": record.tiktok_order_id,
            "state": saved.state.value,
            "updated_at": now,
            "version": saved.version,
            "data": saved.model_dump_json(),
        }
        if saved.magento_order_id is not None:
            item["magento_order_id"] = saved.magento_order_id
        self._put_if_version(
            item,
            record.version,
            lambda: OrderRecordConflict(
                f"Order {record.tiktok_order_id} changed while it was being processed; retrying",
                details={"shop_id": record.shop_id, "order_id": record.tiktok_order_id},
            ),
        )
        return saved

    def list(self, state: OrderState | None = None, *, limit: int = 100) -> list[OrderRecord]:
        states = [state] if state is not None else list(OrderState)
        found: list[OrderRecord] = []
        for one in states:
            found.extend(_to_record(item) for item in self._items_in_state(one.value, limit))
        found.sort(key=lambda r: r.updated_at, reverse=True)
        return found[:limit]


def _to_record(item: dict[str, Any]) -> OrderRecord:
    return OrderRecord.model_validate_json(str(item["data"]))
