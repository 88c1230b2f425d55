"""Listed products for price and stock sync without product push: a stand-in to replace once product push lands.

Creates the Magento products (straight into the sandbox's state, as a catalogue import would: no change
events), the TikTok products (through the connector's TikTok client against the sandbox, approved by its
audit), and the Listing records product push would write (DynamoDBListingStore over the stack's moto).
Used by the stock sync integration tests, the price/stock benchmark and the demo.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import boto3
import requests

from local_stack import LocalStack
from magento_sandbox.state import Product
from tests.integration.tiktok.support import png_bytes
from tts_connector.listings.records import ListedSku, Listing, ListingStatus
from tts_connector.listings.store import DynamoDBListingStore
from tts_connector.retry import RetryPolicy
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.models.product import ProductInput
from tts_connector.tiktok.tokens import InMemoryTokenSource

US_SHOP = "7494049642642441621"
US_WAREHOUSE = "7068517275539719942"
US_SECOND_WAREHOUSE = "7068517275539719943"


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def admin(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{stack.url}{path}", headers=stack.admin_headers, timeout=120, **kwargs)


def connect_and_select(stack: LocalStack, shop_id: str = US_SHOP, warehouse: str = US_WAREHOUSE) -> None:
    """What the merchant does first: authorize on TikTok's page, serve the shop with its warehouse."""
    start = admin(stack, "GET", "/tts/authorization/start")
    start.raise_for_status()
    page = requests.get(start.json()["authorize_url"], timeout=60)
    if page.status_code != 200:
        raise RuntimeError(f"authorization failed: HTTP {page.status_code}")
    selected = admin(stack, "PUT", f"/admin/shops/{shop_id}", json={"selected": True, "warehouse_id": warehouse})
    selected.raise_for_status()


@dataclass
class SyncWorld:
    stack: LocalStack
    api: TikTokShopApi
    shop: ShopRef
    warehouse: str
    listings: DynamoDBListingStore
    image_uri: str = ""
    _counter: list[int] = field(default_factory=lambda: [0])

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
                self.shop, png_bytes(320, 320), filename="m.png", content_type="image/png"
            )
            self.image_uri = upload.uri
        body: dict[str, Any] = {
            "title": f"Listed product {listing_sku}",
            "description": "<p>A product listed for sync tests</p>",
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


def warm_up(stack: LocalStack, shop_id: str = US_SHOP) -> None:
    """Start the sync functions' workers (a cold start on a busy machine can take longer than a webhook waits).

    An event for an unlisted SKU runs the intake and the change consumer (IGNORED), and a reconciliation of the
    shop runs the push function.
    """
    body = change_body("stock_changed", ["WARM-UP-NOT-LISTED"], event_id="warm-up")
    if not wait_until(lambda: post_change(stack, body).status_code == 200, timeout=120, interval=0.5):
        raise RuntimeError("POST /magento/events does not answer")
    run = admin(stack, "POST", f"/admin/sync/reconcile/{shop_id}")
    run.raise_for_status()
    events = stack.client("dynamodb")

    def handled(key: str) -> bool:
        item = events.get_item(TableName=stack.physical("EventsTable"), Key={"event_key": {"S": key}}).get("Item")
        return item is not None and item["status"]["S"] in ("PROCESSED", "IGNORED")

    reconcile_key = f"sync:reconcile:{shop_id}:{run.json()['run_id']}:0"
    if not wait_until(lambda: handled("mage:warm-up") and handled(reconcile_key), timeout=180, interval=0.5):
        raise RuntimeError("the price and stock sync functions did not start")


def open_world(stack: LocalStack, *, shop_id: str = US_SHOP, warehouse: str = US_WAREHOUSE) -> SyncWorld:
    """A connected stack serving the shop, and the connector's TikTok client for creating listed products."""
    connect_and_select(stack, shop_id, warehouse)
    warm_up(stack, shop_id)
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
    return SyncWorld(stack, TikTokShopApi(client), ShopRef(shop_id, cipher), warehouse, DynamoDBListingStore(table))


# ---------- Magento change events, as a store's module sends them to POST /magento/events ----------
_event_ids = iter(range(1, 10**9))


def change_body(kind: str, skus: Sequence[str], *, event_id: str | None = None, **values: Any) -> dict[str, Any]:
    """The connector's change body (README, "Magento change events")."""
    body: dict[str, Any] = {
        "id": event_id or f"test-change-{time.time_ns()}-{next(_event_ids)}",
        "event": kind,
        "skus": list(skus),
        "occurred_at": int(time.time()),
    }
    if values:
        body["values"] = values
    return body


def post_change(
    stack: LocalStack, body: dict[str, Any], *, delivery: str = "signed", signed_at: int | None = None, key: str = ""
) -> requests.Response:
    """POST one change in the signed or shared-secret format (`key` overrides the stack's secret: a forgery)."""
    import hashlib
    import hmac
    import json

    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    if delivery == "signed":
        secret = key or stack.config.magento_events["signing_secret"]
        timestamp = str(signed_at if signed_at is not None else int(time.time()))
        digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        headers |= {"X-TTS-Timestamp": timestamp, "X-TTS-Signature": f"sha256={digest}"}
    else:
        headers["X-TTS-Webhook-Secret"] = key or stack.config.magento_events["shared_secret"]
    return requests.post(f"{stack.url}/magento/events", data=raw, headers=headers, timeout=60)


def post_adobe_io(stack: LocalStack, kind: str, sku: str) -> requests.Response:
    """An Adobe I/O Events delivery signed with the keys the Magento sandbox serves in Adobe's place."""
    from magento_sandbox import EventTarget

    delivery = stack.sandboxes["magento"].app.delivery
    target = EventTarget(
        url=f"{stack.url}/magento/events",
        format="adobe_io",
        adobe_client_id=stack.config.magento_events["adobe_recipient_client_id"],
    )
    event = {
        "id": next(_event_ids) + 10**6,
        "type": "price_changed" if kind == "product_saved" else "stock_changed",
        "sku": sku,
        "created_at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }
    raw, headers = delivery.request_for(target, event)
    return requests.post(target.url, data=raw, headers=headers, timeout=60)
