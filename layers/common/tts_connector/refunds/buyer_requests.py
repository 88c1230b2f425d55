"""Buyer requests answered from the connector: pending cancellations and returns, approved or rejected with a reason.

Decisions follow the seller's next action TikTok names on the request (`seller_next_action_response`, Search
Returns / Search Cancellations, reference §7.1-7.3): a refund-only request is approved with `APPROVE_REFUND`, a
return with `APPROVE_RETURN`, a received parcel with `APPROVE_RECEIVED_PACKAGE`, a replacement with
`APPROVE_REPLACEMENT` (rejections likewise). Every decision carries an `idempotency_key` derived from the request
and the decision (reference §8.5): repeating the same command, or a retry after a lost answer, acts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tts_connector.errors import ConflictError, InvalidInputError, NotFoundError
from tts_connector.order_import.store import OrderRecords
from tts_connector.refunds.amounts import money
from tts_connector.refunds.records import RefundKind
from tts_connector.refunds.tiktok_view import CANCEL_PENDING, PENDING_REQUESTS
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.returns import (
    ApproveReturnRequest,
    Cancellation,
    CancellationSearchFilter,
    RejectCancellationRequest,
    RejectReturnRequest,
    ReturnOrder,
    ReturnSearchFilter,
    ReversePage,
    ReverseRequest,
)

APPROVE_FOR = {
    "SELLER_RESPOND_REFUND": "APPROVE_REFUND",
    "SELLER_RESPOND_RETURN": "APPROVE_RETURN",
    "SELLER_RESPOND_RECEIVE_PACKAGE": "APPROVE_RECEIVED_PACKAGE",
    "SELLER_RESPOND_REPLACEMENT": "APPROVE_REPLACEMENT",
}
REJECT_FOR = {
    "SELLER_RESPOND_REFUND": "REJECT_REFUND",
    "SELLER_RESPOND_RETURN": "REJECT_RETURN",
    "SELLER_RESPOND_RECEIVE_PACKAGE": "REJECT_RECEIVED_PACKAGE",
    "SELLER_RESPOND_REPLACEMENT": "REJECT_REPLACEMENT",
}
MAX_PAGES = 20


class PendingRequest(BaseModel):
    kind: RefundKind
    request_id: str
    shop_id: str
    tiktok_order_id: str
    magento_increment_id: str | None = None
    request_type: str
    status: str
    reason: str | None = None
    refund_total: Decimal | None = None
    currency: str | None = None
    next_action: str | None = None
    deadline: int | None = None
    line_item_ids: list[str] = Field(default_factory=list)


class ApproveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = Field(default=None, min_length=1, max_length=64)
    # Returns only: overrides the decision TikTok's next action implies (e.g. OFFER_PARTIAL_REFUND is not offered).
    decision: str | None = Field(default=None, pattern=r"^[A-Z_]{3,40}$")
    # APPROVE_RETURN only: refund without the item coming back.
    buyer_keep_item: bool | None = None


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    shop_id: str | None = Field(default=None, min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=200, description="A reason name from `reasons` (Get Reject Reasons)")
    comment: str | None = Field(default=None, max_length=1000)
    decision: str | None = Field(default=None, pattern=r"^[A-Z_]{3,40}$")


class DecisionResult(BaseModel):
    kind: RefundKind
    request_id: str
    shop_id: str
    decision: str
    idempotency_key: str


def _next_action(record: ReverseRequest) -> tuple[str | None, int | None]:
    first = record.seller_next_action_response[0] if record.seller_next_action_response else None
    return (first.action, first.deadline) if first else (None, None)


def _pending(
    record: ReverseRequest,
    kind: RefundKind,
    request_id: str,
    shop_id: str,
    orders: OrderRecords,
    request_type: str,
    status: str,
    reason: str | None,
    line_item_ids: list[str],
) -> PendingRequest:
    action, deadline = _next_action(record)
    order = orders.get(shop_id, record.order_id)
    amount = record.refund_amount
    return PendingRequest(
        kind=kind,
        request_id=request_id,
        shop_id=shop_id,
        tiktok_order_id=record.order_id,
        magento_increment_id=order.magento_increment_id if order else None,
        request_type=request_type,
        status=status,
        reason=reason,
        refund_total=money(amount.refund_total) if amount else None,
        currency=amount.currency if amount else None,
        next_action=action,
        deadline=deadline,
        line_item_ids=line_item_ids,
    )


def _pending_return(r: ReturnOrder, shop_id: str, orders: OrderRecords) -> PendingRequest:
    reason, lines = r.return_reason_text or r.return_reason, [i.order_line_item_id for i in r.return_line_items]
    return _pending(r, RefundKind.RETURN, r.return_id, shop_id, orders, r.return_type, r.return_status, reason, lines)


def _pending_cancellation(c: Cancellation, shop_id: str, orders: OrderRecords) -> PendingRequest:
    reason, lines = c.cancel_reason_text or c.cancel_reason, [i.order_line_item_id for i in c.cancel_line_items]
    kind, request_type = RefundKind.CANCELLATION, c.cancel_type or ""
    return _pending(c, kind, c.cancel_id, shop_id, orders, request_type, c.cancel_status, reason, lines)


def _read_pages[P: ReversePage](
    search: Callable[[str | None], P], read: Callable[[P], list[PendingRequest]]
) -> list[PendingRequest]:
    """What `read` makes of each page `search` answers, following TikTok's page tokens up to MAX_PAGES."""
    found: list[PendingRequest] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        page = search(token)
        found += read(page)
        token = page.next_page_token
        if not token:
            break
    return found


