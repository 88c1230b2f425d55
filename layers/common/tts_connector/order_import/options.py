"""Per-shop order settings (shop settings section "orders") and carrier mappings (section "carriers")."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

ORDERS_SECTION = "orders"
CARRIERS_SECTION = "carriers"
ORDER_ID_PLACEHOLDER = "{order_id}"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_METHOD_CODE = re.compile(r"^[A-Za-z0-9_]+$")


class OrderSettings(BaseModel):
    """How TikTok orders become Magento orders in one shop. Defaults follow the integration guide."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # The guest e-mail of every imported order; `{order_id}` becomes the TikTok order id. It must contain it:
    # Magento records this e-mail atomically with the order, which is how the connector finds an order whose
    # placement answer was lost (no second order). example.com (RFC 2606) receives no mail, so Magento's order
    # e-mails reach nobody; use a mailbox of your own domain to receive them.
    placeholder_email: str = Field(default="tiktok+{order_id}@example.com", max_length=200)
    # An active Magento shipping method (carrier and method code) and offline payment method.
    shipping_carrier_code: str = Field(default="flatrate", min_length=1, max_length=64)
    shipping_method_code: str = Field(default="flatrate", min_length=1, max_length=64)
    payment_method: str = Field(default="checkmo", min_length=1, max_length=64)
    # The guide: "If the order status is Unpaid in TikTok Shop, then there is no record of this order in
    # Magento". True imports unpaid/on-hold orders as pending orders (reserving Magento stock), cancelled if
    # TikTok cancels them.
    import_at_placement: bool = False
    # The guide imports platform-shipping orders at Awaiting Collection. True imports them once paid (Awaiting
    # Shipment) to reserve stock sooner; the shipment is added at Awaiting Collection.
    import_platform_orders_at_awaiting_shipment: bool = False
    # MSI source the connector ships platform orders from (unset: Magento's default source).
    shipment_source_code: str | None = Field(default=None, min_length=1, max_length=64)
    # The first reconciliation of a shop looks back this far.
    initial_sync_hours: int = Field(default=24, ge=1, le=24 * 90)

    @field_validator("placeholder_email")
    @classmethod
    def _email_with_order_id(cls, value: str) -> str:
        if ORDER_ID_PLACEHOLDER not in value:
            raise ValueError(
                "must contain {order_id}: the TikTok order id in the e-mail is how a placed order is found again"
            )
        if not _EMAIL.match(value.replace(ORDER_ID_PLACEHOLDER, "576461413038785752")):
            raise ValueError("is not an e-mail address once {order_id} is filled in")
        return value

    @field_validator("shipping_carrier_code", "shipping_method_code", "payment_method", "shipment_source_code")
    @classmethod
    def _codes(cls, value: str | None) -> str | None:
        if value is not None and not _METHOD_CODE.match(value):
            raise ValueError("must be a Magento code (letters, digits and underscores)")
        return value

    def email_for(self, tiktok_order_id: str) -> str:
        return self.placeholder_email.replace(ORDER_ID_PLACEHOLDER, tiktok_order_id)


class CarrierChoice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shipping_provider_id: str = Field(min_length=1, max_length=64)
    shipping_provider_name: str = Field(min_length=1, max_length=128)


class CarrierMap(BaseModel):
    """Magento carrier (its code, or `custom:<title>` for Magento's custom carrier) -> TikTok shipping provider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mappings: dict[str, CarrierChoice] = Field(default_factory=dict)
