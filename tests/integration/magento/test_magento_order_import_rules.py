"""The Magento sandbox's rules that order import relies on, over HTTP (sandbox README, fidelity rule 8)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from magento_sandbox import Fault, MagentoSandbox
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import Address, MagentoClient

pytestmark = pytest.mark.integration


def _cart(magento: MagentoClient, buyer: Address) -> str:
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 1)
    magento.checkout.set_shipping_information(cart, buyer, buyer, carrier_code="flatrate", method_code="flatrate")
    return cart


def test_the_payment_information_email_is_the_orders_customer_email_and_can_be_searched(
    magento: MagentoClient, buyer: Address
) -> None:
    email = "tiktok+576461413038785752@example.com"
    order_id = magento.checkout.place_order(_cart(magento, buyer), email=email, payment_method="checkmo")

    assert magento.sales.get_order(order_id)["customer_email"] == email
    found = magento.sales.find_orders_by_marketplace_id("576461413038785752", email)
    assert [o["entity_id"] for o in found] == [order_id]
    assert magento.sales.find_orders_by_marketplace_id("1", "nobody@example.com") == []


def test_the_directory_lists_a_countrys_regions(magento: MagentoClient) -> None:
    listed = magento.store.country_regions("US")
    regions = {r["code"]: r for r in listed}

    assert (regions["CA"]["id"], regions["CA"]["name"]) == ("12", "California")
    assert (regions["NY"]["id"], len(listed)) == ("43", 65)
    assert magento.store.country_regions("GB") == []
    with pytest.raises(NotFoundError, match="Requested country is not available"):
        magento.store.country_regions("XX")


@pytest.mark.parametrize(
    ("region", "placed"),
    [({"region_id": 12}, True), ({"region_code": "CA"}, True), ({"region": "California"}, False), ({}, False)],
)
def test_a_us_address_needs_a_region_magento_knows(
    magento: MagentoClient, buyer: Address, region: dict[str, object], placed: bool
) -> None:
    us = Address("Jane", "Doe", ("1 Main St",), "San Jose", "95110", "US", "555", "j@example.com", **region)  # type: ignore[arg-type]
    cart = magento.checkout.create_guest_cart()
    magento.checkout.add_item(cart, "BAG-TOTE", 1)
    magento.checkout.set_shipping_information(cart, us, us, carrier_code="flatrate", method_code="flatrate")

    if placed:
        assert magento.checkout.place_order(cart, email="j@example.com", payment_method="checkmo") > 0
    else:
        with pytest.raises(InvalidInputError, match='"regionId" is required'):
            magento.checkout.place_order(cart, email="j@example.com", payment_method="checkmo")


def test_an_order_address_is_saved_by_its_entity_id(magento: MagentoClient, buyer: Address) -> None:
    order_id = magento.checkout.place_order(_cart(magento, buyer), email="b@example.com", payment_method="checkmo")
    order = magento.sales.get_order(order_id)
    shipping = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    assert shipping["parent_id"] == order_id and shipping["entity_id"] != order["billing_address"]["entity_id"]

    saved = magento.sales.update_order_address(
        order_id, {"entity_id": shipping["entity_id"], "address_type": "shipping", "street": ["2 New St"]}
    )

    assert saved["street"] == ["2 New St"]
    after = magento.sales.get_order(order_id)
    assert after["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]["street"] == ["2 New St"]
    assert after["billing_address"]["street"] == list(buyer.street)
    with pytest.raises(InvalidInputError, match="could not be saved"):
        magento.sales.update_order_address(order_id, {"entity_id": 999999, "street": ["x"]})


def test_a_delayed_answer_comes_after_the_change_is_made(
    sandbox: MagentoSandbox, magento: MagentoClient, buyer: Address
) -> None:
    cart = _cart(magento, buyer)
    sandbox.inject_fault(
        Fault(status=None, path_contains="/payment-information", after_processing=True, answer_delay_seconds=2)
    )
    answered: list[float] = []

    def place() -> None:
        magento.checkout.place_order(cart, email="late@example.com", payment_method="checkmo")
        answered.append(time.monotonic())

    thread = threading.Thread(target=place)
    began = time.monotonic()
    thread.start()
    deadline = began + 5
    while not sandbox.state.orders and time.monotonic() < deadline:
        time.sleep(0.02)
    placed_at = time.monotonic()
    thread.join(timeout=10)

    assert sandbox.state.orders, "the order exists before the answer"
    assert answered and answered[0] - placed_at > 1.0
    requests.get(sandbox.base_url + "/_sandbox/health", timeout=5).raise_for_status()
