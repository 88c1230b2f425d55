"""What a listing records: the Magento product pushed to a shop, the TikTok ids it got, its status."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ListingStatus(StrEnum):
    """TikTok's product status (reference §4.8), plus what the connector knows before TikTok does."""

    PUSHING = "PUSHING"  # create/edit sent, TikTok's answer not recorded yet
    DRAFT = "DRAFT"
    PENDING = "PENDING"  # in audit
    FAILED = "FAILED"  # audit failed: `audit_reasons` says why
    ACTIVATE = "ACTIVATE"  # live
    SELLER_DEACTIVATED = "SELLER_DEACTIVATED"
    PLATFORM_DEACTIVATED = "PLATFORM_DEACTIVATED"
    FREEZE = "FREEZE"
    DELETED = "DELETED"


class ListedSku(BaseModel):
    """One sellable SKU: the Magento simple product (a configurable's child) and its TikTok SKU."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    magento_sku: str = Field(min_length=1)
    magento_product_id: int | None = None
    tiktok_sku_id: str = Field(min_length=1)
    # The `seller_sku` sent to TikTok; the connector sends the Magento SKU, so orders carry it back.
    seller_sku: str = ""


class Listing(BaseModel):
    """A Magento product (simple, or a configurable parent) listed in one shop."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_id: str = Field(min_length=1)
    magento_sku: str = Field(min_length=1)
    magento_product_id: int | None = None
    tiktok_product_id: str = Field(min_length=1)
    warehouse_id: str | None = None
    category_id: str | None = None
    skus: list[ListedSku] = Field(default_factory=list)
    status: ListingStatus = ListingStatus.PENDING
    audit_reasons: list[str] = Field(default_factory=list)
    # When TikTok's status was last read or pushed to us (Unix seconds); an older update never overwrites it.
    status_at: int = 0
    pushed_at: int = 0
    updated_at: int = 0


class SkuLink(BaseModel):
    """Where one SKU sits: enough to map a TikTok order line to Magento and a Magento SKU to TikTok."""

    model_config = ConfigDict(frozen=True)

    shop_id: str
    magento_sku: str
    magento_product_id: int | None = None
    tiktok_product_id: str
    tiktok_sku_id: str
    # The listing's own Magento SKU (the configurable parent for a child; the SKU itself for a simple).
    listing_sku: str
