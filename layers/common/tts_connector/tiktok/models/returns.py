"""Returns, refunds, cancellations. Status spellings differ between TikTok sources: kept as free text."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokRequestModel, TikTokResponseModel


class RefundAmount(TikTokResponseModel):
    """`refund_total = refund_subtotal + refund_shipping_fee + refund_tax` (+ the US/ID fees when present)."""

    currency: str | None = None
    refund_total: Decimal | None = None
    refund_subtotal: Decimal | None = None
    refund_shipping_fee: Decimal | None = None
    refund_tax: Decimal | None = None
    retail_delivery_fee: Decimal | None = None
    buyer_service_fee: Decimal | None = None


class DiscountRefund(TikTokResponseModel):
    currency: str | None = None
    product_seller_discount: Decimal | None = None
    product_platform_discount: Decimal | None = None
    shipping_fee_seller_discount: Decimal | None = None
    shipping_fee_platform_discount: Decimal | None = None


class SellerNextAction(TikTokResponseModel):
    action: str  # SELLER_RESPOND_REFUND, _RETURN, _RECEIVE_PACKAGE, _REPLACEMENT, SELLER_RESPOND_CANCEL
    deadline: int | None = None


class PartialRefund(TikTokResponseModel):
    currency: str | None = None
    amount: Decimal | None = None


# Returns and cancellations are both "reverse" requests in TikTok's Return and Refund API: the fields their
# specs share (with the same meaning) are declared once below; each model adds its own ids and names.


class ReverseLineItem(TikTokResponseModel):
    """An order line a return or cancellation covers, and what is refunded of it."""

    order_line_item_id: str
    sku_id: str | None = None
    sku_name: str | None = None
    seller_sku: str | None = None
    product_name: str | None = None
    refund_amount: RefundAmount | None = None


class ReverseRequest(TikTokResponseModel):
    order_id: str
    role: str | None = None
    create_time: int | None = None
    update_time: int | None = None
    seller_next_action_response: list[SellerNextAction] = Field(default_factory=list)
    refund_amount: RefundAmount | None = None


class ReverseSearchFilter(TikTokRequestModel):
    order_ids: list[str] | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None


class ReversePage(TikTokResponseModel):
    total_count: int = 0
    next_page_token: str | None = None


class ReturnLineItem(ReverseLineItem):
    return_line_item_id: str | None = None


class ReturnOrder(ReverseRequest):
    return_id: str
    return_type: str
    return_status: str
    arbitration_status: str | None = None
    return_reason: str | None = None
    return_reason_text: str | None = None
    return_tracking_number: str | None = None
    return_provider_name: str | None = None
    discount_amount: list[DiscountRefund] = Field(default_factory=list)
    seller_proposed_return_type: str | None = None
    partial_refund: PartialRefund | None = None
    return_line_items: list[ReturnLineItem] = Field(default_factory=list)


class ReturnSearchFilter(ReverseSearchFilter):
    return_ids: list[str] | None = None
    return_types: list[str] | None = None
    return_status: list[str] | None = None


class ReturnPage(ReversePage):
    return_orders: list[ReturnOrder] = Field(default_factory=list)


class CancelLineItem(ReverseLineItem):
    cancel_line_item_id: str | None = None


class Cancellation(ReverseRequest):
    cancel_id: str
    cancel_type: str | None = None
    cancel_status: str
    cancel_reason: str | None = None
    cancel_reason_text: str | None = None
    cancel_line_items: list[CancelLineItem] = Field(default_factory=list)


class CancellationSearchFilter(ReverseSearchFilter):
    cancel_ids: list[str] | None = None
    cancel_types: list[str] | None = None
    cancel_status: list[str] | None = None


class CancellationPage(ReversePage):
    cancellations: list[Cancellation] = Field(default_factory=list)


# --- seller decisions (approve-return / reject-return / approve- and reject-cancellation specs) -----------


class PartialRefundOffer(TikTokRequestModel):
    currency: str
    amount: Decimal


class ApproveReturnRequest(TikTokRequestModel):
    """`decision`: APPROVE_REFUND, APPROVE_RETURN, APPROVE_RECEIVED_PACKAGE, APPROVE_REPLACEMENT,
    ISSUE_REPLACEMENT_REFUND or OFFER_PARTIAL_REFUND (with `partial_refund`)."""

    decision: str
    buyer_keep_item: bool | None = None  # with APPROVE_RETURN: refund without the item coming back
    partial_refund: PartialRefundOffer | None = None


class RejectImage(TikTokRequestModel):
    image_id: str  # an uploaded image's uri
    mime_type: str | None = None
    height: int | None = None
    width: int | None = None


class RejectCancellationRequest(TikTokRequestModel):
    """`reject_reason` is a reason name from Get Reject Reasons."""

    reject_reason: str
    comment: str | None = None
    images: list[RejectImage] | None = None


class RejectReturnRequest(RejectCancellationRequest):
    """`decision`: REJECT_REFUND, REJECT_RETURN, REJECT_RECEIVED_PACKAGE or REJECT_REPLACEMENT."""

    decision: str


class RejectReason(TikTokResponseModel):
    name: str
    text: str | None = None


class RejectReasons(TikTokResponseModel):
    reasons: list[RejectReason] = Field(default_factory=list)
