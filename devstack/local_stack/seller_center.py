"""What a seller does in TikTok Seller Center, for the demo and the order tests: list a live product whose SKUs
carry Magento SKUs as `seller_sku` (as product push sends them), through the TikTok Shop API of the sandbox.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from magento_sandbox.images import png_bytes
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.product import ProductInput

US_WAREHOUSE = "7068517275539719942"


@dataclass(frozen=True)
class ListedProduct:
    product_id: str
    sku_ids: dict[str, str]  # Magento SKU (= TikTok seller_sku) -> TikTok SKU id

    def listing(self, shop_id: str, magento_sku: str | None = None) -> Listing:
        """The record product push writes: one listing, each SKU linked to its Magento simple."""
        return Listing(
            shop_id=shop_id,
            magento_sku=magento_sku or next(iter(self.sku_ids)),
            tiktok_product_id=self.product_id,
            skus=[
                ListedSku(magento_sku=sku, tiktok_sku_id=sku_id, seller_sku=sku) for sku, sku_id in self.sku_ids.items()
            ],
            status=ListingStatus.ACTIVATE,
        )


def list_tiktok_product(
    api: TikTokShopApi,
    shop: ShopRef,
    skus: dict[str, str],
    *,
    quantity: int = 1000,
    title: str = "Connector test product",
    warehouse_id: str = US_WAREHOUSE,
    timeout: float = 20.0,
) -> ListedProduct:
    """A live product (US Graphic Tees category) with one SKU per Magento SKU; `skus`: Magento SKU -> price."""
    image = api.catalog.upload_image(shop, png_bytes(title, 320), filename="main.png", content_type="image/png").uri
    body = {
        "title": title,
        "description": "<p>Sold from Magento</p>",
        "category_id": "900111",
        "category_version": "v2",
        "main_images": [{"uri": image}],
        "package_weight": {"value": "0.3", "unit": "POUND"},
        "product_attributes": [{"id": "101001", "values": [{"id": "5001"}]}],
        "skus": [
            {
                "seller_sku": sku,
                "price": {"amount": price, "currency": "USD"},
                "inventory": [{"warehouse_id": warehouse_id, "quantity": quantity}],
                "sales_attributes": [{"id": "100000", "value_name": sku}],
            }
            for sku, price in skus.items()
        ],
    }
    created = api.products.create(shop, ProductInput.model_validate(body))
    deadline = time.monotonic() + timeout
    while api.products.get(shop, created.product_id).status != "ACTIVATE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"TikTok product {created.product_id} was not approved within {timeout}s")
        time.sleep(0.05)
    return ListedProduct(created.product_id, {str(s.seller_sku): s.id for s in created.skus})
