"""The sandbox's HTTP control API: merchant changes become events, admin shipments show up over REST."""

from __future__ import annotations

import pytest
import requests

from magento_sandbox import MagentoSandbox
from tts_connector.magento import Address, MagentoClient

pytestmark = pytest.mark.integration


def test_price_and_stock_changes_are_recorded_as_events(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    base = sandbox.base_url + "/_sandbox"

    price = requests.post(f"{base}/products/WB%2F01%20750ml/price", json={"price": 14.0}, timeout=5).json()
    stock = requests.post(
        f"{base}/source-items", json={"sku": "BAG-TOTE", "source_code": "default", "quantity": 0}, timeout=5
    ).json()
    events = requests.get(f"{base}/events", params={"since": price["id"] - 1}, timeout=5).json()

    assert [e["type"] for e in events] == ["price_changed", "stock_changed"]
    assert events[1]["salable_quantity"] == 0
    assert stock["sku"] == "BAG-TOTE"
    assert magento.catalog.get_product("WB/01 750ml")["price"] == 14.0
    assert magento.inventory.salable_quantity("BAG-TOTE") == 0
    assert sandbox.change_events(since_id=events[0]["id"]) == [events[1]]


def test_a_merchant_shipment_with_tracking_is_visible_over_rest(
    magento: MagentoClient, sandbox: MagentoSandbox, buyer: Address
) -> None:
    order_id = magento.checkout.place_guest_order(
        [("BAG-TOTE", 1)],
        shipping=buyer,
        billing=buyer,
        carrier_code="flatrate",
        method_code="flatrate",
        payment_method="checkmo",
    )
    tracks = [{"track_number": "9400100000000000000000", "title": "USPS", "carrier_code": "usps"}]

    event = requests.post(
        f"{sandbox.base_url}/_sandbox/orders/{order_id}/ship", json={"tracks": tracks}, timeout=5
    ).json()

    shipment = magento.sales.get_shipment(event["shipment_id"])
    assert shipment["tracks"][0]["track_number"] == "9400100000000000000000"
    assert event["type"] == "shipment_created"
    assert magento.sales.get_order(order_id)["state"] == "processing"  # shipped but not invoiced


def test_faults_and_settings_over_http(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    base = sandbox.base_url + "/_sandbox"

    requests.post(f"{base}/faults", json={"status": 503, "path_contains": "/V1/store", "times": 1}, timeout=5)
    settings = requests.post(f"{base}/config", json={"guest_checkout_enabled": False}, timeout=5).json()
    refused = requests.post(f"{base}/config", json={"consumer_secret": "x"}, timeout=5)

    assert magento.store.store_configs()[0]["code"] == "default"  # 503 retried
    assert settings["guest_checkout_enabled"] is False
    assert sandbox.config.guest_checkout_enabled is False
    assert refused.status_code == 400
    assert requests.delete(f"{base}/faults", timeout=5).json() == {"faults": 0}
