"""Returns, refunds, cancellations. Status spellings differ between TikTok sources: kept as free text."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokRequestModel, TikTokResponseModel


class RefundAmount(TikTokResponseModel):
    currency: str | None = None
    refund_total: Decimal | None = None
    refund_subtotal: Decimal | None = None
    refund_shipping_fee: Decimal | None = None
    refund_tax: Decimal | None = None


class ReturnLineItem(TikTokResponseModel):
    return_line_item_id: str | None = None
    order_line_item_id: str
    sku_id: str | None = None
    seller_sku: str | None = None
    refund_amount: RefundAmount | None = None


class ReturnOrder(TikTokResponseModel):
    return_id: str
    order_id: str
    return_type: str
    return_status: str
    return_reason: str | None = None
    create_time: int | None = None
    update_time: int | None = None
    refund_amount: RefundAmount | None = None
    return_line_items: list[ReturnLineItem] = Field(default_factory=list)


class ReturnSearchFilter(TikTokRequestModel):
    return_ids: list[str] | None = None
    order_ids: list[str] | None = None
    return_types: list[str] | None = None
    return_status: list[str] | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None


class ReturnPage(TikTokResponseModel):
    return_orders: list[ReturnOrder] = Field(default_factory=list)
    total_count: int = 0
    next_page_token: str | None = None


class CancelLineItem(TikTokResponseModel):
    order_line_item_id: str
    sku_id: str | None = None
    seller_sku: str | None = None


class Cancellation(TikTokResponseModel):
    cancel_id: str
    order_id: str
    cancel_type: str | None = None
    cancel_status: str
    role: str | None = None
    cancel_reason: str | None = None
    create_time: int | None = None
    update_time: int | None = None
    refund_amount: RefundAmount | None = None
    cancel_line_items: list[CancelLineItem] = Field(default_factory=list)


class CancellationSearchFilter(TikTokRequestModel):
    cancel_ids: list[str] | None = None
    order_ids: list[str] | None = None
    cancel_status: list[str] | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None


class CancellationPage(TikTokResponseModel):
    cancellations: list[Cancellation] = Field(default_factory=list)
    total_count: int = 0
    next_page_token: str | None = None
