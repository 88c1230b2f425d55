"""Refund records in OrdersTable, next to the order records they build on, and the reconciliation cursors.

Keys (pk / sk):
  REFUND#<shop>#<kind>#<tiktok id> / REFUND   the record (JSON in `data`; `state` = `refund:<state>`,
                                              `updated_at`, `version` as attributes)
  CURSOR#refunds#<kind>#<shop>     / CURSOR   a reconciliation cursor (order import's cursor item)

`state` carries a `refund:` prefix so refund records share OrdersTable's `state-updated_at-index` without
showing up among the order states; they never carry `magento_order_id` as an attribute, so the Magento-order
index keeps naming orders only. Every save is conditional on the version read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tts_connector.errors import TransientError
from tts_connector.refunds.records import RefundKind, RefundRecord, RefundState

STATE_INDEX = "state-updated_at-index"
STATE_PREFIX = "refund:"


class RefundRecordConflict(TransientError):
    code = "refund_record_conflict"


class RefundStore(Protocol):
    def get(self, shop_id: str, kind: RefundKind, refund_id: str) -> RefundRecord | None: ...

    def save(self, record: RefundRecord) -> RefundRecord:
        """Save if nobody saved since `record.version` was read (RefundRecordConflict otherwise)."""
        ...

    def list(self, state: RefundState | None = None, *, limit: int = 100) -> list[RefundRecord]: ...

    def get_cursor(self, name: str) -> int | None: ...

    def set_cursor(self, name: str, value: int) -> None: ...


def record_key(shop_id: str, kind: RefundKind, refund_id: str) -> dict[str, str]:
    return {"pk": f"REFUND#{shop_id}#{kind.value}#{refund_id}", "sk": "REFUND"}


class DynamoDBRefundStore:
    def __init__(self, table: Any, clock: Callable[[], float] = time.time):
        self._table = table
        self._clock = clock

    def get(self, shop_id: str, kind: RefundKind, refund_id: str) -> RefundRecord | None:
        item = self._table.get_item(Key=record_key(shop_id, kind, refund_id), ConsistentRead=True).get("Item")
        return RefundRecord.model_validate_json(str(item["data"])) if item else None

    def save(self, record: RefundRecord) -> RefundRecord:
        now = int(self._clock())
        saved = record.model_copy(
            update={"version": record.version + 1, "updated_at": now, "created_at": record.created_at or now}
        )
        item = {
            **record_key(record.shop_id, record.kind, record.refund_id),
            "state": STATE_PREFIX + saved.state.value,
            "updated_at": now,
            "version": saved.version,
            "data": saved.model_dump_json(),
        }
        condition = Attr("pk").not_exists() if record.version == 0 else Attr("version").eq(record.version)
        try:
            self._table.put_item(Item=item, ConditionExpression=condition)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise RefundRecordConflict(
                    f"TikTok {record.kind.value} {record.refund_id} changed while it was being processed; retrying",
                    details={"shop_id": record.shop_id, "refund_id": record.refund_id},
                ) from exc
            raise
        return saved

    def list(self, state: RefundState | None = None, *, limit: int = 100) -> list[RefundRecord]:
        found: list[RefundRecord] = []
        for one in [state] if state is not None else list(RefundState):
            kwargs: dict[str, Any] = {
                "IndexName": STATE_INDEX,
                "KeyConditionExpression": Key("state").eq(STATE_PREFIX + one.value),
                "ScanIndexForward": False,
                "Limit": limit,
            }
            page = self._table.query(**kwargs)
            found += [RefundRecord.model_validate_json(str(i["data"])) for i in page.get("Items", [])]
        found.sort(key=lambda r: r.updated_at, reverse=True)
        return found[:limit]

    def get_cursor(self, name: str) -> int | None:
        item = self._table.get_item(Key={"pk": f"CURSOR#{name}", "sk": "CURSOR"}, ConsistentRead=True).get("Item")
        return int(item["value"]) if item else None

    def set_cursor(self, name: str, value: int) -> None:
        self._table.put_item(
            Item={"pk": f"CURSOR#{name}", "sk": "CURSOR", "value": int(value), "updated_at": int(self._clock())}
        )
