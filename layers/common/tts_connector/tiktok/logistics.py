"""Logistics: warehouses, delivery options per warehouse, shipping providers per delivery option."""

from __future__ import annotations

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.logistics import (
    DeliveryOption,
    DeliveryOptions,
    ShippingProvider,
    ShippingProviders,
    Warehouse,
    Warehouses,
)


class LogisticsApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def warehouses(self, shop: ShopRef) -> list[Warehouse]:
        data = self._client.call("GET", "/logistics/202309/warehouses", shop=shop, idempotent=True)
        return Warehouses.model_validate(data or {}).warehouses

    def delivery_options(self, shop: ShopRef, warehouse_id: str, *, scope: str | None = None) -> list[DeliveryOption]:
        data = self._client.call(
            "GET",
            f"/logistics/202309/warehouses/{warehouse_id}/delivery_options",
            shop=shop,
            query={"scope": scope},
            idempotent=True,
        )
        return DeliveryOptions.model_validate(data or {}).delivery_options

    def shipping_providers(self, shop: ShopRef, delivery_option_id: str) -> list[ShippingProvider]:
        data = self._client.call(
            "GET",
            f"/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers",
            shop=shop,
            idempotent=True,
        )
        return ShippingProviders.model_validate(data or {}).shipping_providers
