"""Warehouses, delivery options and shipping providers."""

from __future__ import annotations

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokResponseModel


class WarehouseAddress(TikTokResponseModel):
    region: str | None = None
    state: str | None = None
    city: str | None = None
    postal_code: str | None = None
    full_address: str | None = None
    region_code: str | None = None


class Warehouse(TikTokResponseModel):
    id: str
    name: str
    effect_status: str
    type: str
    sub_type: str | None = None
    is_default: bool = False
    address: WarehouseAddress | None = None


class Warehouses(TikTokResponseModel):
    warehouses: list[Warehouse] = Field(default_factory=list)


class DeliveryOption(TikTokResponseModel):
    id: str
    name: str
    description: str | None = None
    type: str | None = None


class DeliveryOptions(TikTokResponseModel):
    delivery_options: list[DeliveryOption] = Field(default_factory=list)


class ShippingProvider(TikTokResponseModel):
    id: str
    name: str


class ShippingProviders(TikTokResponseModel):
    shipping_providers: list[ShippingProvider] = Field(default_factory=list)
