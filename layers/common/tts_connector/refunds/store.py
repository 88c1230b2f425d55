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

from typing import Protocol

from tts_connector.errors import TransientError
from tts_connector.order_import.store import OrdersTableStore
from tts_connector.refunds.records import RefundKind, RefundRecord, RefundState

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


class DynamoDBRefundStore(OrdersTableStore):
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
        self._put_if_version(
            item,
            record.version,
            lambda: RefundRecordConflict(
                f"TikTok {record.kind.value} {record.refund_id} changed while it was being processed; retrying",
                details={"shop_id": record.shop_id, "refund_id": record.refund_id},
            ),
        )
        return saved

    def list(self, state: RefundState | None = None, *, limit: int = 100) -> list[RefundRecord]:
        found: list[RefundRecord] = []
        for one in [state] if state is not None else list(RefundState):
            items = self._items_in_state(STATE_PREFIX + one.value, limit)
            found += [RefundRecord.model_validate_json(str(i["data"])) for i in items]
        found.sort(key=lambda r: r.updated_at, reverse=True)
        return found[:limit]
