"""What price and stock sync remembers: products waiting for a push, what was last pushed, reconciliation runs."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SyncKind(StrEnum):
    PRICE = "price"
    STOCK = "stock"


class SkuFailure(BaseModel):
    """Why the last push of a SKU failed, in TikTok's (or the rule's) words."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    tiktok_code: int | None = None
    request_id: str | None = None
    at: int = 0


class PushedSku(BaseModel):
    """The last values TikTok accepted for a SKU, with when they were read from Magento and pushed."""

    model_config = ConfigDict(frozen=True)

    shop_id: str
    magento_sku: str
    tiktok_product_id: str = ""
    tiktok_sku_id: str = ""
    price: str | None = None
    price_pushed_at: int | None = None
    quantities: dict[str, int] | None = None
    stock_pushed_at: int | None = None
    price_failure: SkuFailure | None = None
    stock_failure: SkuFailure | None = None

    def failure(self, kind: SyncKind) -> SkuFailure | None:
        return self.price_failure if kind is SyncKind.PRICE else self.stock_failure


class DirtyProduct(BaseModel):
    """A listed TikTok product whose Magento values changed (an event said so) and is waiting for its push."""

    model_config = ConfigDict(frozen=True)

    shop_id: str
    tiktok_product_id: str
    listing_sku: str
    kinds: frozenset[SyncKind]
    generation: int
    first_marked_at: int


class ReconcileRun(BaseModel):
    """One pass over every listed SKU of a shop, page by page (the cursor), and what it found and healed."""

    model_config = ConfigDict(frozen=True)

    shop_id: str
    run_id: str
    reason: str = "schedule"
    kinds: list[SyncKind] = Field(default_factory=lambda: [SyncKind.PRICE, SyncKind.STOCK])
    started_at: int = 0
    updated_at: int = 0
    finished_at: int | None = None
    # The Magento SKU of the last listing checked (listings are visited in SKU order), and the next page.
    after: str | None = None
    page: int = 0
    skus_checked: int = 0
    skus_drifted: int = 0
    skus_healed: int = 0
    skus_failed: int = 0
    tiktok_calls: int = 0
    magento_calls: int = 0
    # A few of the SKUs healed, for the log and `ttsc sync status`.
    healed_sample: list[str] = Field(default_factory=list)

    def counters(self) -> dict[str, Any]:
        return self.model_dump(
            include={
                "skus_checked",
                "skus_drifted",
                "skus_healed",
                "skus_failed",
                "tiktok_calls",
                "magento_calls",
            }
        )
