"""The connector's record of one TikTok return or cancellation and the Magento credit memo it became."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_HISTORY = 100


class RefundKind(StrEnum):
    RETURN = "return"  # a return/refund request (webhook 12, Search Returns)
    CANCELLATION = "cancellation"  # a cancellation (webhook 11, Search Cancellations)


class RefundState(StrEnum):
    OPEN = "open"  # known; no money moved yet (requested, approved, awaiting the buyer's parcel, ...)
    CLOSED = "closed"  # rejected or withdrawn: no money will move
    WAITING_FOR_ORDER = "waiting_for_order"  # refunded in TikTok; the Magento order is not there (yet)
    CREDITING = "crediting"  # a credit memo was asked for; Magento may hold it even if no answer came back
    CREDITED = "credited"  # the Magento credit memo exists (`credit_memo_id`)
    NOT_CREDITED = "not_credited"  # refunded in TikTok; nothing to credit in Magento (e.g. nothing invoiced)
    FAILED = "failed"  # parked: the merchant must look (`failure`), then `ttsc refunds retry`


class CreditMemoLink(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    credit_memo_id: int
    increment_id: str | None = None
    grand_total: str  # Magento's credit memo grand total (decimal string)
    subtotal: str = "0.00"
    shipping_amount: str = "0.00"
    adjustment_positive: str = "0.00"
    adjustment_negative: str = "0.00"
    returned_to_stock: list[int] = Field(default_factory=list)
    adopted: bool = False  # found in Magento by its marker (after a crash or a lost answer), not created by this run


class RefundHistory(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: int
    state: RefundState
    tiktok_status: str
    note: str = ""


class RefundRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(min_length=1)
    kind: RefundKind
    refund_id: str = Field(min_length=1)  # TikTok's return_id or cancel_id
    tiktok_order_id: str = ""
    state: RefundState = RefundState.OPEN
    tiktok_status: str = ""
    tiktok_type: str = ""  # REFUND, RETURN_AND_REFUND, REPLACEMENT; CANCEL, BUYER_CANCEL
    tiktok_update_time: int = 0
    currency: str = ""
    refund_total: str | None = None  # TikTok's refund_amount.refund_total
    magento_order_id: int | None = None
    credit_memo: CreditMemoLink | None = None
    # When the credit memo was asked for (a lost answer is looked for in Magento before asking again).
    crediting_since: int | None = None
    # TikTok refunded more than Magento still allowed: what could not be credited (decimal string).
    uncredited: str | None = None
    # Totals that do not match to the cent after the credit memo (never expected; recorded, never silent).
    mismatch: str | None = None
    comments: list[str] = Field(default_factory=list)  # keys of the comments added to the Magento order
    failure: str | None = None
    failure_hint: str | None = None
    history: list[RefundHistory] = Field(default_factory=list)
    version: int = 0
    created_at: int = 0
    updated_at: int = 0

    def record(self, state: RefundState, note: str, at: int) -> None:
        last = self.history[-1] if self.history else None
        if last is None or (last.state, last.note, last.tiktok_status) != (state, note, self.tiktok_status):
            self.history.append(RefundHistory(at=at, state=state, tiktok_status=self.tiktok_status, note=note))
            del self.history[:-MAX_HISTORY]
        self.state = state
