"""TikTok's returns and cancellations seen one way: what was refunded, and whether money has moved.

Statuses (reference §7.1, §7.3; webhooks 11 and 12, reference §3.4). A return's refund is done at
`RETURN_OR_REFUND_REQUEST_COMPLETE` (`..._SUCCESS` is the approval: for a return the parcel is still to come,
and TikTok pays when the request completes) and a replacement turned refund at
`REPLACEMENT_REQUEST_REFUND_SUCCESS`; a cancellation's at `CANCELLATION_REQUEST_COMPLETE`. Spellings differ
between TikTok's sources (reference §7.1, "INCONSISTENT"): the closed statuses accept each variant, unknown
values are treated as open (a comment, no money).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tts_connector.refunds.amounts import ZERO, money
from tts_connector.refunds.records import RefundKind
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.returns import (
    Cancellation,
    CancellationSearchFilter,
    RefundAmount,
    ReturnOrder,
    ReturnSearchFilter,
)

RETURN_REFUNDED = frozenset({"RETURN_OR_REFUND_REQUEST_COMPLETE", "REPLACEMENT_REQUEST_REFUND_SUCCESS"})
CANCELLATION_REFUNDED = frozenset({"CANCELLATION_REQUEST_COMPLETE"})
CLOSED = frozenset(
    {
        "REFUND_OR_RETURN_REQUEST_REJECT",
        "RETURN_OR_REFUND_REQUEST_REJECT",
        "RETURN_OR_REFUND_REQUEST_REJECTED",
        "RETURN_OR_REFUND_REQUEST_CANCEL",
        "RETURN_OR_REFUND__REQUEST_CANCELLED",
        "REJECT_RECEIVE_PACKAGE",
        "REPLACEMENT_REQUEST_REJECT",
        "REPLACEMENT_REQUEST_CANCEL",
        "REPLACEMENT_REQUEST_COMPLETE",
        "CANCELLATION_REQUEST_CANCELLED",
        "CANCELLATION_REQUEST_CANCEL",
    }
)
PENDING_REQUESTS = frozenset({"RETURN_OR_REFUND_REQUEST_PENDING", "REPLACEMENT_REQUEST_PENDING", "BUYER_SHIPPED_ITEM"})
CANCEL_PENDING = "CANCELLATION_REQUEST_PENDING"
# What the merchant reads in the Magento order's comments for a status that moves no money.
STATUS_TEXT = {
    "RETURN_OR_REFUND_REQUEST_PENDING": "the buyer requested a return/refund (answer with `ttsc requests`)",
    "REPLACEMENT_REQUEST_PENDING": "the buyer requested a replacement",
    "AWAITING_BUYER_SHIP": "the return was approved; awaiting the buyer's return shipment",
    "BUYER_SHIPPED_ITEM": "the buyer shipped the return; confirm receipt with `ttsc requests approve`",
    "RETURN_OR_REFUND_REQUEST_SUCCESS": "the return/refund was approved; TikTok refunds when it completes",
    "AWAITING_BUYER_RESPONSE": "a partial refund was offered; awaiting the buyer",
    CANCEL_PENDING: "the buyer requested cancellation (answer with `ttsc requests`)",
    "CANCELLATION_REQUEST_SUCCESS": "the cancellation was approved",
}


@dataclass(frozen=True)
class TicketLine:
    tiktok_line_item_id: str
    seller_sku: str | None


@dataclass(frozen=True)
class Ticket:
    """One return or cancellation as TikTok has it now."""

    kind: RefundKind
    refund_id: str
    order_id: str
    status: str
    request_type: str
    update_time: int
    currency: str
    refund_total: Decimal
    refund_shipping: Decimal
    lines: tuple[TicketLine, ...]

    @property
    def refunded(self) -> bool:
        return self.status in (RETURN_REFUNDED if self.kind is RefundKind.RETURN else CANCELLATION_REFUNDED)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def item_comes_back(self) -> bool:
        """A return with the parcel, or a cancellation (the item never left); not a refund-only request."""
        return self.kind is RefundKind.CANCELLATION or self.request_type == "RETURN_AND_REFUND"

    @property
    def label(self) -> str:
        return f"TikTok {self.kind.value} {self.refund_id}"


def _amount(amount: RefundAmount | None) -> tuple[str, Decimal, Decimal]:
    if amount is None:
        return "", ZERO, ZERO
    return amount.currency or "", money(amount.refund_total), money(amount.refund_shipping_fee)


def from_return(r: ReturnOrder) -> Ticket:
    currency, total, shipping = _amount(r.refund_amount)
    return Ticket(
        kind=RefundKind.RETURN,
        refund_id=r.return_id,
        order_id=r.order_id,
        status=r.return_status,
        request_type=r.return_type,
        update_time=r.update_time or 0,
        currency=currency,
        refund_total=total,
        refund_shipping=shipping,
        lines=tuple(TicketLine(i.order_line_item_id, i.seller_sku) for i in r.return_line_items),
    )


def from_cancellation(c: Cancellation) -> Ticket:
    currency, total, shipping = _amount(c.refund_amount)
    return Ticket(
        kind=RefundKind.CANCELLATION,
        refund_id=c.cancel_id,
        order_id=c.order_id,
        status=c.cancel_status,
        request_type=c.cancel_type or "",
        update_time=c.update_time or 0,
        currency=currency,
        refund_total=total,
        refund_shipping=shipping,
        lines=tuple(TicketLine(i.order_line_item_id, i.seller_sku) for i in c.cancel_line_items),
    )


def read_ticket(tiktok: TikTokShopApi, shop: ShopRef, kind: RefundKind, refund_id: str) -> Ticket | None:
    if kind is RefundKind.RETURN:
        returns = tiktok.returns.search_returns(shop, ReturnSearchFilter(return_ids=[refund_id])).return_orders
        return next((from_return(r) for r in returns if r.return_id == refund_id), None)
    found = tiktok.returns.search_cancellations(shop, CancellationSearchFilter(cancel_ids=[refund_id])).cancellations
    return next((from_cancellation(c) for c in found if c.cancel_id == refund_id), None)
