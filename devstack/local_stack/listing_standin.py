"""A stand-in for product push until it lands: products listed on TikTok the way product push will leave them.

Creates the Magento products (straight into the built-in sandbox's state, as a catalogue import would: no
change events), the TikTok products (through the connector's TikTok client against the sandbox, approved by
its audit), and the Listing records product push writes (`DynamoDBListingStore` over the stack's moto). Used
by the demo, the price/stock benchmark and the stock sync integration tests (`tests/stock_sync_listings.py`);
replace it with `ttsc push products` once product push is merged. Dev only: it reaches into the sandboxes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3

from local_stack.stack import LocalStack
from magento_sandbox.images import png_bytes
from magento_sandbox.state import Product
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.listings.store import DynamoDBListingStore
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.product import ProductInput
from tts_connector.tiktok.tokens import InMemoryTokenSource


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@dataclass
class ListingStandIn:
    stack: LocalStack
    api: TikTokShopApi
    shop: ShopRef
    warehouse: str
    listings: DynamoDBListingStore
    image_uri: str = ""

    @property
    def tiktok(self) -> Any:
        return self.stack.sandboxes["tiktok"]

    @property
    def magento(self) -> Any:
        return self.stack.sandboxes["magento"]

    # ---------- Magento, as the merchant's catalogue holds it ----------
    def add_magento_simple(self, sku: str, price: str, quantity: float, source: str = "default") -> None:
        """A simple product with stock at one source, written as an import would (no change event)."""
        state = self.magento.state
        with state.lock:
            state.products[sku] = Product(
                id=state.next_id("product"),
                sku=sku,
                type_id="simple",
                attribute_set_id=4,
                values={"name": sku, "price": float(price), "status": 1, "visibility": 4},
            )
            state.source_items[(sku, source)] = {
                "sku": sku,
                "source_code": source,
                "quantity": float(quantity),
                "status": 1 if quantity > 0 else 0,
            }

    def set_price_silently(self, sku: str, price: str) -> None:
        """A direct database change: Magento fires no event (what reconciliation heals)."""
        with self.magento.state.lock:
            self.magento.state.products[sku].values["price"] = float(price)

    def set_quantity_silently(self, sku: str, quantity: float, source: str = "default") -> None:
        with self.magento.state.lock:
            self.magento.state.source_items[(sku, source)] = {
                "sku": sku,
                "source_code": source,
                "quantity": float(quantity),
                "status": 1 if quantity > 0 else 0,
            }

    # ---------- TikTok, as product push would leave it ----------
    def list_product(
        self,
        listing_sku: str,
        skus: Mapping[str, tuple[str, float]],
        *,
        tiktok_warehouses: Mapping[str, Sequence[str]] | None = None,
        magento: bool = True,
        wait_live: bool = True,
    ) -> Listing:
        """Magento simples `skus` (sku -> (price, quantity)) listed as one TikTok product in the world's shop.

        `tiktok_warehouses` (sku -> warehouse ids) stocks a SKU in other warehouses than the shop's on TikTok.
        """
        if magento:
            for sku, (price, quantity) in skus.items():
                self.add_magento_simple(sku, price, quantity)
        created = self.api.products.create(self.shop, self._product(listing_sku, skus, tiktok_warehouses or {}))
        listing = Listing(
            shop_id=self.shop.shop_id,
            magento_sku=listing_sku,
            tiktok_product_id=created.product_id,
            warehouse_id=self.warehouse,
            status=ListingStatus.ACTIVATE,
            skus=[
                ListedSku(magento_sku=str(s.seller_sku), tiktok_sku_id=s.id, seller_sku=str(s.seller_sku))
                for s in created.skus
            ],
        )
        if wait_live and not wait_until(lambda: self.tiktok.product(created.product_id)["status"] == "ACTIVATE"):
            raise RuntimeError(f"TikTok product {created.product_id} was not approved")
        return self.listings.save(listing)

    def _product(
        self, listing_sku: str, skus: Mapping[str, tuple[str, float]], warehouses: Mapping[str, Sequence[str]]
    ) -> ProductInput:
        if not self.image_uri:
            upload = self.api.catalog.upload_image(
                self.shop, png_bytes(listing_sku, size=320), filename="m.png", content_type="image/png"
            )
            self.image_uri = upload.uri
        body: dict[str, Any] = {
            "title": f"Listed product {listing_sku}",
            "description": "<p>A product listed for price and stock sync</p>",
            "category_id": "900111",
            "category_version": "v2",
            "main_images": [{"uri": self.image_uri}],
            "package_weight": {"value": "0.3", "unit": "POUND"},
            "product_attributes": [{"id": "101001", "values": [{"id": "5001"}]}],
            "skus": [
                {
                    "seller_sku": sku,
                    "price": {"amount": str(Decimal(price)), "currency": "USD"},
                    "inventory": [
                        {"warehouse_id": w, "quantity": int(quantity)} for w in warehouses.get(sku, [self.warehouse])
                    ],
                    **({"sales_attributes": [{"name": "Variant", "value_name": sku}]} if len(skus) > 1 else {}),
                }
                for sku, (price, quantity) in skus.items()
            ],
        }
        return ProductInput.model_validate(body)

    # ---------- what TikTok shows ----------
    def tiktok_sku(self, listing: Listing, magento_sku: str) -> dict[str, Any]:
        sku_id = next(s.tiktok_sku_id for s in listing.skus if s.magento_sku == magento_sku)
        product = self.tiktok.product(listing.tiktok_product_id)
        return dict(next(s for s in product["skus"] if s["id"] == sku_id))

    def tiktok_price(self, listing: Listing, magento_sku: str) -> str:
        return str(self.tiktok_sku(listing, magento_sku)["price"]["sale_price"])

    def tiktok_quantity(self, listing: Listing, magento_sku: str, warehouse: str | None = None) -> int:
        inventory = self.tiktok_sku(listing, magento_sku)["inventory"]
        wanted = warehouse or self.warehouse
        return int(next(i["quantity"] for i in inventory if i["warehouse_id"] == wanted))

    def updates(self, product_id: str, since: float = 0.0) -> list[dict[str, Any]]:
        return [u for u in self.tiktok.update_log(since) if u["product_id"] == product_id]


def listing_stand_in(stack: LocalStack, shop_id: str, warehouse: str) -> ListingStandIn:
    """The stand-in for a shop the stack serves, with a TikTok client of its own (a separate grant)."""
    sandbox = stack.sandboxes["tiktok"]
    granted = sandbox.issue_tokens()
    client = TikTokShopClient(
        base_url=sandbox.base_url,
        app_key=sandbox.config.app_key,
        app_secret=sandbox.config.app_secret,
        token_source=InMemoryTokenSource({shop_id: granted["access_token"]}),
        retry_policy=RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.5),
    )
    cipher = next(s.cipher for s in sandbox.config.shops if s.id == shop_id)
    table = boto3.resource(
        "dynamodb",
        endpoint_url=stack.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    ).Table(stack.physical("MappingsTable"))
    return ListingStandIn(
        stack, TikTokShopApi(client), ShopRef(shop_id, cipher), warehouse, DynamoDBListingStore(table)
    )
