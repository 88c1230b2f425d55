"""The demo's order steps (the guide's "Automatic Order Push" and "Order Fulfilment"): a seller-shipping and a
platform-shipping order placed in the TikTok sandbox, both Magento orders, the merchant's shipment in Magento
and TikTok's In Transit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from local_stack.seller_center import list_tiktok_product
from local_stack.stack import LocalStack
from local_stack.warm import warm_order_functions
from tts_connector.tiktok.api import TikTokShopApi
from tts_connector.tiktok.client import ShopRef, TikTokShopClient
from tts_connector.tiktok.tokens import InMemoryTokenSource

Step = Callable[[str], None]
Ttsc = Callable[[str], None]
TtscJson = Callable[[str], Any]


def _seller_center(stack: LocalStack, shop_id: str) -> tuple[TikTokShopApi, ShopRef]:
    """The seller's own access to the TikTok sandbox (Seller Center), apart from the connector's."""
    sandbox = stack.sandboxes["tiktok"]
    granted = sandbox.issue_tokens()
    client = TikTokShopClient(
        base_url=sandbox.base_url,
        app_key=sandbox.config.app_key,
        app_secret=sandbox.config.app_secret,
        token_source=InMemoryTokenSource({shop_id: granted["access_token"]}),
    )
    cipher = next(s.cipher for s in sandbox.config.shops if s.id == shop_id)
    return TikTokShopApi(client), ShopRef(shop_id, cipher)


def _wait_state(ttsc_json: TtscJson, order_id: str, states: set[str], timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = [o for o in ttsc_json("orders list --limit 50") if o["tiktok_order_id"] == order_id]
        if found and found[0]["state"] in states:
            return dict(found[0])
        if time.monotonic() > deadline:
            raise RuntimeError(f"order {order_id} did not reach {sorted(states)}: {found}")
        time.sleep(0.3)


def walk_orders(stack: LocalStack, shop_id: str, *, step: Step, ttsc: Ttsc, ttsc_json: TtscJson) -> str:
    """Both shipping types end to end; answers the platform order's id (the refund step returns it)."""
    tiktok, magento = stack.sandboxes["tiktok"], stack.sandboxes["magento"]

    step("TikTok products sell Magento SKUs")
    warm_order_functions(stack)
    api, shop = _seller_center(stack, shop_id)
    product = list_tiktok_product(
        api, shop, {"MS-TEE-S-BLA": "25.00", "MS-TEE-M-RED": "25.00"}, title="Magento Tee", quantity=50
    )
    print(
        f"The seller lists 'Magento Tee' (TikTok product {product.product_id}) with seller SKUs "
        f"{', '.join(product.sku_ids)}: the connector maps order lines to those Magento SKUs."
    )

    step("Automatic Order Push: a buyer pays a seller-shipping order")
    seller = tiktok.place_order(shop_id, [(product.sku_ids["MS-TEE-S-BLA"], 2)], shipping_type="SELLER")["id"]
    print(f"TikTok order {seller}: UNPAID (nothing in Magento yet), then the buyer pays.")
    tiktok.pay_order(seller)
    _wait_state(ttsc_json, seller, {"imported"})
    ttsc(f"orders show {seller}")

    step("Platform shipping: TikTok's carrier collects the parcel")
    platform = tiktok.place_order(shop_id, [(product.sku_ids["MS-TEE-M-RED"], 1)], shipping_type="TIKTOK")["id"]
    tiktok.pay_order(platform)
    _wait_state(ttsc_json, platform, {"seen"})
    print(f"TikTok order {platform}: Awaiting Shipment, still no Magento order (the guide); pick-up arranged:")
    tiktok.arrange_shipment(platform)
    _wait_state(ttsc_json, platform, {"shipped"})
    shown = ttsc_json(f"orders show {platform}")
    print(
        f"Magento order #{shown['magento']['increment_id']}: {shown['magento']['state']}, invoiced and shipped "
        f"with TikTok's tracking {tiktok.order(platform)['tracking_number']}"
    )
    # The buyer can only ask to return what the carrier has collected (the sandbox's RETURNABLE statuses).
    tiktok.carrier_collect(platform)
    tiktok.deliver_order(platform)
    status = tiktok.order(platform)["status"]
    print(f"The carrier collects the parcel and delivers it: TikTok order {platform} is {status}.")
    ttsc("orders list")

    step("Order Fulfilment: the merchant ships the seller order in Magento")
    ttsc("carriers list")
    detail = ttsc_json(f"orders show {seller}")
    entity_id = int(detail["record"]["magento_order_id"])
    print(
        f"Sales > Orders > #{detail['magento']['increment_id']} > Ship: carrier United Parcel Service, "
        "tracking 1Z999AA10123456784, Submit Shipment"
    )
    magento.ship_order(
        entity_id,
        tracks=[{"track_number": "1Z999AA10123456784", "title": "United Parcel Service", "carrier_code": "ups"}],
    )
    _wait_state(ttsc_json, seller, {"shipped"})
    order = tiktok.order(seller)
    print(
        f"Magento: order complete. TikTok: {order['status']} via {order['shipping_provider']} "
        f"{order['tracking_number']} (pushed by the connector from Magento's shipment event)"
    )
    ttsc(f"orders show {seller}")
    return str(platform)
