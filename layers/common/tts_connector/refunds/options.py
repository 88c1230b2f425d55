"""Per-shop refund settings (shop settings section "refunds")."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, StrictBool

REFUNDS_SECTION = "refunds"


class ReturnToStock(StrEnum):
    # The item comes back: a return with the parcel (RETURN_AND_REFUND), or a cancellation (it never left).
    ITEM_RETURNED = "item_returned"
    ALWAYS = "always"  # refund-only requests too (the buyer keeps the item; the stock count is the merchant's)
    NEVER = "never"  # the merchant returns stock by hand in Magento


class RefundSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Which refunded items Magento puts back in stock (the credit memo's return_to_stock_items).
    return_to_stock: ReturnToStock = ReturnToStock.ITEM_RETURNED
    # Tell the buyer by e-mail from Magento (TikTok already tells them; the order's e-mail is a placeholder).
    notify_customer: StrictBool = False
