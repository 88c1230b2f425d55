"""What the admin API does for refunds (routes.py only parses and answers)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pydantic import BaseModel

from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.refunds.handlers import Enqueue
from tts_connector.refunds.records import RefundKind, RefundRecord, RefundState
from tts_connector.refunds.requests import Reason, settle_request
from tts_connector.refunds.store import RefundStore
from tts_connector.tiktok.client import ShopRef


class RefundSummary(BaseModel):
    kind: RefundKind
    refund_id: str
    shop_id: str
    tiktok_order_id: str
    state: RefundState
    tiktok_status: str
    refund_total: str | None = None
    currency: str = ""
    credit_memo_id: int | None = None
    credit_memo_total: str | None = None
    uncredited: str | None = None
    failure: str | None = None
    updated_at: int = 0


class RetryReport(BaseModel):
    kind: RefundKind
    refund_id: str
    shop_id: str
    event_key: str
    previous_state: RefundState


def summary(r: RefundRecord) -> RefundSummary:
    memo = r.credit_memo
    return RefundSummary(
        kind=r.kind,
        refund_id=r.refund_id,
        shop_id=r.shop_id,
        tiktok_order_id=r.tiktok_order_id,
        state=r.state,
        tiktok_status=r.tiktok_status,
        refund_total=r.refund_total,
        currency=r.currency,
        credit_memo_id=memo.credit_memo_id if memo else None,
        credit_memo_total=memo.grand_total if memo else None,
        uncredited=r.uncredited,
        failure=r.failure,
        updated_at=r.updated_at,
    )


def find_record(store: RefundStore, shop_ids: Sequence[str], refund_id: str) -> RefundRecord:
    if not refund_id.isdigit() or len(refund_id) > 64:
        raise InvalidInputError(f"{refund_id!r} is not a TikTok return or cancellation id (digits)")
    for shop_id in shop_ids:
        for kind in RefundKind:
            record = store.get(shop_id, kind, refund_id)
            if record is not None:
                return record
    raise NotFoundError(
        f"The connector has no record of return or cancellation {refund_id}",
        hint="`ttsc refunds list` shows those it knows; a refund whose webhook was lost is found by reconciliation",
    )


def queue_retry(record: RefundRecord, enqueue: Enqueue) -> RetryReport:
    now_ms = int(time.time() * 1000)
    event = settle_request(
        record.shop_id,
        record.tiktok_order_id,
        record.kind,
        record.refund_id,
        Reason.RETRY,
        now=now_ms // 1000,
        key=str(now_ms),
    )
    enqueue(event)
    return RetryReport(
        kind=record.kind,
        refund_id=record.refund_id,
        shop_id=record.shop_id,
        event_key=event.event_key,
        previous_state=record.state,
    )


def pick_shop(served: Sequence[ShopRef], shop_id: str | None) -> ShopRef:
    if shop_id is not None:
        for shop in served:
            if shop.shop_id == shop_id:
                return shop
        raise NotFoundError(f"Shop {shop_id} is not served by the connector", hint="Run `ttsc shops list`")
    if len(served) != 1:
        raise InvalidInputError(
            "Name the shop (shop_id)", hint=f"Shops served: {', '.join(s.shop_id for s in served) or 'none'}"
        )
    return served[0]
