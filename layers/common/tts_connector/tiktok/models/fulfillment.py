"""Packages and shipping."""

from __future__ import annotations

from pydantic import Field

from tts_connector.tiktok.models.base import TikTokRequestModel, TikTokResponseModel


class MarkShippedResult(TikTokResponseModel):
    order_id: str
    package_id: str
    order_line_item_ids: list[str] = Field(default_factory=list)


class PickupSlot(TikTokRequestModel):
    start_time: int
    end_time: int


class SelfShipment(TikTokRequestModel):
    tracking_number: str
    shipping_provider_id: str


class ShipPackageRequest(TikTokRequestModel):
    handover_method: str | None = None  # PICKUP or DROP_OFF
    pickup_slot: PickupSlot | None = None
    self_shipment: SelfShipment | None = None


class PackageOrder(TikTokResponseModel):
    id: str


class PackageDetail(TikTokResponseModel):
    package_id: str
    package_status: str
    orders: list[PackageOrder] = Field(default_factory=list)
    shipping_type: str | None = None
    shipping_provider_id: str | None = None
    shipping_provider_name: str | None = None
    tracking_number: str | None = None
    delivery_option_id: str | None = None
    handover_method: str | None = None
    order_line_item_ids: list[str] = Field(default_factory=list)
    create_time: int | None = None
    update_time: int | None = None
