"""Fulfilment: mark a package shipped (seller shipping), ship a package, read package detail."""

from __future__ import annotations

from collections.abc import Sequence

from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.fulfillment import MarkShippedResult, PackageDetail, ShipPackageRequest


class FulfillmentApi:
    def __init__(self, client: TikTokShopClient):
        self._client = client

    def mark_package_shipped(
        self,
        shop: ShopRef,
        order_id: str,
        *,
        order_line_item_ids: Sequence[str],
        tracking_number: str,
        shipping_provider_id: str,
    ) -> MarkShippedResult:
        """Creates a package: not retried after it may have reached TikTok (a retry could split shipments)."""
        data = self._client.call(
            "POST",
            f"/fulfillment/202309/orders/{order_id}/packages",
            shop=shop,
            body={
                "order_line_item_ids": list(order_line_item_ids),
                "tracking_number": tracking_number,
                "shipping_provider_id": shipping_provider_id,
            },
            idempotent=False,
        )
        return MarkShippedResult.model_validate(data or {})

    def ship_package(self, shop: ShopRef, package_id: str, request: ShipPackageRequest) -> None:
        self._client.call(
            "POST",
            f"/fulfillment/202309/packages/{package_id}/ship",
            shop=shop,
            body=request.to_body(),
            idempotent=False,
        )

    def package_detail(self, shop: ShopRef, package_id: str) -> PackageDetail:
        data = self._client.call("GET", f"/fulfillment/202309/packages/{package_id}", shop=shop, idempotent=True)
        return PackageDetail.model_validate(data or {})