def list_pending(tiktok: TikTokShopApi, shop: ShopRef, orders: OrderRecords) -> list[PendingRequest]:
    """Every request waiting for the seller: cancellations first, then returns (each oldest first)."""
    cancellations = _read_pages(
        lambda token: tiktok.returns.search_cancellations(
            shop, CancellationSearchFilter(cancel_status=[CANCEL_PENDING]), page_token=token
        ),
        lambda page: [_pending_cancellation(c, shop.shop_id, orders) for c in page.cancellations],
    )
    returns = _read_pages(
        lambda token: tiktok.returns.search_returns(
            shop, ReturnSearchFilter(return_status=sorted(PENDING_REQUESTS)), page_token=token
        ),
        lambda page: [_pending_return(r, shop.shop_id, orders) for r in page.return_orders],
    )
    return cancellations + returns


def find_request(tiktok: TikTokShopApi, shop: ShopRef, request_id: str) -> ReturnOrder | Cancellation:
    returns = tiktok.returns.search_returns(shop, ReturnSearchFilter(return_ids=[request_id])).return_orders
    for r in returns:
        if r.return_id == request_id:
            return r
    cancellations = tiktok.returns.search_cancellations(shop, CancellationSearchFilter(cancel_ids=[request_id]))
    for c in cancellations.cancellations:
        if c.cancel_id == request_id:
            return c
    raise NotFoundError(
        f"Shop {shop.shop_id} has no return or cancellation {request_id}", hint="Run `ttsc requests list`"
    )


def _key(action: str, request_id: str, decision: str) -> str:
    # Deterministic: the same decision on the same request is one decision at TikTok, however often it is sent.
    return "ttsc-" + hashlib.sha256(f"{action}:{request_id}:{decision}".encode()).hexdigest()[:48]


def _decision(record: ReturnOrder, table: dict[str, str], given: str | None, verb: str) -> str:
    if given:
        return given
    action, _ = _next_action(record)
    if action is None or action not in table:
        raise ConflictError(
            f"Return {record.return_id} is {record.return_status}: nothing to {verb}",
            hint="Only requests waiting for the seller can be answered (`ttsc requests list`)",
        )
    return table[action]


def _require_pending(cancellation: Cancellation, request_id: str) -> None:
    if cancellation.cancel_status != CANCEL_PENDING:
        raise ConflictError(f"Cancellation {request_id} is {cancellation.cancel_status}, not pending")


def _decided(kind: RefundKind, shop: ShopRef, request_id: str, decision: str, key: str) -> DecisionResult:
    return DecisionResult(
        kind=kind, request_id=request_id, shop_id=shop.shop_id, decision=decision, idempotency_key=key
    )


def approve(tiktok: TikTokShopApi, shop: ShopRef, request_id: str, body: ApproveRequest) -> DecisionResult:
    record = find_request(tiktok, shop, request_id)
    if isinstance(record, Cancellation):
        _require_pending(record, request_id)
        key = _key("approve", request_id, "APPROVE_CANCELLATION")
        tiktok.returns.approve_cancellation(shop, request_id, idempotency_key=key)
        return _decided(RefundKind.CANCELLATION, shop, request_id, "APPROVE_CANCELLATION", key)
    decision = _decision(record, APPROVE_FOR, body.decision, "approve")
    key = _key("approve", request_id, decision)
    tiktok.returns.approve_return(
        shop,
        request_id,
        ApproveReturnRequest(decision=decision, buyer_keep_item=body.buyer_keep_item),
        idempotency_key=key,
    )
    return _decided(RefundKind.RETURN, shop, request_id, decision, key)


def reject(tiktok: TikTokShopApi, shop: ShopRef, request_id: str, body: RejectRequest) -> DecisionResult:
    record = find_request(tiktok, shop, request_id)
    names = [r.name for r in tiktok.returns.reject_reasons(shop, request_id).reasons]
    if body.reason not in names:
        raise InvalidInputError(
            f"{body.reason!r} is not a reason TikTok accepts for {request_id}",
            hint=f"Use one of: {', '.join(names) or '(TikTok offers none)'}",
            details={"reasons": names},
        )
    if isinstance(record, Cancellation):
        _require_pending(record, request_id)
        key = _key("reject", request_id, body.reason)
        tiktok.returns.reject_cancellation(
            shop,
            request_id,
            RejectCancellationRequest(reject_reason=body.reason, comment=body.comment),
            idempotency_key=key,
        )
        return _decided(RefundKind.CANCELLATION, shop, request_id, "REJECT_CANCELLATION", key)
    decision = _decision(record, REJECT_FOR, body.decision, "reject")
    key = _key("reject", request_id, decision)
    tiktok.returns.reject_return(
        shop,
        request_id,
        RejectReturnRequest(decision=decision, reject_reason=body.reason, comment=body.comment),
        idempotency_key=key,
    )
    return _decided(RefundKind.RETURN, shop, request_id, decision, key)
