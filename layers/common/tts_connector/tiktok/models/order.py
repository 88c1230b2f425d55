"""Orders: search filters and the order object (line items are one unit each; aggregate by sku_id)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokRequestModel, TikTokResponseModel


class Payment(TikTokResponseModel):
    """Order money (string decimals). TikTok documents `sub_total = original_total_product_price -
    seller_discount - platform_discount`, `shipping_fee = original_shipping_fee - shipping_fee_seller_discount -
    shipping_fee_platform_discount` and `total_amount = sub_total + shipping_fee + tax (+ retail_delivery_fee)`;
    US amounts are pre-tax."""

    currency: str
    sub_total: Decimal | None = None
    shipping_fee: Decimal | None = None
    total_amount: Decimal | None = None
    original_total_product_price: Decimal | None = None
    original_shipping_fee: Decimal | None = None
    seller_discount: Decimal | None = None
    platform_discount: Decimal | None = None
    shipping_fee_seller_discount: Decimal | None = None
    shipping_fee_platform_discount: Decimal | None = None
    shipping_fee_cofunded_discount: Decimal | None = None
    tax: Decimal | None = None
    product_tax: Decimal | None = None
    shipping_fee_tax: Decimal | None = None
    retail_delivery_fee: Decimal | None = None
    small_order_fee: Decimal | None = None
    buyer_service_fee: Decimal | None = None
    handling_fee: Decimal | None = None


class DistrictInfo(TikTokResponseModel):
    address_level: str | None = None
    address_level_name: str | None = None
    address_name: str | None = None


class RecipientAddress(TikTokResponseModel):
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    full_address: str | None = None
    address_detail: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    address_line4: str | None = None
    postal_code: str | None = None
    post_town: str | None = None
    region_code: str | None = None
    district_info: list[DistrictInfo] = Field(default_factory=list)


class ItemTax(TikTokResponseModel):
    tax_type: str | None = None  # SALES_TAX (US)
    tax_amount: Decimal | None = None
    tax_rate: Decimal | None = None


class LineItem(TikTokResponseModel):
    """One unit: `sale_price = original_price - seller_discount - platform_discount`.

    US/UK local sellers get `package_id`/`package_status` only once the package shipped; use the order's
    `packages[]` before that.
    """

    id: str
    sku_id: str
    product_id: str
    product_name: str | None = None
    sku_name: str | None = None
    sku_image: str | None = None
    seller_sku: str | None = None
    original_price: Decimal | None = None
    sale_price: Decimal | None = None
    platform_discount: Decimal | None = None
    seller_discount: Decimal | None = None
    currency: str | None = None
    item_tax: list[ItemTax] = Field(default_factory=list)
    display_status: str | None = None
    package_id: str | None = None
    package_status: str | None = None
    tracking_number: str | None = None
    shipping_provider_id: str | None = None
    shipping_provider_name: str | None = None
    rts_time: int | None = None
    is_gift: bool = False
    cancel_user: str | None = None
    cancel_reason: str | None = None


class PackageRef(TikTokResponseModel):
    id: str


class Order(TikTokResponseModel):
    id: str
    status: str
    user_id: str | None = None
    buyer_email: str | None = None
    buyer_message: str | None = None
    create_time: int
    update_time: int
    paid_time: int | None = None
    cancel_time: int | None = None
    delivery_time: int | None = None
    cancel_reason: str | None = None
    cancellation_initiator: str | None = None
    is_buyer_request_cancel: bool = False
    request_cancel_time: int | None = None
    rts_time: int | None = None
    collection_time: int | None = None
    shipping_type: str | None = None  # TIKTOK or SELLER
    fulfillment_type: str | None = None
    delivery_type: str | None = None
    order_type: str | None = None
    delivery_option_id: str | None = None
    delivery_option_name: str | None = None
    shipping_provider: str | None = None
    shipping_provider_id: str | None = None
    tracking_number: str | None = None
    warehouse_id: str | None = None
    is_on_hold_order: bool = False
    is_cod: bool = False
    is_sample_order: bool = False
    payment: Payment
    # Not returned while UNPAID or ON_HOLD.
    recipient_address: RecipientAddress | None = None
    line_items: list[LineItem] = Field(default_factory=list)
    packages: list[PackageRef] = Field(default_factory=list)


class OrderSearchFilter(TikTokRequestModel):
    order_status: str | None = None
    create_time_ge: int | None = None
    create_time_lt: int | None = None
    update_time_ge: int | None = None
    update_time_lt: int | None = None
    shipping_type: str | None = None
    buyer_user_id: str | None = None
    is_buyer_request_cancel: bool | None = None


class OrderPage(TikTokResponseModel):
    orders: list[Order] = Field(default_factory=list)
    total_count: int = 0
    next_page_token: str | None = None


class OrderList(TikTokResponseModel):
    orders: list[Order] = Field(default_factory=list)
