"""Shared by the order tests and the order benchmark: TikTok products that sell Magento SKUs, their listings.

Until product push lands, tests list the products in the TikTok sandbox through the connector's TikTok client
(as the seller would in Seller Center, with `seller_sku` = the Magento SKU) and save the Listing records product
push would have written.
"""

from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass

from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef
from tts_connector.tiktok.models.product import ProductInput

US_SHOP_ID = "7494049642642441621"
US_WAREHOUSE = "7068517275539719942"
SELLER_DELIVERY_OPTION = "7129736351366465283"
USPS_ID = "7117858858072016686"
UPS_ID = "7117859084333745966"
# Seeded Magento simples (price 25.00, 10 in the default source) and the tote (39.00, 3 in stock).
TEE_SKUS = ("MS-TEE-S-BLA", "MS-TEE-M-RED", "MS-TEE-L-BLA")
TOTE_SKU = "BAG-TOTE"
SOLD_OUT_SKU = "MUG-SOLDOUT"


def png_bytes(width: int = 320, height: int = 320) -> bytes:
    row = b"\x00" + b"\x33\x66\x99" * width

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


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
    timeout: float = 20.0,
) -> ListedProduct:
    """A live TikTok product whose SKUs carry the Magento SKUs as seller_sku; `skus`: Magento SKU -> price."""
    image = api.catalog.upload_image(shop, png_bytes(), filename="main.png", content_type="image/png").uri
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
                "inventory": [{"warehouse_id": US_WAREHOUSE, "quantity": quantity}],
                "sales_attributes": [{"id": "100000", "value_name": sku}],
            }
            for sku, price in skus.items()
        ],
    }
    created = api.products.create(shop, ProductInput.model_validate(body))
    deadline = time.monotonic() + timeout
    while api.products.get(shop, created.product_id).status != "ACTIVATE":
        if time.monotonic() > deadline:
            raise AssertionError(f"TikTok product {created.product_id} was not approved within {timeout}s")
        time.sleep(0.05)
    return ListedProduct(created.product_id, {str(s.seller_sku): s.id for s in created.skus})
