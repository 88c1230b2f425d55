"""The connector's own record of a TikTok order: where it is, what Magento has for it, how it got there.

This record is what the refunds capability builds on (`store.OrderRecords`): the Magento order id and
increment id, each TikTok line item's Magento order item, the state reached and its history.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# A record holds a few hundred history entries at most; older ones are dropped first (DynamoDB's 400 KB).
MAX_HISTORY = 200


class OrderState(StrEnum):
    """What the connector has done for the order (not TikTok's status, which is `tiktok_status`)."""

    SEEN = "seen"  # known; nothing in Magento yet (unpaid, on hold, or a platform order before collection)
    PENDING = "pending"  # Magento order placed, not invoiced (import at placement, reserving stock)
    IMPORTED = "imported"  # Magento order placed and invoiced (Processing)
    PARTIALLY_SHIPPED = "partially_shipped"  # some lines shipped (Magento and TikTok agree)
    SHIPPED = "shipped"  # every line shipped (Magento Complete)
    CANCELLED = "cancelled"  # cancelled in TikTok: nothing was created, or the Magento order is cancelled
    AWAITING_REFUND = "awaiting_refund"  # cancelled in TikTok after invoicing: the refund flow credits it
    FAILED = "failed"  # parked: the merchant must fix `failure`, then `ttsc orders retry`


class LineLink(BaseModel):
    """One TikTok line item (one unit) and the Magento order item it became."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tiktok_line_item_id: str
    tiktok_sku_id: str
    magento_sku: str
    magento_order_item_id: int | None = None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: int
    state: OrderState
    tiktok_status: str
    note: str = ""


class TotalsComparison(BaseModel):
    """Magento's totals next to TikTok's payment block (decimal strings), and every difference found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tiktok_currency: str
    magento_currency: str
    tiktok: dict[str, str]
    magento: dict[str, str]
    differences: list[str] = Field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


class Placement(BaseModel):
    """A guest-cart placement that was started: Magento may hold an order for it even if no answer came back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    started_at: int
    # The e-mail the order was placed with: Magento records it atomically as the order's customer_email.
    customer_email: str


class ShipmentPush(BaseModel):
    """A Magento shipment of a seller-shipping order, pushed to TikTok as a shipped package."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    magento_shipment_id: int
    tracking_number: str
    magento_carrier: str
    shipping_provider_id: str
    tiktok_package_id: str | None = None
    tiktok_line_item_ids: list[str] = Field(default_factory=list)
    at: int


class OrderRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(min_length=1)
    tiktok_order_id: str = Field(min_length=1)
    state: OrderState = OrderState.SEEN
    tiktok_status: str = ""
    # TikTok's update_time of the order as last converged: a webhook about an older state needs no work.
    tiktok_update_time: int = 0
    shipping_type: str | None = None  # TIKTOK (platform shipping) or SELLER
    delivery_option_id: str | None = None
    magento_order_id: int | None = None
    magento_increment_id: str | None = None
    placement: Placement | None = None
    # Identifies the address last sent to Magento (addresses.address_digest), to apply TikTok's changes.
    address_digest: str | None = None
    lines: list[LineLink] = Field(default_factory=list)
    invoice_id: int | None = None
    # Platform shipping: TikTok package id -> the Magento shipment created for it.
    platform_shipments: dict[str, int] = Field(default_factory=dict)
    # Seller shipping: the merchant's Magento shipments pushed to TikTok.
    pushed_shipments: list[ShipmentPush] = Field(default_factory=list)
    # Keys of the comments added to the Magento order ("imported", "status:IN_TRANSIT", ...).
    comments: list[str] = Field(default_factory=list)
    totals: TotalsComparison | None = None
    failure: str | None = None
    failure_hint: str | None = None
    history: list[HistoryEntry] = Field(default_factory=list)
    version: int = 0
    created_at: int = 0
    updated_at: int = 0

    def magento_order_item_id(self, tiktok_line_item_id: str) -> int | None:
        """The Magento order item a TikTok line item became (refunds and partial shipments need it)."""
        return next(
            (link.magento_order_item_id for link in self.lines if link.tiktok_line_item_id == tiktok_line_item_id),
            None,
        )

    def pushed_line_item_ids(self) -> set[str]:
        return {line for push in self.pushed_shipments for line in push.tiktok_line_item_ids}

    def record(self, state: OrderState, note: str, at: int) -> None:
        """Move to `state`, noting why in the history (a repeat of the same state and note is not re-noted)."""
        last = self.history[-1] if self.history else None
        if last is None or (last.state, last.note, last.tiktok_status) != (state, note, self.tiktok_status):
            self.history.append(HistoryEntry(at=at, state=state, tiktok_status=self.tiktok_status, note=note))
            del self.history[:-MAX_HISTORY]
        self.state = state
