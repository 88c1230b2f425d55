"""Asking for a return or cancellation to be settled: the connector's own event, queued in the order's group.

Reconciliation findings, the legacy reverse webhook (2) and `ttsc refunds retry` become a `refunds:settle` event
with the group TikTok's own order and refund events use (`<shop>:order:<id>`), so everything about one order's
refunds runs one at a time, through the same pipeline (recorded once per key, retried, DLQ, replay).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.events.models import InboundEvent
from tts_connector.order_import.requests import order_request_event
from tts_connector.refunds.records import RefundKind

SOURCE = "refunds"
TOPIC = "settle"
EVENT_TYPE = f"{SOURCE}:{TOPIC}"


class Reason(StrEnum):
    SYNC = "sync"  # reconciliation found the return/cancellation changed
    LEGACY = "legacy"  # webhook 2 named the order
    RETRY = "retry"  # the merchant asked (`ttsc refunds retry`)


class SettleRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_id: str = Field(min_length=1, max_length=64)
    order_id: str = Field(min_length=1, max_length=64)
    kind: RefundKind
    refund_id: str = Field(min_length=1, max_length=64)
    reason: Reason
    update_time: int | None = None
    requested_at: int = 0


def settle_event(request: SettleRequest, key: str) -> InboundEvent:
    return order_request_event(SOURCE, TOPIC, request, key)


def settle_request(
    shop_id: str,
    order_id: str,
    kind: RefundKind,
    refund_id: str,
    reason: Reason,
    *,
    now: int,
    key: str,
    update_time: int | None = None,
) -> InboundEvent:
    request = SettleRequest(
        shop_id=shop_id,
        order_id=order_id,
        kind=kind,
        refund_id=refund_id,
        reason=reason,
        update_time=update_time,
        requested_at=now,
    )
    return settle_event(request, f"{reason.value}:{shop_id}:{kind.value}:{refund_id}:{key}")
