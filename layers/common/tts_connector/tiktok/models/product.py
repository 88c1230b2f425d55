"""Product create/edit requests, product reads, price and inventory updates."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokRequestModel, TikTokResponseModel


class ImageRef(TikTokRequestModel):
    uri: str


class Money(TikTokRequestModel):
    amount: Decimal
    currency: str
    sale_price: Decimal | None = None


class SalesAttribute(TikTokRequestModel):
    id: str | None = None
    name: str | None = None
    value_id: str | None = None
    value_name: str | None = None
    sku_img: ImageRef | None = None


class InventoryEntry(TikTokRequestModel):
    warehouse_id: str
    quantity: int = Field(ge=0)


class IdentifierCode(TikTokRequestModel):
    code: str
    type: str  # GTIN, EAN, UPC, ISBN, JAN


class SkuInput(TikTokRequestModel):
    # Edit Product: an existing SKU keeps its id only when the id is sent; a SKU without one is created, and
    # SKUs left out are deleted (edit-product spec, skus[].id).
    id: str | None = None
    seller_sku: str | None = None
    external_sku_id: str | None = None
    price: Money
    inventory: list[InventoryEntry]
    sales_attributes: list[SalesAttribute] = Field(default_factory=list)
    identifier_code: IdentifierCode | None = None


class AttributeValueInput(TikTokRequestModel):
    id: str | None = None
    name: str | None = None


class ProductAttributeInput(TikTokRequestModel):
    id: str
    values: list[AttributeValueInput]


class Weight(TikTokRequestModel):
    value: Decimal
    unit: str  # KILOGRAM, POUND, GRAM


class Dimensions(TikTokRequestModel):
    length: str
    width: str
    height: str
    unit: str  # CENTIMETER, INCH


class ProductInput(TikTokRequestModel):
    """Body of Create Product and Edit Product (full replacement)."""

    title: str
    description: str
    category_id: str
    category_version: str | None = None
    brand_id: str | None = None
    main_images: list[ImageRef]
    skus: list[SkuInput]
    package_weight: Weight
    package_dimensions: Dimensions | None = None
    product_attributes: list[ProductAttributeInput] = Field(default_factory=list)
    external_product_id: str | None = None
    save_mode: str | None = None  # AS_DRAFT or LISTING
    idempotency_key: str | None = Field(default=None, max_length=128)


class CreatedSku(TikTokResponseModel):
    id: str
    seller_sku: str | None = None
    external_sku_id: str | None = None


class ProductWarning(TikTokResponseModel):
    """E.g. "The [brand_id]:123 field is incorrect and has been automatically cleared by the system. ..."."""

    message: str


class ProductWriteResult(TikTokResponseModel):
    """Create/Edit Product answer. `warnings` lists fields TikTok cleared or changed although it answered
    code 0 (an unknown brand_id is dropped, not refused): surface them to the merchant."""

    product_id: str
    skus: list[CreatedSku] = Field(default_factory=list)
    warnings: list[ProductWarning] = Field(default_factory=list)

    @property
    def warning_messages(self) -> list[str]:
        return [w.message for w in self.warnings]


class ProductPrice(TikTokResponseModel):
    currency: str | None = None
    sale_price: Decimal | None = None
    tax_exclusive_price: Decimal | None = None


class ProductInventory(TikTokResponseModel):
    warehouse_id: str
    quantity: int


class ProductSku(TikTokResponseModel):
    id: str
    seller_sku: str | None = None
    external_sku_id: str | None = None
    price: ProductPrice | None = None
    inventory: list[ProductInventory] = Field(default_factory=list)


class AuditFailedReason(TikTokResponseModel):
    position: str | None = None
    reasons: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


class Audit(TikTokResponseModel):
    """NONE, AUDITING, FAILED, PRE_APPROVED or APPROVED; covers a post-live edit too (the live version stays
    ACTIVATE while the edit is AUDITING, and stays unchanged when it FAILED)."""

    status: str | None = None
    pre_approved_reasons: list[str] = Field(default_factory=list)


class ProductBrand(TikTokResponseModel):
    id: str
    name: str | None = None


class Product(TikTokResponseModel):
    id: str
    title: str
    description: str | None = None
    status: str
    skus: list[ProductSku] = Field(default_factory=list)
    brand: ProductBrand | None = None
    audit: Audit | None = None
    audit_failed_reasons: list[AuditFailedReason] = Field(default_factory=list)
    has_draft: bool = False
    external_product_id: str | None = None
    create_time: int | None = None
    update_time: int | None = None

    @property
    def edit_under_review(self) -> bool:
        """A live product whose latest edit is being audited (Get Product's default answer is the live one)."""
        return self.status == "ACTIVATE" and self.audit is not None and self.audit.status == "AUDITING"


class ProductSummary(TikTokResponseModel):
    id: str
    title: str
    status: str
    skus: list[ProductSku] = Field(default_factory=list)
    audit: Audit | None = None
    has_draft: bool = False
    update_time: int | None = None


class ProductSearchPage(TikTokResponseModel):
    products: list[ProductSummary] = Field(default_factory=list)
    total_count: int = 0
    next_page_token: str | None = None


class SkuPriceUpdate(TikTokRequestModel):
    id: str
    price: Money


class SkuInventoryUpdate(TikTokRequestModel):
    id: str
    inventory: list[InventoryEntry]


class InventoryExtraError(TikTokResponseModel):
    warehouse_id: str | None = None
    code: int | None = None
    message: str | None = None


class InventoryErrorDetail(TikTokResponseModel):
    sku_id: str | None = None
    extra_errors: list[InventoryExtraError] = Field(default_factory=list)


class InventoryError(TikTokResponseModel):
    code: int
    message: str
    detail: InventoryErrorDetail | None = None


class InventoryUpdateResult(TikTokResponseModel):
    """Update Inventory may answer code 0 with per-SKU failures in `errors`; callers check `succeeded`."""

    errors: list[InventoryError] = Field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return not self.errors

    @property
    def failed_sku_ids(self) -> list[str]:
        return [e.detail.sku_id for e in self.errors if e.detail is not None and e.detail.sku_id is not None]
