"""A local stack with the US shop connected and selected and a TikTok product listed: order tests and the bench."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

from local_stack import LocalStack, StackConfig
from local_stack.template import REGION
from local_stack.warm import warm_order_functions
from magento_sandbox import MagentoSandbox
from tests.helpers import sign_tiktok_webhook
from tests.integration.tiktok.support import Connected, connect
from tests.order_support import TEE_SKUS, TOTE_SKU, US_SHOP_ID, ListedProduct, list_tiktok_product
from tiktok_sandbox import TikTokSandbox
from tts_connector.listings.store import DynamoDBListingStore
from tts_connector.order_import.records import OrderRecord
from tts_connector.order_import.store import DynamoDBOrderStore


def wait_for[T](probe: Callable[[], T | None], what: str, timeout: float = 60.0, interval: float = 0.1) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class OrderStack:
    stack: LocalStack
    tts: Connected
    product: ListedProduct

    @property
    def tiktok(self) -> TikTokSandbox:
        return self.stack.sandboxes["tiktok"]  # type: ignore[no-any-return]

    @property
    def magento(self) -> MagentoSandbox:
        return self.stack.sandboxes["magento"]  # type: ignore[no-any-return]

    def sku(self, magento_sku: str) -> str:
        return self.product.sku_ids[magento_sku]

    def table(self, logical_id: str) -> Any:
        resource = boto3.resource(
            "dynamodb",
            endpoint_url=self.stack.aws_endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        return resource.Table(self.stack.physical(logical_id))

    @property
    def orders(self) -> DynamoDBOrderStore:
        return DynamoDBOrderStore(self.table("OrdersTable"))

    def record(self, order_id: str) -> OrderRecord | None:
        return self.orders.get(US_SHOP_ID, order_id)

    def admin(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(
            method, f"{self.stack.url}{path}", headers=self.stack.admin_headers, timeout=60, **kwargs
        )

    def post_webhook(self, body: bytes, signature: str | None = None) -> requests.Response:
        config = self.tiktok.config
        authorization = (
            signature if signature is not None else sign_tiktok_webhook(config.app_key, config.app_secret, body)
        )
        return requests.post(
            f"{self.stack.url}/webhooks/tiktok",
            data=body,
            headers={"Authorization": authorization, "Content-Type": "application/json"},
            timeout=30,
        )

    def held_webhooks(self, order_id: str) -> list[bytes]:
        """The sandbox's webhooks about an order that it holds back (hold_webhooks), as the bytes TikTok sends."""
        import json

        return [
            json.dumps(d["payload"], separators=(",", ":")).encode()
            for d in self.tiktok.webhook_log()
            if d["state"] == "held" and d["payload"]["data"].get("order_id") == order_id
        ]

    def wait_state(self, order_id: str, *states: str, timeout: float = 60.0) -> OrderRecord:
        def probe() -> OrderRecord | None:
            record = self.record(order_id)
            return record if record is not None and record.state.value in states else None

        try:
            return wait_for(probe, f"order {order_id} to reach {states}", timeout)
        except AssertionError:
            raise AssertionError(f"order {order_id} did not reach {states}: {self.record(order_id)}") from None

    def past_update_time(self, order_id: str) -> None:
        """The sandbox keeps update_time strictly increasing, so two changes in one second put it a second ahead
        of the clock (TikTok's never is); a search "updated until now" sees it once the clock has passed it."""
        update_time = int(self.tiktok.order(order_id)["update_time"])
        while time.time() <= update_time:
            time.sleep(0.05)

    def settle(self, timeout: float = 60.0) -> None:
        """Wait until TikTok delivered its webhooks (a delivery TikTok retries minutes later is not waited for) and
        no event is waiting for a consumer."""
        self.tiktok.wait_for_webhooks(timeout)
        table = self.stack.physical("EventsTable")

        def idle() -> bool:
            items = self.stack.client("dynamodb").scan(TableName=table)["Items"]
            return not [i for i in items if i["status"]["S"] in ("RECEIVED", "ENQUEUED")]

        wait_for(idle, "events to be consumed", timeout)

    def magento_orders(self, order_id: str) -> list[dict[str, Any]]:
        with self.magento.state.lock:
            return [
                dict(o)
                for o in self.magento.state.orders.values()
                if o.get("ext_order_id") == order_id or o.get("customer_email") == f"tiktok+{order_id}@example.com"
            ]


def start_order_stack(
    state_dir: Path, *, prices: dict[str, str] | None = None, stock: int = 1000, **overrides: Any
) -> OrderStack:
    """Start the stack, authorize the seller on the sandbox's page, serve the US shop, list a product.

    `prices`: Magento SKU -> TikTok price of the product's SKUs (default: three tees and the tote); Magento
    and TikTok get `stock` units of each.
    """
    settings: dict[str, Any] = {
        "state_dir": state_dir,
        "time_scale": 0.003,
        "run_schedules": False,
        # A placement whose answer was lost is looked for again after 1 s (the template's 120 s, scaled down).
        "function_env": {"ORDER_PLACEMENT_SETTLE_SECONDS": "1"},
    }
    stack = LocalStack(StackConfig(**(settings | overrides))).start()
    try:
        headers = stack.admin_headers
        start = requests.get(f"{stack.url}/tts/authorization/start", headers=headers, timeout=60).json()
        page = requests.get(start["authorize_url"], timeout=60)
        assert page.status_code == 200, page.text
        selected = requests.put(
            f"{stack.url}/admin/shops/{US_SHOP_ID}", json={"selected": True}, headers=headers, timeout=60
        )
        assert selected.status_code == 200, selected.text
        warm_order_functions(stack)
        tts = connect(stack.sandboxes["tiktok"])
        prices = prices or dict.fromkeys(TEE_SKUS, "25.00") | {TOTE_SKU: "39.00"}
        product = list_tiktok_product(tts.api, tts.us, prices, quantity=stock)
        for sku in prices:  # enough Magento stock for every order of a test module
            stack.sandboxes["magento"].set_source_quantity(sku, stock)
        order_stack = OrderStack(stack, tts, product)
        DynamoDBListingStore(order_stack.table("MappingsTable")).save(product.listing(US_SHOP_ID))
        return order_stack
    except BaseException:
        stack.stop()
        raise
